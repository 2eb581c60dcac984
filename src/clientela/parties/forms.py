from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.accounts.access import assignable_owners_q, assignable_units_q
from clientela.accounts.models import Unit, User
from clientela.core.forms import ShownValuesForm, touched_values
from clientela.core.text import MAX_QUERY_LENGTH

from .brazil import STATE_CHOICES, format_phone, format_tax_id
from .models import Kind, Party
from .services import EDITABLE_FIELDS


def column(name: str) -> int:
    """The length of the party's column: the form allows what the database holds."""
    return Party._meta.get_field(name).max_length


# Labels that depend on the kind: (person, company). The template puts both on the
# label so the page's script can switch them when the kind changes.
KIND_LABELS = {
    "name": (_("Full name"), _("Legal name (razão social)")),
    "trade_name": (_("Nickname"), _("Trade name (nome fantasia)")),
}
# Fields that make sense for one kind only: hidden for the other one (when empty).
PERSON_ONLY = {"birth_date", "job_title"}
COMPANY_ONLY = {"state_registration", "municipal_registration"}


class PartyForm(ShownValuesForm):
    """The page's form; the rules themselves live in services._apply, shared with the API."""

    wide_fields = {"notes", "phones", "tags"}
    double_fields = {"name", "trade_name", "street"}
    fieldsets = [
        (
            _("Identification"),
            [
                "kind",
                "name",
                "trade_name",
                "tax_id",
                "state_registration",
                "municipal_registration",
                "birth_date",
                "job_title",
            ],
        ),
        (_("Relationship"), ["is_customer", "is_supplier", "is_active", "owner_id", "unit_id"]),
        (_("Contact"), ["email", "phones"]),
        (
            _("Address"),
            ["zip_code", "street", "number", "complement", "district", "city", "state", "country"],
        ),
        (_("Tags and notes"), ["tags", "notes"]),
    ]

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=column("name"))
    trade_name = forms.CharField(
        label=_("Trade name"), max_length=column("trade_name"), required=False
    )
    tax_id = forms.CharField(
        label=_("CPF/CNPJ"),
        max_length=30,
        required=False,
        help_text=_("CPF for a person, CNPJ for a company; dots and dashes are optional."),
    )
    state_registration = forms.CharField(
        label=_("State registration (IE)"),
        max_length=column("state_registration"),
        required=False,
        help_text=_("The number, or ISENTO when exempt."),
    )
    municipal_registration = forms.CharField(
        label=_("Municipal registration (IM)"),
        max_length=column("municipal_registration"),
        required=False,
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    job_title = forms.CharField(
        label=_("Job title"), max_length=column("job_title"), required=False
    )
    is_customer = forms.BooleanField(label=_("Customer"), required=False)
    is_supplier = forms.BooleanField(label=_("Supplier"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    email = forms.CharField(
        label=_("E-mail"), max_length=column("email"), required=False, widget=forms.EmailInput
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        max_length=400,
        help_text=_("Separate several numbers with commas, e.g. (11) 98765-4321, (11) 3333-4444."),
    )
    zip_code = forms.CharField(label=_("ZIP code (CEP)"), max_length=12, required=False)
    street = forms.CharField(label=_("Street"), max_length=column("street"), required=False)
    number = forms.CharField(label=_("Number"), max_length=column("number"), required=False)
    complement = forms.CharField(
        label=_("Complement"), max_length=column("complement"), required=False
    )
    district = forms.CharField(label=_("District"), max_length=column("district"), required=False)
    city = forms.CharField(label=_("City"), max_length=column("city"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", "—")] + STATE_CHOICES)
    country = forms.CharField(
        label=_("Country"),
        max_length=column("country"),
        required=False,
        help_text=_("Two letters, BR for Brazil."),
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=900, required=False, help_text=_("Separate tags with commas.")
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=column("notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    unit_id = forms.TypedChoiceField(label=_("Business unit"), coerce=int)
    employer_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor: User, party: Party | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.party = party
        owners = list(
            User.objects.filter(assignable_owners_q(actor)).distinct().order_by("username")
        )
        owner_choices = [(u.pk, str(u)) for u in owners]
        units = list(Unit.objects.filter(assignable_units_q(actor)).order_by("name"))
        unit_choices = [(u.pk, u.name) for u in units]
        # The record's current owner and unit stay choosable even when the editor could not
        # pick them (another unit's user, a deactivated unit), so the select shows what is
        # saved and an untouched select changes nothing.
        if party is not None:
            if all(u.pk != party.owner_id for u in owners):
                owner_choices.insert(
                    0, (party.owner_id, _("%(name)s (current owner)") % {"name": party.owner})
                )
            if all(u.pk != party.unit_id for u in units):
                unit_choices.insert(
                    0, (party.unit_id, _("%(name)s (current unit)") % {"name": party.unit.name})
                )
        self.fields["owner_id"].choices = owner_choices
        self.fields["unit_id"].choices = unit_choices
        self.kind = self._current_kind()
        for name, (person_label, company_label) in KIND_LABELS.items():
            self.fields[name].label = company_label if self.kind == Kind.COMPANY else person_label
            self.fields[name].widget.attrs.update(
                {"data-label-person": person_label, "data-label-company": company_label}
            )
        for name in PERSON_ONLY:
            self.fields[name].widget.attrs["data-kind-only"] = Kind.PERSON
        for name in COMPANY_ONLY:
            self.fields[name].widget.attrs["data-kind-only"] = Kind.COMPANY
        self.fields["kind"].widget.attrs["data-kind-switch"] = ""
        self.fields["tax_id"].widget.attrs["data-tax-id"] = ""
        # "Job title" only for people who work at a company (or who already have one).
        works_somewhere = self._value("employer_id") or (party and party.employer_id)
        if not works_somewhere and not self._value("job_title"):
            del self.fields["job_title"]

    def _value(self, name: str):
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def _current_kind(self) -> str:
        return self._value("kind") or Kind.PERSON

    def grouped_fields(self):
        """[(legend, [bound field, ...]), ...] for the template, in the fieldsets' order."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.fieldsets
        ]

    def service_data(self) -> dict:
        """What to hand to the service: everything on create, only the touched fields on edit."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["state"] = data["state"] or ""
        data["country"] = data["country"] or "BR"
        data["tax_id"] = data["tax_id"] or None
        if self.party is None:
            return {name: data[name] for name in EDITABLE_FIELDS if name in data}
        return {name: data[name] for name in touched_values(self, EDITABLE_FIELDS)}


def party_initial(party: Party) -> dict:
    """The form's values for a saved party (also what a conflict compares the input with)."""
    formatted = {
        "tax_id": format_tax_id(party.tax_id),
        "phones": ", ".join(format_phone(p) for p in party.phones),
        "tags": ", ".join(party.tags),
    }
    initial = {}
    for name in EDITABLE_FIELDS:
        initial[name] = formatted[name] if name in formatted else getattr(party, name)
    initial["version"] = party.version
    return initial


class PartyFilterForm(forms.Form):
    """The list's search box and filters, read from the query string."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        # The same words as the API's (core.text.clean_query).
        error_messages={"max_length": _("Search with at most %(limit_value)d characters.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + list(Kind.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("active", _("Active")),
            ("inactive", _("Inactive")),
            ("any", _("Active and inactive")),
        ],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states"))] + STATE_CHOICES
    )
    city = forms.CharField(label=_("City"), required=False, max_length=column("city"))
    unit = forms.CharField(required=False, max_length=100)
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A–Z)")),
            ("-name", _("Name (Z–A)")),
            ("-created_at", _("Newest first")),
            ("created_at", _("Oldest first")),
            ("-updated_at", _("Recently changed")),
        ],
    )
    cursor = forms.CharField(required=False, max_length=500)

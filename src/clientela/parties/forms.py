from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.accounts.access import assignable_owners_q, assignable_units_q
from clientela.accounts.models import Unit, User

from .brazil import STATE_CHOICES, format_phone, format_tax_id
from .models import Kind, Party


class PartyForm(forms.Form):
    """The page's form; the rules themselves live in services._apply, shared with the API."""

    wide_fields = {"notes", "phones", "tags"}
    double_fields = {"name", "trade_name", "street"}
    fieldsets = [
        (_("Identification"), ["kind", "name", "trade_name", "tax_id", "job_title"]),
        (_("Relationship"), ["is_customer", "is_supplier", "is_active", "owner_id", "unit_id"]),
        (_("Contact"), ["email", "phones"]),
        (
            _("Address"),
            ["zip_code", "street", "number", "complement", "district", "city", "state", "country"],
        ),
        (_("Tags and notes"), ["tags", "notes"]),
    ]

    def grouped_fields(self):
        """[(legend, [bound field, ...]), ...] for the template, in the fieldsets' order."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    trade_name = forms.CharField(label=_("Trade name"), max_length=200, required=False)
    tax_id = forms.CharField(
        label=_("CPF/CNPJ"),
        max_length=30,
        required=False,
        help_text=_("CPF for a person, CNPJ for a company; dots and dashes are optional."),
    )
    is_customer = forms.BooleanField(label=_("Customer"), required=False)
    is_supplier = forms.BooleanField(label=_("Supplier"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        max_length=400,
        help_text=_("Separate several numbers with commas, e.g. (11) 98765-4321, (11) 3333-4444."),
    )
    zip_code = forms.CharField(label=_("ZIP code (CEP)"), max_length=12, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    number = forms.CharField(label=_("Number"), max_length=20, required=False)
    complement = forms.CharField(label=_("Complement"), max_length=100, required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", "—")] + STATE_CHOICES)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("Two letters, BR for Brazil.")
    )
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    tags = forms.CharField(
        label=_("Tags"), max_length=900, required=False, help_text=_("Separate tags with commas.")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    unit_id = forms.TypedChoiceField(label=_("Business unit"), coerce=int)
    employer_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        owners = User.objects.filter(assignable_owners_q(actor)).distinct().order_by("username")
        self.fields["owner_id"].choices = [(u.pk, str(u)) for u in owners]
        units = Unit.objects.filter(assignable_units_q(actor)).order_by("name")
        self.fields["unit_id"].choices = [(u.pk, u.name) for u in units]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["state"] = data["state"] or ""
        data["country"] = data["country"] or "BR"
        data["tax_id"] = data["tax_id"] or None
        return data


def party_initial(party: Party) -> dict:
    return {
        "kind": party.kind,
        "name": party.name,
        "trade_name": party.trade_name,
        "tax_id": format_tax_id(party.tax_id),
        "is_customer": party.is_customer,
        "is_supplier": party.is_supplier,
        "is_active": party.is_active,
        "email": party.email,
        "phones": ", ".join(format_phone(p) for p in party.phones),
        "zip_code": party.zip_code,
        "street": party.street,
        "number": party.number,
        "complement": party.complement,
        "district": party.district,
        "city": party.city,
        "state": party.state,
        "country": party.country,
        "job_title": party.job_title,
        "tags": ", ".join(party.tags),
        "notes": party.notes,
        "owner_id": party.owner_id,
        "unit_id": party.unit_id,
        "employer_id": party.employer_id,
        "version": party.version,
    }


class PartyFilterForm(forms.Form):
    """The list's search box and filters, read from the query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
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
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    unit = forms.CharField(required=False)
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

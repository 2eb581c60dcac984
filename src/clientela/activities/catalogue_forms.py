"""The forms of the types and presets pages.

The rules live in catalogue.py (shared with the API): these forms only turn what the
browser sends into the services' `data` — every field on create, only the fields the user
touched on edit (ShownValuesForm), so an edit never overwrites what someone else saved.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clientela.accounts.access import is_admin
from clientela.accounts.models import User
from clientela.core.forms import ShownValuesForm, touched_values

from .forms import LEAD_TIMES, REMINDER_ROWS, ReminderRows, reminder_initial
from .models import ICONS, ActivityType, Channel, Preset


class ColorInput(forms.TextInput):
    input_type = "color"


def _text(label, *, max_length: int, help_text="", rows: int | None = None) -> forms.CharField:
    """A text field whose length the service checks (the attribute only helps the browser)."""
    attrs = {"maxlength": max_length}
    widget = forms.Textarea(attrs={**attrs, "rows": rows}) if rows else forms.TextInput(attrs)
    return forms.CharField(label=label, required=False, help_text=help_text, widget=widget)


def _number(label, *, most: int, help_text="") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 0, "max": most}),
    )


# --- types -----------------------------------------------------------------------------

TYPE_NAMES = ["name", "name_pt_br", "slug", "color", "icon", "order", "is_active"]


class TypeForm(ShownValuesForm):
    name = _text(gettext_lazy("Name in English"), max_length=60)
    name_pt_br = _text(gettext_lazy("Name in Portuguese"), max_length=60)
    slug = forms.CharField(
        label=gettext_lazy("Code"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 40}),
        help_text=gettext_lazy(
            "Used by the API and the quick add. Leave empty to make it from the English "
            "name; it cannot change later."
        ),
    )
    color = forms.CharField(label=gettext_lazy("Colour"), required=False, widget=ColorInput)
    icon = forms.ChoiceField(label=gettext_lazy("Icon"), choices=ICONS)
    order = _number(
        gettext_lazy("Order"), most=10000, help_text=gettext_lazy("Lower numbers come first.")
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Active"),
        required=False,
        help_text=gettext_lazy(
            "An inactive type is no longer offered for new records; old records keep it."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: ActivityType | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind is not None:
            # Shown, never sent: the API and the quick add know the type by its code.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _(
                "The code cannot change: the API and the quick add use it."
            )

    def service_data(self) -> dict:
        """The services' fields: all on create, only what the user touched on edit."""
        if self.kind is not None:
            return touched_values(self, TYPE_NAMES)
        data = {name: self.cleaned_data.get(name) for name in TYPE_NAMES}
        if not data["slug"]:
            del data["slug"]  # made from the English name
        return data


def type_initial(kind: ActivityType) -> dict:
    """The form's values for a saved type (also what a conflict compares input with)."""
    return {
        "name": kind.name,
        "name_pt_br": kind.name_pt_br,
        "slug": kind.slug,
        "color": kind.color,
        "icon": kind.icon,
        "order": kind.order,
        "is_active": kind.is_active,
        "version": kind.version,
    }


NEW_TYPE_INITIAL = {"color": "#4b5563", "icon": "dot", "order": 100, "is_active": True}


# --- presets ---------------------------------------------------------------------------

PRESET_NAMES = [
    "name",
    "type",
    "text",
    "due_in_days",
    "business_days",
    "due_time",
    "all_day",
    "shared",
    "is_active",
    "order",
]


def _reminder_fields() -> tuple[forms.ChoiceField, forms.TypedChoiceField]:
    channel = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("none")), *Channel.choices]
    )
    minutes = forms.TypedChoiceField(required=False, coerce=int, choices=LEAD_TIMES, empty_value=0)
    return channel, minutes


class PresetForm(ReminderRows, ShownValuesForm):
    name = _text(
        gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("The button's text above the follow-up form."),
    )
    type = forms.ChoiceField(label=gettext_lazy("Type"))
    text = _text(
        gettext_lazy("Text"),
        max_length=2000,
        rows=4,
        help_text=gettext_lazy("Fills the description."),
    )
    due_in_days = _number(gettext_lazy("Next contact in (days)"), most=365)
    business_days = forms.BooleanField(
        label=gettext_lazy("Count business days only"),
        required=False,
        help_text=gettext_lazy("Saturdays and Sundays are skipped."),
    )
    due_time = forms.TimeField(
        label=gettext_lazy("At"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Empty: the time of day when the preset is used."),
    )
    all_day = forms.BooleanField(label=gettext_lazy("Whole day"), required=False)
    reminder_channel_1, reminder_minutes_1 = _reminder_fields()
    reminder_channel_2, reminder_minutes_2 = _reminder_fields()
    reminder_channel_3, reminder_minutes_3 = _reminder_fields()
    shared = forms.BooleanField(
        label=gettext_lazy("For everyone"),
        required=False,
        help_text=gettext_lazy("Every user sees it; untick to keep it for yourself."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)
    order = _number(
        gettext_lazy("Order"), most=10000, help_text=gettext_lazy("Lower numbers come first.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    wide_fields = ("text",)
    sections_shown = [
        (gettext_lazy("The follow-up"), ["name", "type", "text"]),
        (
            gettext_lazy("Next contact"),
            ["due_in_days", "business_days", "due_time", "all_day"],
        ),
        (gettext_lazy("Reminders"), None),  # the rows of channel and lead time
        (gettext_lazy("Showing"), ["shared", "is_active", "order"]),
    ]

    def __init__(self, *args, actor: User, preset: Preset | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.preset = preset
        choices = [(t.slug, t.label) for t in ActivityType.objects.filter(is_active=True)]
        if preset is not None and all(slug != preset.type.slug for slug, _label in choices):
            # A deactivated type stays on the presets that have it, until changed.
            label = _("%(name)s (inactive)") % {"name": preset.type.label}
            choices.insert(0, (preset.type.slug, label))
        self.fields["type"].choices = choices
        if not is_admin(actor):
            del self.fields["shared"]  # only administrators make presets for everyone
        for row in range(1, REMINDER_ROWS + 1):
            self.fields[f"reminder_channel_{row}"].label = _("Reminder %(n)d") % {"n": row}
            self.fields[f"reminder_minutes_{row}"].label = _("When")

    def sections(self) -> list[dict]:
        """The form's fieldsets for the template: a legend and its fields, or the
        reminder rows (channel, lead time)."""
        return [
            {
                "legend": legend,
                "fields": [self[name] for name in names or [] if name in self.fields],
                "rows": None if names else self.reminder_rows(),
            }
            for legend, names in self.sections_shown
        ]

    def service_data(self) -> dict:
        """The services' fields: all on create, only what the user touched on edit."""
        names = [name for name in PRESET_NAMES if name in self.fields]
        if self.preset is None:
            data = {name: self.cleaned_data.get(name) for name in names}
            data["reminders"] = self.reminders()
            return data
        reminder_names = [name for name in self.fields if name.startswith("reminder_")]
        touched = touched_values(self, names + reminder_names)
        data = {name: value for name, value in touched.items() if name in names}
        if set(touched) & set(reminder_names):
            data["reminders"] = self.reminders()
        return data


def preset_initial(preset: Preset) -> dict:
    """The form's values for a saved preset (also what a conflict compares input with)."""
    initial = {
        "name": preset.name,
        "type": preset.type.slug,
        "text": preset.text,
        "due_in_days": preset.due_in_days,
        "business_days": preset.business_days,
        "due_time": preset.due_time,
        "all_day": preset.all_day,
        "shared": preset.shared,
        "is_active": preset.is_active,
        "order": preset.order,
        "version": preset.version,
    }
    initial.update(reminder_initial(preset.reminders))
    return initial


def new_preset_initial(actor: User) -> dict:
    return {"due_in_days": 1, "shared": is_admin(actor), "is_active": True, "order": 100}


# --- words for a preset ---------------------------------------------------------------


def delay_in_words(preset: Preset) -> str:
    """When the preset's next contact falls: "+2 days at 09:00", "next business day, whole
    day" (the rule itself is catalogue.preset_due)."""
    days = preset.due_in_days
    if preset.business_days:
        if days == 0:
            when = _("today, or the next business day")
        elif days == 1:
            when = _("next business day")
        else:
            when = ngettext("+%(n)d business day", "+%(n)d business days", days) % {"n": days}
    elif days == 0:
        when = _("today")
    else:
        when = ngettext("+%(n)d day", "+%(n)d days", days) % {"n": days}
    if preset.all_day:
        return _("%(when)s, whole day") % {"when": when}
    if preset.due_time is not None:
        return _("%(when)s at %(time)s") % {
            "when": when,
            "time": preset.due_time.strftime("%H:%M"),
        }
    return _("%(when)s, at the time it is used") % {"when": when}


def reminders_in_words(reminders: list[dict]) -> list[str]:
    """["E-mail, 1 hour before", …] for a preset's reminders."""
    channels = dict(Channel.choices)
    leads = dict(LEAD_TIMES)
    result = []
    for reminder in reminders:
        minutes = reminder.get("minutes_before", 0)
        lead = leads.get(minutes) or ngettext(
            "%(n)d minute before", "%(n)d minutes before", minutes
        ) % {"n": minutes}
        channel = channels.get(reminder.get("channel"), reminder.get("channel"))
        result.append(_("%(channel)s, %(lead)s") % {"channel": channel, "lead": lead})
    return result

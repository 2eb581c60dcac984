"""The pages' forms. The rules live in services._apply (shared with the API): these only turn
what the browser sends (local dates and times, reminder rows) into the services' fields."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.access import assignable_owners_q
from clientela.accounts.models import User
from clientela.core.forms import ShownValuesForm, touched_values
from clientela.core.text import MAX_QUERY_LENGTH

from .models import Activity, ActivityType, Channel, Status
from .services import MAX_REMINDERS

LEAD_TIMES = [
    (0, _("at the due time")),
    (5, _("5 minutes before")),
    (15, _("15 minutes before")),
    (30, _("30 minutes before")),
    (60, _("1 hour before")),
    (120, _("2 hours before")),
    (60 * 24, _("1 day before")),
    (60 * 24 * 2, _("2 days before")),
    (60 * 24 * 7, _("1 week before")),
]
REMINDER_ROWS = 3
assert REMINDER_ROWS <= MAX_REMINDERS  # noqa: S101


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


class ReminderRows:
    """The reminder rows of a form (fields reminder_channel_N / reminder_minutes_N)."""

    def reminder_rows(self):
        return [
            (self[f"reminder_channel_{row}"], self[f"reminder_minutes_{row}"])
            for row in range(1, REMINDER_ROWS + 1)
        ]

    def reminders(self) -> list[dict]:
        result = []
        for row in range(1, REMINDER_ROWS + 1):
            channel = self.cleaned_data.get(f"reminder_channel_{row}")
            if channel:
                minutes = self.cleaned_data.get(f"reminder_minutes_{row}") or 0
                result.append({"channel": channel, "minutes_before": minutes})
        return result


def reminder_initial(reminders: list[dict]) -> dict:
    """The reminder rows' values for saved reminders."""
    initial = {}
    for row in range(1, REMINDER_ROWS + 1):
        reminder = reminders[row - 1] if len(reminders) >= row else None
        initial[f"reminder_channel_{row}"] = reminder["channel"] if reminder else ""
        initial[f"reminder_minutes_{row}"] = reminder["minutes_before"] if reminder else 0
    return initial


class ActivityForm(ReminderRows, ShownValuesForm):
    party_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    party_query = forms.CharField(
        label=_("Customer or supplier"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Type part of the name, a phone or a CPF/CNPJ, then choose."),
    )
    type = forms.ChoiceField(label=_("Type"))
    contacted_at = forms.DateTimeField(
        label=_("Date of the contact"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    complaint = forms.CharField(
        label=_("Complaint"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only the company's users see it: never in e-mails, SMS or the calendar feed."),
    )
    due_date = forms.DateField(
        label=_("Next contact"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty when there is nothing to follow up."),
    )
    due_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    all_day = forms.BooleanField(label=_("Whole day"), required=False)
    assignee_id = forms.TypedChoiceField(label=_("Assignee"), coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor: User, activity: Activity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.activity = activity
        types = list(ActivityType.objects.filter(is_active=True))
        choices = [(t.slug, t.label) for t in types]
        if activity is not None and all(t.slug != activity.type.slug for t in types):
            choices.insert(0, (activity.type.slug, activity.type.label))
        self.fields["type"].choices = choices
        assignees = list(
            User.objects.filter(assignable_owners_q(actor)).distinct().order_by("username")
        )
        assignee_choices = [(u.pk, str(u)) for u in assignees]
        if activity is not None and all(u.pk != activity.assignee_id for u in assignees):
            assignee_choices.insert(
                0,
                (
                    activity.assignee_id,
                    _("%(name)s (current assignee)") % {"name": activity.assignee},
                ),
            )
        self.fields["assignee_id"].choices = assignee_choices
        if len(assignee_choices) == 1:
            self.fields["assignee_id"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("due_date") and not data.get("all_day") and not data.get("due_time"):
            self.add_error("due_time", _("Give a time, or tick “Whole day”."))
        if data.get("due_time") and not data.get("due_date"):
            self.add_error("due_date", _("Give the day of the next contact."))
        return data

    def due_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("due_date")
        if not day:
            return None
        zone = timezone.get_current_timezone()
        wall = (
            datetime.time() if self.cleaned_data.get("all_day") else self.cleaned_data["due_time"]
        )
        moment = datetime.datetime.combine(day, wall).replace(tzinfo=zone)
        return moment.astimezone(datetime.UTC).astimezone(zone)

    def service_data(self) -> dict:
        """The services' fields: all on create, only what the user touched on edit."""
        cleaned = self.cleaned_data
        data = {
            "party_id": cleaned.get("party_id"),
            "type": cleaned.get("type"),
            "description": cleaned.get("description", ""),
            "complaint": cleaned.get("complaint", ""),
            "internal_note": cleaned.get("internal_note", ""),
            "due_at": self.due_at(),
            "all_day": bool(cleaned.get("all_day")),
            "reminders": self.reminders(),
        }
        if cleaned.get("contacted_at"):
            data["contacted_at"] = cleaned["contacted_at"]
        if cleaned.get("assignee_id"):
            data["assignee_id"] = cleaned["assignee_id"]
        if cleaned.get("status"):
            data["status"] = cleaned["status"]
        if self.activity is None:
            return data
        names = [
            "party_id",
            "type",
            "description",
            "complaint",
            "internal_note",
            "contacted_at",
            "assignee_id",
            "status",
            "due_date",
            "due_time",
            "all_day",
        ] + [name for name in self.fields if name.startswith("reminder_")]
        touched = touched_values(self, names)
        result = {name: data[name] for name in touched if name in data}
        if {"due_date", "due_time", "all_day"} & set(touched):
            result["due_at"] = data["due_at"]
            result["all_day"] = data["all_day"]
        if any(name.startswith("reminder_") for name in touched):
            result["reminders"] = data["reminders"]
        return result


# The reminder rows, declared with the form's other fields (so the shown values and the
# kept choices of ShownValuesForm cover them too).
for _row in range(1, REMINDER_ROWS + 1):
    ActivityForm.base_fields[f"reminder_channel_{_row}"] = forms.ChoiceField(
        label=_("Reminder %(n)d") % {"n": _row},
        required=False,
        choices=[("", _("none")), *Channel.choices],
    )
    ActivityForm.base_fields[f"reminder_minutes_{_row}"] = forms.TypedChoiceField(
        label=_("When"), required=False, coerce=int, choices=LEAD_TIMES, empty_value=0
    )


def activity_initial(activity: Activity) -> dict:
    """The form's values for a saved activity (also what a conflict compares input with)."""
    due = _local(activity.due_at)
    initial = {
        "party_id": activity.party_id,
        "party_query": activity.party.name,
        "type": activity.type.slug,
        "contacted_at": _local(activity.contacted_at).replace(second=0, microsecond=0),
        "description": activity.description,
        "complaint": activity.complaint,
        "internal_note": activity.internal_note,
        "due_date": activity.due_date if activity.all_day else (due.date() if due else None),
        "due_time": None if activity.all_day or not due else due.time().replace(second=0),
        "all_day": activity.all_day,
        "assignee_id": activity.assignee_id,
        "status": activity.status,
        "version": activity.version,
    }
    initial.update(reminder_initial(activity.reminders))
    return initial


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_date = forms.DateField(
        label=_("Next contact"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    next_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    next_all_day = forms.BooleanField(label=_("Whole day"), required=False)
    next_description = forms.CharField(
        label=_("What to do next"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def next_data(self) -> dict | None:
        """The next follow-up's fields when "Complete and schedule next" was asked."""
        day = self.cleaned_data.get("next_date")
        if not day:
            return None
        zone = timezone.get_current_timezone()
        all_day = bool(self.cleaned_data.get("next_all_day")) or not self.cleaned_data.get(
            "next_time"
        )
        wall = datetime.time() if all_day else self.cleaned_data["next_time"]
        moment = datetime.datetime.combine(day, wall).replace(tzinfo=zone)
        return {
            "due_at": moment.astimezone(datetime.UTC).astimezone(zone),
            "all_day": all_day,
            "description": self.cleaned_data.get("next_description", ""),
        }

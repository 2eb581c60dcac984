"""The relationship log: contacts made and follow-ups to make (one record: an activity).

An activity says what happened (`contacted_at`, the description, a complaint, an
internal note) and, when something remains to do, when to come back (`due_at`, or a
whole day). Completing it ("Baixar") is not deleting it: done ones stay in the
party's story for good.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clientela.accounts.access import ScopedQuerySet


class Status(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


# The icons a type may show (drawn by the stylesheet; no icon font, no CDN).
ICONS = [
    ("phone", _("Phone")),
    ("visit", _("Visit")),
    ("mail", _("E-mail")),
    ("meeting", _("Meeting")),
    ("chat", _("Chat")),
    ("search", _("Analysis")),
    ("handshake", _("After-sales")),
    ("wrench", _("Tools")),
    ("dot", _("Other")),
]


class ActivityType(models.Model):
    """Phone call, visit, e-mail…: kept by admins; a deactivated type stays on old records."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (English)"), max_length=60)
    name_pt_br = models.CharField(_("name (Portuguese)"), max_length=60)
    color = models.CharField(_("colour"), max_length=7, default="#4b5563")
    icon = models.CharField(_("icon"), max_length=20, choices=ICONS, default="dot")
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    version = models.PositiveIntegerField(default=1)

    history_entity = "activity_type"

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("activity type")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        language = (get_language() or "").lower()
        return self.name_pt_br if language.startswith("pt") and self.name_pt_br else self.name


class ActivityQuerySet(ScopedQuerySet):
    """Read through restrict(user): the scope rule of accounts.access, on the assignee."""

    owner_field = "assignee"

    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)

    def open(self):
        return self.filter(status=Status.OPEN)

    def overdue(self, now: datetime.datetime | None = None):
        return self.filter(overdue_q(now or timezone.now()))


def overdue_q(now: datetime.datetime) -> Q:
    """Open and past due: a timed one after its time, a whole-day one after its day.

    A whole-day follow-up's due_at is the start of its day in the assignee's zone, so it
    is late only from the start of the next day.
    """
    return Q(status=Status.OPEN) & (
        Q(all_day=False, due_at__lt=now)
        | Q(all_day=True, due_at__lt=now - datetime.timedelta(days=1))
    )


ALIVE = Q(deleted_at__isnull=True)


class Activity(models.Model):
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="activities", db_index=False
    )
    # No index of its own: types are never deleted, and a type filter is answered through
    # the list indexes (an index on ten million rows of a few values only slows inserts).
    type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type"),
        db_index=False,
    )
    description = models.TextField(_("description"), max_length=20000, blank=True)
    complaint = models.TextField(_("complaint"), max_length=20000, blank=True)
    # The company's own eyes only: never in the feed, e-mails, SMS or customer exports.
    internal_note = models.TextField(_("internal note"), max_length=20000, blank=True)
    contacted_at = models.DateTimeField(_("contact date"))
    due_at = models.DateTimeField(_("next contact"), null=True, blank=True)
    # Whole day: due_at is the start of `due_date` in the assignee's time zone.
    all_day = models.BooleanField(_("whole day"), default=False)
    due_date = models.DateField(null=True, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assignee"),
        db_index=False,
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("business unit"),
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    outcome = models.TextField(_("outcome"), max_length=5000, blank=True)
    # [{"channel": "email", "minutes_before": 30}]; delivered by the reminders app.
    reminders = models.JSONField(_("reminders"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = ActivityQuerySet.as_manager()
    history_entity = "activity"

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        # Each list reads one of these in order (keyset pagination on (column, id)); the
        # partial ones leave the trash out, so they stay small and exact.
        indexes = [
            # The agenda and "my follow-ups": an assignee's open ones by due date.
            models.Index(
                fields=["assignee", "due_at", "id"],
                name="activity_assignee_open_due",
                condition=ALIVE & Q(status="open"),
            ),
            # Open follow-ups by due date, of a unit and of everyone: at ten million rows
            # most are done, and the open ones would sit behind them in a wider index.
            models.Index(
                fields=["unit", "due_at", "id"],
                name="activity_unit_open_due",
                condition=ALIVE & Q(status="open"),
            ),
            models.Index(
                fields=["due_at", "id"],
                name="activity_open_due",
                condition=ALIVE & Q(status="open"),
            ),
            # A unit's calendars and lists, by due date and by contact date.
            models.Index(
                fields=["unit", "due_at", "id"], name="activity_unit_due", condition=ALIVE
            ),
            models.Index(
                fields=["unit", "contacted_at", "id"],
                name="activity_unit_contacted",
                condition=ALIVE,
            ),
            models.Index(
                fields=["assignee", "contacted_at", "id"],
                name="activity_assignee_contacted",
                condition=ALIVE,
            ),
            # The party's relationship tab and timeline (any status, trash included for
            # the purge's cascade).
            models.Index(fields=["party", "contacted_at", "id"], name="activity_party_contacted"),
            # Everyone's lists (admins), by due date and by contact date.
            models.Index(fields=["due_at", "id"], name="activity_due", condition=ALIVE),
            models.Index(fields=["contacted_at", "id"], name="activity_contacted", condition=ALIVE),
            models.Index(fields=["deleted_at"], name="activity_trash", condition=~ALIVE),
        ]

    def __str__(self) -> str:
        return f"{self.type} · {self.party_id} · {self.contacted_at:%Y-%m-%d}"

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        if self.status != Status.OPEN or self.due_at is None:
            return False
        now = now or timezone.now()
        if self.all_day:
            return self.due_at + datetime.timedelta(days=1) <= now
        return self.due_at < now


class PartyAssignment(models.Model):
    """(party, user) while the user has an open or done follow-up on the party.

    Kept by the activity services; it is what makes a party "theirs" to a user of scope
    "own" (accounts.access.register_visibility), with one indexed lookup instead of a
    search through millions of activities on every list.
    """

    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "party"], name="party_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"party {self.party_id} ← user {self.user_id}"


class Preset(models.Model):
    """A quick-entry template: one click fills type, text, next contact and reminders.

    Shared ones (owner empty) are made by admins; each user may keep their own.
    """

    name = models.CharField(_("name"), max_length=60)
    type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    text = models.TextField(_("text"), max_length=2000, blank=True)
    # The next contact: `due_in_days` from today (business days when `business_days`), at
    # `due_time` (or the current time when empty), or the whole day.
    due_in_days = models.PositiveSmallIntegerField(_("next contact in (days)"), default=1)
    business_days = models.BooleanField(_("count business days only"), default=False)
    due_time = models.TimeField(_("at"), null=True, blank=True)
    all_day = models.BooleanField(_("whole day"), default=False)
    reminders = models.JSONField(_("reminders"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    history_entity = "activity_preset"

    class Meta:
        ordering = ["order", "name", "id"]
        verbose_name = _("preset")

    def __str__(self) -> str:
        return self.name

    @property
    def shared(self) -> bool:
        return self.owner_id is None


class CalendarFeed(models.Model):
    """A user's private iCalendar address: the secret is in the URL, rotated on demand.

    Kept readable (not hashed) because the address is shown again in the profile and in
    /api/v1/me; it only ever reads the user's own open follow-ups, without the internal
    notes, and it is not an API token.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"


class SavedFilter(models.Model):
    """A named filter of the follow-up list, per user: the query string of the list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

"""Each user's private iCalendar feed of their open follow-ups (RFC 5545, with icalendar).

Calendar apps poll the address without logging in, so the secret in the URL is the only
key: it is long and random, rotated on demand (the old address then answers 404), and
separate from API tokens. The feed holds no internal notes.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from clientela.accounts.models import User
from clientela.audit.models import Action
from clientela.audit.services import record_change

from .models import Activity, CalendarFeed, Status

# A timed follow-up shows as an event of this length in calendar apps.
EVENT_LENGTH = datetime.timedelta(minutes=30)
# What the feed holds: open follow-ups from a month back to a year ahead.
FEED_PAST = datetime.timedelta(days=31)
FEED_FUTURE = datetime.timedelta(days=366)
FEED_CAP = 2000


def feed_url_for(user: User, request=None) -> str | None:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return None
    path = reverse("activities:feed", kwargs={"secret": feed.secret})
    return request.build_absolute_uri(path) if request is not None else path


@transaction.atomic
def feed_rotate(user: User) -> CalendarFeed:
    """A new secret address for the user's feed (the old one stops working at once)."""
    CalendarFeed.objects.filter(user=user).delete()
    feed = CalendarFeed.objects.create(user=user, secret=secrets.token_urlsafe(32))
    record_change(
        entity="calendar_feed",
        object_id=user.pk,
        action=Action.CREATE,
        actor=user,
        changes={"address": [None, "new"]},
    )
    return feed


@transaction.atomic
def feed_revoke(user: User) -> None:
    if CalendarFeed.objects.filter(user=user).delete()[0]:
        record_change(entity="calendar_feed", object_id=user.pk, action=Action.DELETE, actor=user)


def feed_owner(secret: str) -> User | None:
    """The active CRM user whose feed has this secret, else None (answered as a 404)."""
    if not secret or len(secret) > 64:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret).first()
    if feed is None or not secrets.compare_digest(feed.secret, secret):
        return None
    user = feed.user
    return user if user.can_use_crm else None


def feed_activities(user: User, now: datetime.datetime | None = None) -> list[Activity]:
    now = now or timezone.now()
    return list(
        Activity.objects.alive()
        .filter(
            assignee=user,
            status=Status.OPEN,
            due_at__gte=now - FEED_PAST,
            due_at__lt=now + FEED_FUTURE,
        )
        .select_related("type", "party")
        .order_by("due_at", "id")[:FEED_CAP]
    )


def _uid(activity: Activity) -> str:
    host = (settings.ALLOWED_HOSTS or ["clientela"])[0].lstrip(".") or "clientela"
    if host == "*":
        host = "clientela"
    return f"activity-{activity.pk}@{host}"


def render_feed(user: User, *, base_url: str) -> bytes:
    """The calendar as bytes: one VEVENT per open follow-up, in UTC (or a date when whole-day).

    UID is stable per follow-up; SEQUENCE is its version and LAST-MODIFIED its last change,
    so apps move a rescheduled one instead of duplicating it. Completed or cancelled ones
    are simply no longer in the feed.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Clientela//Follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Clientela · {user.get_short_name()}")
    calendar.add("x-published-ttl", "PT15M")
    for activity in feed_activities(user):
        event = Event()
        event.add("uid", _uid(activity))
        event.add("summary", f"{activity.type.label}: {activity.party.name}")
        if activity.all_day:
            event.add("dtstart", activity.due_date)
            event.add("dtend", activity.due_date + datetime.timedelta(days=1))
        else:
            start = activity.due_at.astimezone(datetime.UTC)
            event.add("dtstart", start)
            event.add("dtend", start + EVENT_LENGTH)
        event.add("dtstamp", activity.updated_at.astimezone(datetime.UTC))
        event.add("last-modified", activity.updated_at.astimezone(datetime.UTC))
        event.add("created", activity.created_at.astimezone(datetime.UTC))
        event.add("sequence", activity.version)
        # The description as written for the customer's record, never the internal note.
        if activity.description:
            event.add("description", activity.description)
        event.add("url", base_url + reverse("activities:detail", kwargs={"pk": activity.pk}))
        event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT" if activity.all_day else "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()

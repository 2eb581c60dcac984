"""Reading activities: one record, the filtered lists, the agenda, a calendar's range.

Everything starts from Activity.objects.restrict(user), so the scope rule of
accounts.access decides what exists for the user.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User
from clientela.core.converters import parse_whole_number
from clientela.core.text import clean_query, digits, fold, is_digit_query

from .models import Activity, Status, overdue_q

LIST_RELATED = ("type", "party", "assignee")
SORTS = {"due_at": "due_at", "contacted_at": "contacted_at", "created_at": "created_at"}
STATUS_FILTERS = ("open", "done", "cancelled", "overdue")


def visible_activity(user: User, activity_id: int) -> Activity:
    activity = (
        Activity.objects.restrict(user)
        .select_related(*LIST_RELATED, "unit", "done_by")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def trashed_activity(user: User, activity_id: int) -> Activity:
    activity = (
        Activity.objects.in_scope_of(user)
        .trashed()
        .select_related(*LIST_RELATED)
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def _day_range(
    date_from: datetime.date | None, date_to: datetime.date | None, zone
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """[start of date_from, start of the day after date_to) in the user's zone."""
    from .services import start_of_day

    start = start_of_day(date_from, zone) if date_from else None
    end = start_of_day(date_to + datetime.timedelta(days=1), zone) if date_to else None
    return start, end


@dataclass
class Filters:
    """The filters of the lists, in the API's and the URL's names (all optional)."""

    party_id: int | None = None
    assignee_id: int | None = None
    type: str | None = None
    status: str | None = None
    unit_id: int | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    contacted_from: datetime.date | None = None
    contacted_to: datetime.date | None = None
    q: str = ""
    party_role: str | None = None  # "customers" or "suppliers"


PARTY_ROLES = ("customers", "suppliers")


def filtered_activities(user: User, filters: Filters, *, now: datetime.datetime | None = None):
    """The activities `user` may see that match `filters` (ValidationError on bad ones)."""
    now = now or timezone.now()
    queryset = Activity.objects.restrict(user).select_related(*LIST_RELATED)
    if filters.party_id:
        queryset = queryset.filter(party_id=filters.party_id)
    if filters.assignee_id:
        queryset = queryset.filter(assignee_id=filters.assignee_id)
    if filters.type:
        queryset = queryset.filter(type__slug=filters.type)
    if filters.unit_id:
        queryset = queryset.filter(unit_id=filters.unit_id)
    if filters.party_role:
        if filters.party_role not in PARTY_ROLES:
            raise ValidationError(
                {"party_role": [_("Choose one of: %(c)s.") % {"c": ", ".join(PARTY_ROLES)}]}
            )
        role = "is_supplier" if filters.party_role == "suppliers" else "is_customer"
        queryset = queryset.filter(**{f"party__{role}": True})
    if filters.status:
        if filters.status not in STATUS_FILTERS:
            raise ValidationError(
                {"status": [_("Choose one of: %(c)s.") % {"c": ", ".join(STATUS_FILTERS)}]}
            )
        if filters.status == "overdue":
            queryset = queryset.filter(overdue_q(now))
        else:
            queryset = queryset.filter(status=filters.status)
    zone = user.zone
    for column, start_day, end_day in (
        ("due_at", filters.due_from, filters.due_to),
        ("contacted_at", filters.contacted_from, filters.contacted_to),
    ):
        if start_day and end_day and end_day < start_day:
            raise ValidationError(
                {column.replace("_at", "_to"): [_("The end of the period is before its start.")]}
            )
        start, end = _day_range(start_day, end_day, zone)
        if start:
            queryset = queryset.filter(**{f"{column}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{column}__lt": end})
    query = clean_query(filters.q)
    if query:
        queryset = queryset.filter(_party_matches(query))
    return queryset


def _party_matches(query: str) -> Q:
    """The party's search columns (the registry's search), then the description's words."""
    if is_digit_query(query):
        return Q(party__search_digits__contains=digits(query))
    condition = Q()
    for word in fold(query).split():
        pattern = word if len(word) >= 3 else " " + word
        condition &= Q(party__search_text__contains=pattern) | Q(description__icontains=word)
    return condition


def parse_filters(params, user: User) -> Filters:
    """Filters from a query string (the list page, bookmarkable): bad values are errors."""
    errors: dict[str, list[str]] = {}

    def number(name):
        raw = params.get(name) or ""
        if raw in ("", None):
            return None
        if name == "assignee_id" and raw == "me":
            return user.pk
        value = parse_whole_number(raw)
        if value is None:
            errors[name] = [_("Enter a number.")]
        return value

    def day(name):
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            return None

    filters = Filters(
        party_id=number("party_id"),
        assignee_id=number("assignee_id"),
        type=(params.get("type") or "").strip()[:40] or None,
        status=(params.get("status") or "").strip()[:20] or None,
        unit_id=number("unit_id"),
        due_from=day("due_from"),
        due_to=day("due_to"),
        contacted_from=day("contacted_from"),
        contacted_to=day("contacted_to"),
        q=(params.get("q") or ""),
        party_role=(params.get("party_role") or "").strip()[:20] or None,
    )
    if errors:
        raise ValidationError(errors)
    return filters


# --- the agenda ------------------------------------------------------------------------

AGENDA_ROWS = 50
TASK_ROWS = 10


@dataclass
class Agenda:
    overdue: list
    today: list
    week: list
    overdue_count: int | None
    today_count: int | None
    week_count: int | None
    later: list
    later_count: int | None


def _limited_count(queryset, cap: int = 1000) -> int | None:
    count = queryset.order_by()[: cap + 1].count()
    return count if count <= cap else None


def agenda(user: User, *, now: datetime.datetime | None = None) -> Agenda:
    """The user's own open follow-ups: overdue, today, the next 7 days, and the tasks
    after those (8 queries)."""
    now = now or timezone.now()
    zone = user.zone
    from .services import start_of_day

    today = now.astimezone(zone).date()
    start_today = start_of_day(today, zone)
    start_tomorrow = start_of_day(today + datetime.timedelta(days=1), zone)
    week_end = start_of_day(today + datetime.timedelta(days=8), zone)
    mine = (
        Activity.objects.alive()
        .open()
        .filter(assignee=user)
        .select_related("type", "party")
        .order_by("due_at", "id")
    )
    # Overdue: timed ones before now, whole-day ones of an earlier day.
    overdue = mine.filter(
        Q(all_day=False, due_at__lt=now) | Q(all_day=True, due_at__lt=start_today)
    )
    due_today = mine.filter(due_at__gte=start_today, due_at__lt=start_tomorrow).exclude(
        all_day=False, due_at__lt=now
    )
    week = mine.filter(due_at__gte=start_tomorrow, due_at__lt=week_end)
    later = mine.filter(due_at__gte=week_end)
    return Agenda(
        overdue=list(overdue[:AGENDA_ROWS]),
        today=list(due_today[:AGENDA_ROWS]),
        week=list(week[:AGENDA_ROWS]),
        overdue_count=_limited_count(overdue),
        today_count=_limited_count(due_today),
        week_count=_limited_count(week),
        later=list(later[:TASK_ROWS]),
        later_count=_limited_count(later),
    )


def due_now_count(user: User, *, now: datetime.datetime | None = None) -> int:
    """Open follow-ups of the user due today or late (for the dialog after login)."""
    now = now or timezone.now()
    zone = user.zone
    from .services import start_of_day

    tomorrow = start_of_day(now.astimezone(zone).date() + datetime.timedelta(days=1), zone)
    count = _limited_count(
        Activity.objects.alive().open().filter(assignee=user, due_at__lt=tomorrow), cap=99
    )
    return 100 if count is None else count


# --- calendars ---------------------------------------------------------------------------

CALENDAR_CAP = 2000


def calendar_items(
    user: User,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    by: str = "due",
    assignee_id: int | None = None,
    unit_id: int | None = None,
    include_done: bool = True,
    days: tuple[datetime.date, datetime.date] | None = None,
) -> tuple[list[Activity], bool]:
    """Activities in [start, end) by due date (`by="due"`) or contact date, and whether
    the range held more than the calendar shows (CALENDAR_CAP).

    With `days` (first, last), whole-day follow-ups are those whose day is in that range,
    whatever the zone their first instant was taken in.
    """
    column = "due_at" if by == "due" else "contacted_at"
    in_range = Q(**{f"{column}__gte": start, f"{column}__lt": end})
    if by == "due" and days is not None:
        in_range = Q(all_day=False) & in_range | Q(
            all_day=True, due_date__gte=days[0], due_date__lte=days[1]
        )
    queryset = (
        Activity.objects.restrict(user).select_related("type", "party", "assignee").filter(in_range)
    )
    if assignee_id:
        queryset = queryset.filter(assignee_id=assignee_id)
    if unit_id:
        queryset = queryset.filter(unit_id=unit_id)
    if by == "due":
        queryset = queryset.exclude(status=Status.CANCELLED)
        if not include_done:
            queryset = queryset.filter(status=Status.OPEN)
    rows = list(queryset.order_by(column, "id")[: CALENDAR_CAP + 1])
    return rows[:CALENDAR_CAP], len(rows) > CALENDAR_CAP


def party_open_followups(user: User, party, limit: int = 50):
    return list(
        Activity.objects.restrict(user)
        .open()
        .filter(party=party)
        .select_related("type", "assignee")
        .order_by("due_at", "id")[:limit]
    )


def party_log(user: User, party, *, limit: int = 50, before=None):
    """The party's contacts, newest first (done and cancelled ones; open ones are above)."""
    queryset = (
        Activity.objects.restrict(user)
        .filter(party=party)
        .exclude(status=Status.OPEN)
        .select_related("type", "assignee", "done_by")
    )
    if before is not None:
        queryset = queryset.filter(contacted_at__lt=before)
    return list(queryset.order_by("-contacted_at", "-id")[:limit])

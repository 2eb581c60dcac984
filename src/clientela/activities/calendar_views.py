"""The calendars: month, week and day views of follow-ups to make (by due date) and of
contacts made (by contact date), a timeline per person, and the drop that reschedules.

Moments are stored in UTC and shown in the viewer's zone (the middleware activates it);
a whole-day follow-up belongs to its `due_date` wherever the viewer is. Every view reads
one range through selectors.calendar_items, so a page costs the same few queries
however many rows stand behind it.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format, get_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clientela.accounts.access import assignable_owners_q, require_crm_access
from clientela.accounts.models import Unit, User
from clientela.accounts.units import switchable_units
from clientela.core.converters import parse_record_id
from clientela.core.errors import EditConflict
from clientela.core.http import safe_next
from clientela.core.versioning import parse_version

from . import selectors, services
from .models import Activity, Status

VIEWS = ("month", "week", "day", "timeline")
SPANS = ("week", "month")
MONTH_CELL_ITEMS = 5  # a month's day shows this many, then "+N more" (the day view)
SLOT_ITEMS = 6  # the same for an hour of the week view
WORKDAY = (8, 18)  # the hours the week and day views always show
# Whole-day follow-ups are read by their day (due_date), whatever the zone of their first
# instant (selectors.calendar_items), so the range is never read wider than shown.
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years the services accept
SUNDAY, MONDAY = 0, 1  # as FIRST_DAY_OF_WEEK counts
TRUE_WORDS = ("1", "on", "true", "yes")
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def first_weekday() -> int:
    """The day weeks start on in the active language (0 = Sunday, 1 = Monday): Monday in
    Portuguese (clientela.formats), Sunday in English."""
    return int(get_format("FIRST_DAY_OF_WEEK"))


def week_start(day: datetime.date, first: int) -> datetime.date:
    # date.weekday() counts from Monday = 0; FIRST_DAY_OF_WEEK from Sunday = 0.
    return day - datetime.timedelta(days=(day.weekday() + 1 - first) % 7)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    first = datetime.date(index // 12, index % 12 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def days_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


# --- what the query string asks for ------------------------------------------------------


@dataclass
class CalendarQuery:
    """The calendar's choices, read from its (bookmarkable) query string."""

    view: str = "month"
    anchor: datetime.date = field(default_factory=timezone.localdate)
    by: str = "due"
    assignee: str = "me"  # "me", "all" or a user's id
    assignee_id: int | None = None  # the filter: None is everyone the scope allows
    unit: Unit | None = None
    include_done: bool = False
    span: str = "week"
    errors: list[str] = field(default_factory=list)

    def params(self, **changes) -> dict:
        params = {
            "view": self.view,
            "date": self.anchor.isoformat(),
            "by": self.by,
            "assignee": self.assignee,
            "unit": self.unit.pk if self.unit else None,
            "include_done": "1" if self.include_done else None,
            "span": self.span,
        }
        params.update(changes)
        # Each only where it means something.
        if params["by"] != "due":
            params["include_done"] = None
        if params["view"] != "timeline":
            params["span"] = None
        return {key: value for key, value in params.items() if value is not None}

    def url(self, **changes) -> str:
        return f"{reverse('activities:calendar')}?{urlencode(self.params(**changes))}"


def parse_query(params, user: User, people: list[User], units: list[Unit]) -> CalendarQuery:
    """Bad values never fail the page: each falls back to its default, and the ones that
    change what is shown say so."""
    query = CalendarQuery()
    view = params.get("view") or ""
    query.view = view if view in VIEWS else "month"
    raw_date = (params.get("date") or "").strip()
    if raw_date:
        try:
            anchor = datetime.date.fromisoformat(raw_date)
        except ValueError:
            anchor = None
        if anchor is None or not FIRST_YEAR <= anchor.year <= LAST_YEAR:
            query.errors.append(
                _("Enter the date as YYYY-MM-DD, between 2000 and 2099; showing today.")
            )
        else:
            query.anchor = anchor
    by = params.get("by") or ""
    if by in ("due", "contacted"):
        query.by = by
    else:
        # A timeline shows what people did; the calendars what is still to do.
        query.by = "contacted" if query.view == "timeline" else "due"
    span = params.get("span") or ""
    query.span = span if span in SPANS else "week"
    query.include_done = (params.get("include_done") or "").lower() in TRUE_WORDS

    raw = (params.get("assignee") or "me").strip()
    query.assignee, query.assignee_id = "me", user.pk
    if raw == "all":
        query.assignee, query.assignee_id = "all", None
    elif raw != "me":
        pk = parse_record_id(raw)
        person = next((p for p in people if p.pk == pk), None) if pk else None
        if person is None:
            query.errors.append(
                _("You can open the calendars of the people listed; showing yours.")
            )
        elif person.pk != user.pk:
            query.assignee, query.assignee_id = str(person.pk), person.pk

    raw_unit = (params.get("unit") or "").strip()
    if raw_unit and raw_unit != "all":
        pk = parse_record_id(raw_unit)
        query.unit = next((u for u in units if u.pk == pk), None) if pk else None
        if query.unit is None:
            query.errors.append(_("Choose one of your business units; showing all of them."))
    return query


# --- what the page shows -----------------------------------------------------------------


@dataclass
class Entry:
    """One activity where the calendar puts it: its local day, and its local moment
    (None for a whole-day follow-up)."""

    activity: Activity
    day: datetime.date
    at: datetime.datetime | None
    overdue: bool = False
    movable: bool = False

    @property
    def whole_day(self) -> bool:
        return self.at is None

    @property
    def done(self) -> bool:
        return self.activity.status == Status.DONE


@dataclass
class Day:
    date: datetime.date
    url: str
    is_today: bool = False
    outside: bool = False  # a day of the month before or after, in a month's grid
    whole_day: list[Entry] = field(default_factory=list)
    timed: list[Entry] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        """Whole-day ones first, then by time."""
        return self.whole_day + self.timed

    @property
    def shown(self) -> list[Entry]:
        return self.entries[:MONTH_CELL_ITEMS]

    @property
    def more(self) -> int:
        return max(0, len(self.whole_day) + len(self.timed) - MONTH_CELL_ITEMS)

    @property
    def whole_day_shown(self) -> list[Entry]:
        """The week's row of whole-day ones: as many as an hour's slot."""
        return self.whole_day[:SLOT_ITEMS]

    @property
    def whole_day_more(self) -> int:
        return max(0, len(self.whole_day) - SLOT_ITEMS)


@dataclass
class Slot:
    day: Day
    time: str  # HH:MM, where a drop puts the follow-up
    entries: list[Entry] = field(default_factory=list)

    @property
    def shown(self) -> list[Entry]:
        return self.entries[:SLOT_ITEMS]

    @property
    def more(self) -> int:
        return max(0, len(self.entries) - SLOT_ITEMS)


@dataclass
class HourRow:
    time: datetime.time
    slots: list[Slot]


@dataclass
class TimelineCell:
    day: Day
    count: int = 0
    overdue: int = 0
    colors: list[str] = field(default_factory=list)
    url: str = ""


@dataclass
class TimelineRow:
    person: User
    cells: list[TimelineCell]
    url: str

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells)


def period_of(query: CalendarQuery, first: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day the view shows (a month's grid takes whole weeks)."""
    anchor = query.anchor
    if query.view == "month":
        start = week_start(anchor.replace(day=1), first)
        end = week_start(month_end(anchor), first) + datetime.timedelta(days=6)
    elif query.view == "day":
        start = end = anchor
    elif query.view == "timeline" and query.span == "month":
        start, end = anchor.replace(day=1), month_end(anchor)
    else:
        start = week_start(anchor, first)
        end = start + datetime.timedelta(days=6)
    return start, end


def neighbours(query: CalendarQuery) -> tuple[datetime.date, datetime.date]:
    """The anchors of the previous and the next period."""
    anchor = query.anchor
    if query.view == "month" or (query.view == "timeline" and query.span == "month"):
        return add_months(anchor, -1), add_months(anchor, 1)
    step = datetime.timedelta(days=1 if query.view == "day" else 7)
    return anchor - step, anchor + step


def place(rows, query: CalendarQuery, start, end, now) -> list[Entry]:
    """Each activity on its local day, kept when that day is shown."""
    entries = []
    for activity in rows:
        if query.by == "due":
            if activity.all_day:
                at = None
                day = activity.due_date or timezone.localtime(activity.due_at).date()
            else:
                at = timezone.localtime(activity.due_at)
                day = at.date()
        else:
            at = timezone.localtime(activity.contacted_at)
            day = at.date()
        if not start <= day <= end:
            continue
        is_due = query.by == "due"
        entries.append(
            Entry(
                activity=activity,
                day=day,
                at=at,
                overdue=is_due and activity.is_overdue(now),
                movable=is_due and activity.status == Status.OPEN,
            )
        )
    return entries


def hour_rows(days: list[Day], entries: list[Entry]) -> list[HourRow]:
    """The working hours, widened to every hour that holds something."""
    hours = {entry.at.hour for entry in entries if entry.at is not None}
    low, high = min([WORKDAY[0], *hours]), max([WORKDAY[1], *hours])
    slots = {(day.date, hour): Slot(day, f"{hour:02d}:00") for day in days for hour in range(24)}
    for day in days:
        for entry in day.timed:
            slots[(day.date, entry.at.hour)].entries.append(entry)
    return [
        HourRow(datetime.time(hour), [slots[(day.date, hour)] for day in days])
        for hour in range(low, high + 1)
    ]


def timeline_rows(query, days, entries, people, user) -> list[TimelineRow]:
    """One row per person: everyone offered (for "all") and everyone who appears."""
    if query.assignee == "all":
        persons = {person.pk: person for person in people}
    else:
        chosen = next((p for p in people if p.pk == query.assignee_id), user)
        persons = {chosen.pk: chosen}
    cells: dict[tuple[int, datetime.date], TimelineCell] = {}
    for entry in entries:
        person = entry.activity.assignee
        persons.setdefault(person.pk, person)
        cell = cells.setdefault((person.pk, entry.day), TimelineCell(day=None))
        cell.count += 1
        cell.overdue += entry.overdue
        color = entry.activity.type.color
        if color not in cell.colors and len(cell.colors) < 3:
            cell.colors.append(color)
    rows = []
    for person in sorted(persons.values(), key=lambda p: (str(p).lower(), p.pk)):
        who = "me" if person.pk == user.pk else str(person.pk)
        row_cells = []
        for day in days:
            cell = cells.get((person.pk, day.date)) or TimelineCell(day=None)
            cell.day = day
            if cell.count:
                cell.url = query.url(view="day", date=day.date.isoformat(), assignee=who)
            row_cells.append(cell)
        rows.append(TimelineRow(person, row_cells, query.url(view="week", assignee=who)))
    return rows


def _crm(request) -> User:
    require_crm_access(request.user)
    return request.user


@require_safe
def calendar(request):
    user = _crm(request)
    people = list(
        User.objects.filter(assignable_owners_q(user)).distinct().order_by("full_name", "username")
    )
    units = switchable_units(user)
    query = parse_query(request.GET, user, people, units)
    first = first_weekday()
    today = timezone.localdate()
    now = timezone.now()
    start, end = period_of(query, first)

    begin = services.start_of_day(start, timezone.get_current_timezone())
    finish = services.start_of_day(
        end + datetime.timedelta(days=1), timezone.get_current_timezone()
    )
    rows, capped = selectors.calendar_items(
        user,
        start=begin,
        end=finish,
        by=query.by,
        assignee_id=query.assignee_id,
        unit_id=query.unit.pk if query.unit else None,
        include_done=query.include_done,
        days=(start, end),
    )
    entries = place(rows, query, start, end, now)
    days = [
        Day(
            date=day,
            url=query.url(view="day", date=day.isoformat()),
            is_today=day == today,
            outside=query.view == "month" and day.month != query.anchor.month,
        )
        for day in days_between(start, end)
    ]
    by_date = {day.date: day for day in days}
    for entry in entries:
        day = by_date[entry.day]
        (day.whole_day if entry.whole_day else day.timed).append(entry)

    previous, following = neighbours(query)
    view_names = {
        "month": _("Month"),
        "week": _("Week"),
        "day": _("Day"),
        "timeline": _("Timeline"),
    }
    context = {
        "q": query,
        "view": query.view,
        "days": days,
        "weeks": [days[n : n + 7] for n in range(0, len(days), 7)],
        "hours": hour_rows(days, entries) if query.view in ("week", "day") else [],
        "timeline": (
            timeline_rows(query, days, entries, people, user) if query.view == "timeline" else []
        ),
        "entry_count": len(entries),
        "capped": capped,
        "cap": selectors.CALENDAR_CAP,
        "first_day": start,
        "last_day": end,
        "today": today,
        "people": [p for p in people if p.pk != user.pk],
        "units": units,
        "show_assignee": query.assignee == "all",
        "here": query.url(),
        "prev_url": query.url(date=previous.isoformat()),
        "next_url": query.url(date=following.isoformat()),
        "today_url": query.url(date=today.isoformat()),
        "view_links": [(key, view_names[key], query.url(view=key)) for key in VIEWS],
        "by_links": [
            ("due", _("Follow-ups to make"), query.url(by="due")),
            ("contacted", _("Contacts made"), query.url(by="contacted")),
        ],
        "span_links": [
            ("week", _("Week"), query.url(span="week")),
            ("month", _("Month"), query.url(span="month")),
        ],
        "nav_active": "calendar",
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "activities/calendar.html#region" if partial else "activities/calendar.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- drag to reschedule ------------------------------------------------------------------


def _wants_json(request) -> bool:
    """The calendar's script (fetch, or HTMX) asks for JSON; a plain form wants a page."""
    return bool(request.htmx) or "application/json" in request.headers.get("Accept", "")


def _answer(request, status: int, *, detail: str = "", data: dict | None = None, back: str = ""):
    if _wants_json(request):
        body = {"ok": True, **(data or {})} if status == 200 else {"detail": detail}
        return JsonResponse(body, status=status)
    if status == 200:
        messages.success(request, data["message"])
    else:
        messages.error(request, detail)
    return redirect(safe_next(request, back or reverse("activities:calendar")))


def _new_due(activity: Activity, day: datetime.date, wall: datetime.time | None):
    """The new due moment in the viewer's zone: a whole day moves as a day; a timed one
    keeps its time of day unless a time is given."""
    zone = timezone.get_current_timezone()
    if activity.all_day:
        return services.start_of_day(day, zone)
    if wall is None:
        wall = timezone.localtime(activity.due_at, zone).time()
    # Through UTC and back: a wall time inside a DST gap comes out as the next real one.
    moment = datetime.datetime.combine(day, wall).replace(tzinfo=zone)
    return moment.astimezone(datetime.UTC).astimezone(zone)


@require_POST
def calendar_move(request, pk: int):
    """A follow-up dropped on another day (or hour): POST date, optional time, version."""
    user = _crm(request)
    try:
        activity = selectors.visible_activity(user, pk)
    except Http404:
        if _wants_json(request):
            return JsonResponse({"detail": _("This follow-up was not found.")}, status=404)
        raise
    if activity.status != Status.OPEN or activity.due_at is None:
        return _answer(request, 422, detail=_("Only a follow-up still to do can be moved."))
    problems = []
    try:
        day = datetime.date.fromisoformat((request.POST.get("date") or "").strip())
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(_("Enter a date as YYYY-MM-DD."))
    raw_time = (request.POST.get("time") or "").strip()
    match = _TIME.fullmatch(raw_time)
    wall = datetime.time(int(match[1]), int(match[2])) if match else None
    if raw_time and match is None:
        problems.append(_("Enter a time as HH:MM."))
    sent = request.POST.get("version")
    version = parse_version(sent)
    if sent and version is None:
        problems.append(_("This page is out of date: reload it and try again."))
    if problems:
        return _answer(request, 422, detail=" ".join(problems))

    due_at = _new_due(activity, day, wall)
    back = CalendarQuery(view="week", anchor=day).url()
    try:
        moved = services.activity_update(
            actor=user,
            activity=activity,
            data={"due_at": due_at, "all_day": activity.all_day},
            version=version,
        )
    except EditConflict as exc:
        return _answer(request, 409, detail=str(exc.message), back=back)
    except ValidationError as exc:
        return _answer(request, 422, detail=" ".join(exc.messages), back=back)
    if moved.all_day:
        when = date_format(moved.due_date, "DATE_FORMAT")
    else:
        when = date_format(timezone.localtime(moved.due_at), "DATETIME_FORMAT")
    data = {
        "due_at": timezone.localtime(moved.due_at).isoformat(),
        "all_day": moved.all_day,
        "version": moved.version,
        "message": _("%(party)s: moved to %(when)s") % {"party": activity.party.name, "when": when},
    }
    return _answer(request, 200, data=data, back=back)

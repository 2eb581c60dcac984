"""The calendars (month, week, day, timeline) and the drop that reschedules a follow-up."""

import datetime
import json
import re
import zoneinfo
from html import unescape

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from clientela.accounts.models import Role, Scope
from clientela.activities import services
from clientela.activities.models import Activity, Status
from clientela.activities.selectors import CALENDAR_CAP
from conftest import make_party, make_user

URL = "/activities/calendar/"
UTC = datetime.UTC
SAO_PAULO = zoneinfo.ZoneInfo("America/Sao_Paulo")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LONG_AGO = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # the contact behind each follow-up


def follow_up(actor, party, due=None, *, all_day=False, type="call", assignee=None, **data):
    """An open follow-up on `party` (a contact made on LONG_AGO, unless given)."""
    values = {
        "party_id": party.pk,
        "type": type,
        "contacted_at": data.pop("contacted_at", LONG_AGO),
        "due_at": due,
        "all_day": all_day,
        "assignee_id": (assignee or actor).pk,
        **data,
    }
    return services.activity_create(actor=actor, data=values, default_unit_id=party.unit_id)


def by_day(response) -> dict[str, list[int]]:
    """{"YYYY-MM-DD": [activity ids in the order shown]} from the page's days."""
    return {
        day.date.isoformat(): [entry.activity.pk for entry in day.entries]
        for day in response.context["days"]
    }


def shown_ids(response) -> set[int]:
    return {pk for ids in by_day(response).values() for pk in ids}


def html(response) -> str:
    return response.content.decode()


def set_zone(user, name):
    user.time_zone = name
    user.save(update_fields=["time_zone"])


# --- the four views ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pt-br"])
@pytest.mark.parametrize("view", ["month", "week", "day", "timeline"])
def test_each_view_renders_in_both_languages(login, manager, party_matriz, language, view):
    client = login(manager)
    client.cookies["clientela_language"] = language
    follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 17, 30, tzinfo=UTC))

    response = client.get(URL, {"view": view, "date": "2026-03-10", "by": "due"})

    assert response.status_code == 200
    assert response["Content-Language"] == language
    page = html(response)
    assert 'id="calendar"' in page
    assert "activities/calendar.js" in page and "activities/calendar.css" in page
    # No inline script or style: the CSP would refuse them.
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert f'<html lang="{language}">' in page
    # The timeline names people; the others name each follow-up's party.
    assert (str(manager) if view == "timeline" else party_matriz.name) in page
    if language == "en":  # the Portuguese catalogue is written by others, later
        assert "<h1>Calendar</h1>" in page


@pytest.mark.parametrize(
    ("language", "first_weekday"), [("en", 6), ("pt-br", 0)]
)  # date.weekday(): Sunday is 6, Monday 0
@pytest.mark.parametrize("view", ["month", "week", "timeline"])
def test_weeks_start_on_sunday_in_english_and_monday_in_portuguese(
    login, manager, language, first_weekday, view
):
    client = login(manager)
    client.cookies["clientela_language"] = language

    response = client.get(URL, {"view": view, "date": "2026-03-12"})

    days = response.context["days"]
    assert days[0].date.weekday() == first_weekday
    assert len(days) % 7 == 0
    if view == "month":
        assert days[0].date <= datetime.date(2026, 3, 1) and days[-1].date >= datetime.date(
            2026, 3, 31
        )


def test_the_month_view_shows_the_whole_month_and_its_items(login, manager, party_matriz):
    client = login(manager)
    early = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 1, 15, 0, tzinfo=UTC))
    late = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 31, 20, 0, tzinfo=UTC))
    april = follow_up(manager, party_matriz, datetime.datetime(2026, 4, 20, 15, 0, tzinfo=UTC))

    response = client.get(URL, {"view": "month", "date": "2026-03-15"})

    days = by_day(response)
    assert days["2026-03-01"] == [early.pk]
    assert days["2026-03-31"] == [late.pk]
    assert april.pk not in shown_ids(response)
    page = html(response)
    assert f'href="/activities/{early.pk}/"' in page
    assert f'href="/activities/{early.pk}/edit/?next=' in page


def test_a_busy_day_of_the_month_shows_a_few_and_links_to_the_rest(login, manager, party_matriz):
    client = login(manager)
    client.cookies["clientela_language"] = "en"
    for minute in range(8):
        follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 14, minute, tzinfo=UTC))

    response = client.get(URL, {"view": "month", "date": "2026-03-10"})
    page = html(response)

    assert "+3 more" in page
    assert "view=day" in page and "date=2026-03-10" in page
    day = client.get(URL, {"view": "day", "date": "2026-03-10"})
    assert len(by_day(day)["2026-03-10"]) == 8


def test_each_item_has_an_accessible_name_with_time_type_and_party(login, manager, party_matriz):
    client = login(manager)
    client.cookies["clientela_language"] = "en"
    activity = follow_up(
        manager, party_matriz, datetime.datetime(2026, 3, 10, 17, 30, tzinfo=UTC), type="visit"
    )

    page = html(client.get(URL, {"view": "week", "date": "2026-03-10"}))

    link = re.search(
        rf'<a class="cal-link" href="/activities/{activity.pk}/"[^>]*>(.*?)</a>', page, re.S
    )
    text = re.sub(r"<[^>]+>", "", link[1])
    assert "2:30 p.m." in text  # 17:30 UTC is 14:30 in São Paulo
    assert "Visit" in text
    assert party_matriz.name in text


def test_times_are_shown_in_the_viewers_zone(login, manager, party_matriz):
    set_zone(manager, "America/Sao_Paulo")
    client = login(manager)
    # 02:00 UTC on the 10th is 23:00 on the 9th in São Paulo.
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 2, 0, tzinfo=UTC))

    response = client.get(URL, {"view": "week", "date": "2026-03-10"})

    assert by_day(response)["2026-03-09"] == [activity.pk]
    assert by_day(response)["2026-03-10"] == []
    slots = [s for row in response.context["hours"] for s in row.slots if s.entries]
    assert [(s.day.date, s.time) for s in slots] == [(datetime.date(2026, 3, 9), "23:00")]


def test_items_land_on_the_right_day_in_new_york_across_the_dst_change(
    login, manager, party_matriz
):
    set_zone(manager, "America/New_York")
    client = login(manager)
    # Clocks go back from 02:00 EDT to 01:00 EST on Sunday 1 November 2026.
    before = follow_up(manager, party_matriz, datetime.datetime(2026, 11, 1, 3, 30, tzinfo=UTC))
    early = follow_up(manager, party_matriz, datetime.datetime(2026, 11, 1, 4, 30, tzinfo=UTC))
    repeat = follow_up(manager, party_matriz, datetime.datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    night = follow_up(manager, party_matriz, datetime.datetime(2026, 11, 2, 4, 30, tzinfo=UTC))
    after = follow_up(manager, party_matriz, datetime.datetime(2026, 11, 2, 5, 30, tzinfo=UTC))

    for view in ("month", "week", "day"):
        days = by_day(client.get(URL, {"view": view, "date": "2026-11-01"}))
        assert days["2026-11-01"] == [early.pk, repeat.pk, night.pk], view
        # (A Portuguese week starts on Monday: Sunday the 1st is its last day.)
        assert days.get("2026-10-31", [before.pk]) == [before.pk]
        assert days.get("2026-11-02", [after.pk]) == [after.pk]
        if view == "month":
            assert days["2026-10-31"] == [before.pk] and days["2026-11-02"] == [after.pk]

    day = client.get(URL, {"view": "day", "date": "2026-11-01"})
    hours = {
        row.time.hour: [e.activity.pk for e in row.slots[0].entries] for row in day.context["hours"]
    }
    # 00:30 EDT, 01:30 EST (the second one-thirty of the night) and 23:30 EST.
    assert hours[0] == [early.pk] and hours[1] == [repeat.pk] and hours[23] == [night.pk]


def test_whole_day_items_keep_their_day_and_come_first(login, manager, party_matriz):
    set_zone(manager, "America/New_York")
    tokyo = make_user("tokyo", role=Role.AGENT, scope=Scope.UNIT, units=[party_matriz.unit])
    set_zone(tokyo, "Asia/Tokyo")
    client = login(manager)
    timed = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 4, 30, tzinfo=UTC))
    mine = follow_up(
        manager, party_matriz, datetime.datetime(2026, 3, 10, tzinfo=NEW_YORK), all_day=True
    )
    # Midnight in Tokyo is the 9th in New York: the follow-up still belongs to the 10th.
    theirs = follow_up(
        manager,
        party_matriz,
        datetime.datetime(2026, 3, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
        all_day=True,
        assignee=tokyo,
    )
    assert theirs.due_at < datetime.datetime(2026, 3, 10, tzinfo=NEW_YORK)

    for view in ("month", "week", "day"):
        response = client.get(URL, {"view": view, "date": "2026-03-10", "assignee": "all"})
        days = by_day(response)
        assert days["2026-03-10"][2:] == [timed.pk], view
        assert set(days["2026-03-10"][:2]) == {mine.pk, theirs.pk}, view
        assert days.get("2026-03-09", []) == []
        page = html(response)
        assert page.index(f"/activities/{mine.pk}/") < page.index(f"/activities/{timed.pk}/")


def test_contacts_made_are_placed_by_their_contact_date(login, manager, party_matriz):
    client = login(manager)
    contact = follow_up(
        manager,
        party_matriz,
        None,
        contacted_at=datetime.datetime(2026, 3, 4, 13, 0, tzinfo=UTC),
    )
    due = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 20, 13, 0, tzinfo=UTC))

    days = by_day(client.get(URL, {"view": "month", "date": "2026-03-04", "by": "contacted"}))

    assert days["2026-03-04"] == [contact.pk]
    assert due.pk not in days["2026-03-20"]  # contacted on LONG_AGO, due on the 20th
    page = html(client.get(URL, {"view": "month", "date": "2026-03-04", "by": "contacted"}))
    assert "draggable" not in page


@time_machine.travel(datetime.datetime(2026, 3, 11, 15, 0, tzinfo=UTC), tick=False)
def test_today_is_highlighted_and_overdue_ones_are_red(login, manager, party_matriz):
    client = login(manager)
    late = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    coming = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 12, 15, 0, tzinfo=UTC))
    done = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    services.activity_complete(actor=manager, activity=done)

    response = client.get(URL, {"view": "month", "include_done": "1"})
    page = html(response)

    assert re.search(r'<li class="cal-day today[^"]*" data-drop-date="2026-03-11"', page)
    assert 'aria-current="date"' in page
    items = {
        int(m[2]): m[1]
        for m in re.finditer(r'<li class="cal-item([^"]*)"[^>]*>\s*<svg[^>]*>.*?</svg>\s*'
                             r'<a class="cal-link" href="/activities/(\d+)/"', page, re.S)
    }  # fmt: skip
    assert "overdue" in items[late.pk]
    assert "overdue" not in items[coming.pk]
    assert "done" in items[done.pk] and "overdue" not in items[done.pk]
    # Only open follow-ups can be dragged.
    assert f'data-move-url="/activities/{late.pk}/move/"' in page
    assert f'data-move-url="/activities/{done.pk}/move/"' not in page


@time_machine.travel(datetime.datetime(2026, 3, 11, 15, 0, tzinfo=UTC), tick=False)
def test_completed_ones_show_only_when_asked_for(login, manager, party_matriz):
    client = login(manager)
    done = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    services.activity_complete(actor=manager, activity=done)

    assert done.pk not in shown_ids(client.get(URL))
    assert done.pk in shown_ids(client.get(URL, {"include_done": "1"}))


def test_the_timeline_counts_each_persons_activities_per_day(
    login, manager, agent_own, party_matriz
):
    client = login(manager)
    for hour in (12, 13):
        follow_up(manager, party_matriz, None,
                  contacted_at=datetime.datetime(2026, 3, 10, hour, tzinfo=UTC))  # fmt: skip
    follow_up(
        manager,
        party_matriz,
        None,
        assignee=agent_own,
        contacted_at=datetime.datetime(2026, 3, 11, 12, tzinfo=UTC),
    )

    response = client.get(URL, {"view": "timeline", "date": "2026-03-10", "assignee": "all"})

    assert response.context["q"].by == "contacted"
    rows = {row.person.username: row for row in response.context["timeline"]}
    counts = {
        name: {cell.day.date.isoformat(): cell.count for cell in row.cells if cell.count}
        for name, row in rows.items()
    }
    assert counts["manager"] == {"2026-03-10": 2}
    assert counts["agent_own"] == {"2026-03-11": 1}
    page = html(response)
    assert f"assignee={agent_own.pk}" in page
    month = client.get(
        URL, {"view": "timeline", "span": "month", "date": "2026-03-10", "assignee": "all"}
    )
    assert len(month.context["days"]) == 31
    assert month.context["days"][0].date == datetime.date(2026, 3, 1)


def test_prev_next_and_today_links(login, manager):
    client = login(manager)

    context = client.get(URL, {"view": "month", "date": "2026-01-31"}).context
    assert "date=2025-12-31" in context["prev_url"]
    assert "date=2026-02-28" in context["next_url"]
    week = client.get(URL, {"view": "week", "date": "2026-03-10"}).context
    assert "date=2026-03-03" in week["prev_url"] and "date=2026-03-17" in week["next_url"]
    day = client.get(URL, {"view": "day", "date": "2026-03-10"}).context
    assert "date=2026-03-09" in day["prev_url"] and "date=2026-03-11" in day["next_url"]
    assert "view=day" in day["today_url"]


def test_an_htmx_request_gets_the_calendar_region_only(login, manager):
    client = login(manager)

    response = client.get(URL, {"view": "week"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<div id="calendar"')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


# --- scope -------------------------------------------------------------------------------


def test_an_agent_of_scope_own_sees_only_their_own(
    login, manager, agent_own, party_matriz, party_own
):
    theirs = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    mine = follow_up(agent_own, party_own, datetime.datetime(2026, 3, 10, 16, tzinfo=UTC))
    client = login(agent_own)

    for assignee in ("me", "all", str(manager.pk)):
        response = client.get(URL, {"date": "2026-03-10", "assignee": assignee})
        assert response.status_code == 200
        assert shown_ids(response) == {mine.pk}, assignee
        assert theirs.pk not in shown_ids(response)
        assert party_matriz.name not in html(response)
    # Someone outside the scope is not offered, and asking for them says so.
    response = client.get(URL, {"date": "2026-03-10", "assignee": str(manager.pk)})
    assert response.context["q"].assignee == "me"
    assert response.context["q"].errors
    assert f'<option value="{manager.pk}"' not in html(response)


def test_everyone_means_everyone_the_scope_allows(
    login, manager, agent_own, agent_unit_b, party_matriz, party_filial
):
    ours = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC),
                     assignee=agent_own)  # fmt: skip
    filial = follow_up(agent_unit_b, party_filial, datetime.datetime(2026, 3, 10, 16, tzinfo=UTC))
    client = login(manager)

    everyone = client.get(URL, {"date": "2026-03-10", "assignee": "all"})
    assert shown_ids(everyone) == {ours.pk}
    person = client.get(URL, {"date": "2026-03-10", "assignee": str(agent_own.pk)})
    assert shown_ids(person) == {ours.pk}
    assert f'<option value="{agent_own.pk}" selected>' in html(person)
    assert f'<option value="{agent_unit_b.pk}"' not in html(person)
    assert shown_ids(client.get(URL, {"date": "2026-03-10"})) == set()  # mine: none
    assert filial.pk not in shown_ids(
        client.get(URL, {"date": "2026-03-10", "assignee": str(agent_unit_b.pk)})
    )


def test_the_unit_filter(login, admin, manager, unit_matriz, unit_filial, party_matriz):
    party_b = make_party(owner=admin, unit=unit_filial, name="Oficina Campinas")
    in_a = follow_up(admin, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    in_b = follow_up(admin, party_b, datetime.datetime(2026, 3, 10, 16, tzinfo=UTC))
    client = login(admin)

    assert shown_ids(client.get(URL, {"date": "2026-03-10"})) == {in_a.pk, in_b.pk}
    only_b = client.get(URL, {"date": "2026-03-10", "unit": str(unit_filial.pk)})
    assert shown_ids(only_b) == {in_b.pk}


def test_without_crm_access_the_calendar_is_refused(login, outsider):
    assert login(outsider).get(URL).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"view": "year"},
        {"view": ["month", "week"]},
        {"date": "2026-13-45"},
        {"date": "0001-01-01"},
        {"date": "9999-12-31"},
        {"date": "2099-12-31", "view": "month"},
        {"date": "'; drop table"},
        {"date": "2026-03-10\x00"},
        {"by": "created"},
        {"assignee": "nobody"},
        {"assignee": "99999999999999999999999"},
        {"assignee": "-1"},
        {"unit": "x"},
        {"unit": "123456789"},
        {"span": "year", "view": "timeline"},
        {"include_done": "perhaps"},
        {"view": "timeline", "span": "month", "date": "2000-01-01"},
    ],
)
def test_bad_query_values_fall_back_and_never_fail(login, manager, params):
    response = login(manager).get(URL, params)

    assert response.status_code == 200
    assert response.context["q"].view in ("month", "week", "day", "timeline")


def test_a_bad_date_says_so_and_shows_today(login, manager):
    client = login(manager)
    client.cookies["clientela_language"] = "en"

    response = client.get(URL, {"date": "2026-02-30"})

    assert "Enter the date as YYYY-MM-DD" in html(response)
    assert response.context["q"].anchor == response.context["today"]


def test_every_link_of_the_calendar_leads_somewhere(login, manager, party_matriz):
    client = login(manager)
    follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    follow_up(manager, party_matriz, None,
              contacted_at=datetime.datetime(2026, 3, 10, 12, tzinfo=UTC))  # fmt: skip

    for view in ("month", "week", "day", "timeline"):
        page = html(client.get(URL, {"view": view, "date": "2026-03-10", "assignee": "all"}))
        hrefs = set(re.findall(r'href="([^"]+)"', page))
        for href in hrefs:
            if href.startswith("#"):
                continue
            if href.startswith("/static/"):
                assert finders.find(href.removeprefix("/static/")), href
                continue
            path = unescape(href).split("?")[0]
            resolve(path)  # raises Resolver404 for a dead link
            if path == URL:
                assert client.get(unescape(href)).status_code == 200, href


def test_post_is_not_allowed_on_the_calendar(login, manager):
    assert login(manager).post(URL).status_code == 405


# --- the number of queries -----------------------------------------------------------------


@pytest.fixture
def busy(manager, agent_own, unit_matriz):
    """`rows` follow-ups and contacts over March 2026, on several parties, types and people."""
    parties = [make_party(owner=manager, unit=unit_matriz, name=f"Cliente {n}") for n in range(3)]
    types = ["call", "visit", "email", "meeting"]

    def _make(rows: int):
        for n in range(rows):
            day = 1 + n % 28
            due = datetime.datetime(2026, 3, day + n % 3, 8 + n % 10, tzinfo=SAO_PAULO)
            follow_up(
                manager,
                parties[n % 3],
                due,
                all_day=n % 7 == 0,
                type=types[n % 4],
                assignee=manager if n % 2 else agent_own,
                contacted_at=datetime.datetime(2026, 3, day, 6, tzinfo=SAO_PAULO),
            )

    return _make


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


# What a calendar page costs, exactly: the session, the user, the user's units (for the
# scope), the people and the units offered, and the one read of the range.
CALENDAR_QUERIES = 6


@pytest.mark.parametrize(
    ("persona", "params"),
    [
        ("agent_own", {"view": "month", "date": "2026-03-15"}),
        ("manager", {"view": "month", "date": "2026-03-15"}),
        ("manager", {"view": "month", "date": "2026-03-15", "assignee": "all"}),
        ("manager", {"view": "month", "date": "2026-03-15", "assignee": "all", "by": "contacted"}),
        ("manager", {"view": "week", "date": "2026-03-15", "assignee": "all"}),
        ("manager", {"view": "timeline", "span": "month", "date": "2026-03-15", "assignee": "all"}),
    ],
)
def test_a_calendar_runs_a_bounded_number_of_queries(
    login, personas, busy, django_assert_max_num_queries, persona, params
):
    client = login(personas[persona])
    counts = []
    shown = []
    for rows in (30, 270):  # 30, then 300 in all
        busy(rows)
        with django_assert_max_num_queries(CALENDAR_QUERIES):
            response = client.get(URL, params)
        shown.append(response.context["entry_count"])
        counts.append(count_queries(client, params))

    assert counts == [CALENDAR_QUERIES] * 2
    assert shown[1] > shown[0] > 0


def test_past_the_cap_the_calendar_says_it_shows_only_the_first(
    login, manager, party_matriz, monkeypatch
):
    from clientela.activities import selectors

    monkeypatch.setattr(selectors, "CALENDAR_CAP", 3)
    for day in range(1, 6):
        follow_up(manager, party_matriz, datetime.datetime(2026, 3, day, 15, tzinfo=UTC))
    client = login(manager)
    client.cookies["clientela_language"] = "en"

    response = client.get(URL, {"date": "2026-03-10"})

    assert response.context["capped"] is True
    assert response.context["entry_count"] == 3
    assert "Showing the first 3; narrow the filter" in html(response)
    assert CALENDAR_CAP == 2000


# --- drag to reschedule -----------------------------------------------------------------


def move(client, activity, *, json_answer=True, **fields):
    data = {"version": activity.version, **fields}
    headers = {"Accept": "application/json"} if json_answer else {}
    return client.post(f"/activities/{activity.pk}/move/", data, headers=headers)


def test_a_timed_follow_up_moves_to_another_day_keeping_its_time(login, manager, party_matriz):
    client = login(manager)
    activity = follow_up(
        manager, party_matriz, datetime.datetime(2026, 3, 10, 14, 30, tzinfo=SAO_PAULO)
    )

    response = move(client, activity, date="2026-03-12")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    activity.refresh_from_db()
    assert activity.due_at == datetime.datetime(2026, 3, 12, 14, 30, tzinfo=SAO_PAULO)
    assert activity.all_day is False
    assert activity.due_date == datetime.date(2026, 3, 12)
    assert datetime.datetime.fromisoformat(body["due_at"]) == activity.due_at
    assert body["version"] == activity.version == 2


def test_a_drop_on_an_hour_sets_the_time(login, manager, party_matriz):
    client = login(manager)
    activity = follow_up(
        manager, party_matriz, datetime.datetime(2026, 3, 10, 14, 30, tzinfo=SAO_PAULO)
    )

    assert move(client, activity, date="2026-03-11", time="09:15").status_code == 200

    activity.refresh_from_db()
    assert activity.due_at == datetime.datetime(2026, 3, 11, 9, 15, tzinfo=SAO_PAULO)


def test_the_time_kept_is_the_viewers_wall_time_across_dst(login, manager, party_matriz):
    set_zone(manager, "America/New_York")
    client = login(manager)
    # 09:00 EDT on Friday 30 October; moved past the change it is 09:00 EST.
    activity = follow_up(
        manager, party_matriz, datetime.datetime(2026, 10, 30, 9, 0, tzinfo=NEW_YORK)
    )

    assert move(client, activity, date="2026-11-02").status_code == 200

    activity.refresh_from_db()
    assert activity.due_at == datetime.datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_a_whole_day_follow_up_stays_a_whole_day(login, manager, party_matriz):
    set_zone(manager, "America/New_York")
    client = login(manager)
    activity = follow_up(
        manager, party_matriz, datetime.datetime(2026, 3, 10, tzinfo=NEW_YORK), all_day=True
    )

    assert move(client, activity, date="2026-03-13", time="10:00").status_code == 200

    activity.refresh_from_db()
    assert activity.all_day is True
    assert activity.due_date == datetime.date(2026, 3, 13)
    assert activity.due_at == datetime.datetime(2026, 3, 13, tzinfo=NEW_YORK)
    days = by_day(client.get(URL, {"date": "2026-03-13", "view": "week"}))
    assert days["2026-03-13"] == [activity.pk]


def test_a_stale_version_is_a_conflict(login, manager, party_matriz):
    client = login(manager)
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    services.activity_update(actor=manager, activity=activity, data={"description": "changed"})

    response = move(client, activity, date="2026-03-12")

    assert response.status_code == 409
    assert response.json()["detail"]
    activity.refresh_from_db()
    assert activity.due_at == datetime.datetime(2026, 3, 10, 15, tzinfo=UTC)


def test_a_follow_up_outside_the_scope_is_not_found(login, manager, agent_own, party_matriz):
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    client = login(agent_own)

    assert move(client, activity, date="2026-03-12").status_code == 404
    assert move(client, activity, json_answer=False, date="2026-03-12").status_code == 404
    activity.refresh_from_db()
    assert activity.version == 1


def test_moving_needs_a_post(login, manager, party_matriz):
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))

    assert login(manager).get(f"/activities/{activity.pk}/move/").status_code == 405


def test_moving_needs_crm_access(login, outsider, manager, party_matriz):
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))

    assert move(login(outsider), activity, date="2026-03-12").status_code == 403


def test_a_done_follow_up_does_not_move(login, manager, party_matriz):
    client = login(manager)
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    activity, _next = services.activity_complete(actor=manager, activity=activity)

    response = move(client, activity, date="2026-03-12")

    assert response.status_code == 422
    assert response.json()["detail"]
    activity.refresh_from_db()
    assert activity.due_at == datetime.datetime(2026, 3, 10, 15, tzinfo=UTC)
    assert activity.status == Status.DONE


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"date": ""},
        {"date": "2026-02-30"},
        {"date": "12/03/2026"},
        {"date": "1999-12-31"},
        {"date": "2026-03-12", "time": "25:00"},
        {"date": "2026-03-12", "time": "9h"},
        {"date": "2026-03-12", "version": "two"},
    ],
)
def test_bad_input_is_refused(login, manager, party_matriz, fields):
    client = login(manager)
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    data = {"version": activity.version, **fields}

    response = client.post(
        f"/activities/{activity.pk}/move/", data, headers={"Accept": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["detail"]
    activity.refresh_from_db()
    assert activity.version == 1


def test_a_move_before_the_contact_is_refused_with_the_services_words(login, manager, party_matriz):
    client = login(manager)
    client.cookies["clientela_language"] = "en"
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))

    response = move(client, activity, date="2026-01-02")

    assert response.status_code == 422
    assert "before the contact" in response.json()["detail"]


def test_htmx_asks_for_json_too(login, manager, party_matriz):
    client = login(manager)
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))

    response = client.post(
        f"/activities/{activity.pk}/move/",
        {"date": "2026-03-12", "version": activity.version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert json.loads(response.content)["ok"] is True


def test_a_plain_form_post_goes_back_with_a_message(login, manager, party_matriz):
    client = login(manager)
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))
    back = "/activities/calendar/?view=month&date=2026-03-10"

    response = move(client, activity, json_answer=False, date="2026-03-12", next=back)

    assert response.status_code == 302
    assert response["Location"] == back
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    conflict = move(client, activity, json_answer=False, date="2026-03-13")
    assert conflict.status_code == 302
    assert conflict["Location"].startswith("/activities/calendar/")
    assert [m.level_tag for m in get_messages(conflict.wsgi_request)][-1] == "error"
    assert move(
        client, activity, json_answer=False, date="2026-03-13", next="https://evil.example/"
    )["Location"].startswith("/activities/calendar/")


def test_the_move_is_recorded_in_the_history(login, manager, party_matriz):
    from clientela.audit.models import ChangeRecord

    client = login(manager)
    activity = follow_up(manager, party_matriz, datetime.datetime(2026, 3, 10, 15, tzinfo=UTC))

    move(client, activity, date="2026-03-12")

    change = ChangeRecord.objects.filter(entity="activity", object_id=activity.pk).order_by("-id")[
        0
    ]
    assert change.actor_id == manager.pk
    assert "due_at" in change.changes
    assert Activity.objects.get(pk=activity.pk).version == 2

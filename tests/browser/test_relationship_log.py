"""The relationship log in Chromium: record a contact with a preset from a customer's page,
complete and schedule the next, find it on the agenda, the returns dialog after login,
quick add of a Portuguese phrase, and the calendar feed read by icalendar."""

import datetime
import re
import urllib.request

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clientela.accounts.models import Role, Unit
from clientela.activities import catalogue, feeds
from clientela.activities import services as activity_services
from clientela.activities.models import Activity, Status
from conftest import make_party, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(transactional_db):
    matriz = Unit.objects.create(name="Matriz")
    manager = make_user("gerente", role=Role.MANAGER, units=[matriz], time_zone="America/Sao_Paulo")
    party = make_party(owner=manager, unit=matriz, name="Padaria Pão Quente")
    catalogue.preset_create(
        actor=manager,
        data={
            "name": "Retorno em 2 dias",
            "type": "visit",
            "text": "Levar o catálogo novo",
            "due_in_days": 2,
            "due_time": "09:00",
        },
    )
    return manager, party, matriz


def test_a_contact_from_the_customer_page_with_a_preset_then_complete_and_next(browsing, shop):
    manager, party, _unit = shop
    page = browsing.page_as(manager, locale="pt-BR")

    page.goto(f"/activities/party/{party.pk}/")
    page.get_by_role("link", name="Retorno em 2 dias").click()
    expect(page.locator("#id_description")).to_have_value("Levar o catálogo novo")
    expect(page.locator("#id_type")).to_have_value("visit")
    page.locator("form.activity-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Padaria Pão Quente")

    activity = Activity.objects.get()
    local = timezone.localtime(activity.due_at, manager.zone)
    assert (local.hour, local.minute) == (9, 0)
    assert local.date() == timezone.localdate(timezone=manager.zone) + datetime.timedelta(days=2)

    # Back on the customer's page: open it, complete it and schedule the next, in one step.
    page.locator("#h-open + .activity-list a").click()
    page.locator("#id_outcome").fill("Gostou do catálogo")
    page.locator("#id_next_date").fill((local.date() + datetime.timedelta(days=7)).isoformat())
    page.locator("#id_next_time").fill("14:30")
    page.locator("button[name=schedule_next]").click()
    expect(page.locator(".chip.status-open")).to_be_visible()
    done = Activity.objects.get(pk=activity.pk)
    assert done.status == Status.DONE and done.outcome == "Gostou do catálogo"
    following = Activity.objects.exclude(pk=activity.pk).get()
    assert following.type.slug == "visit"

    # The party's tab shows the open one on top and the done one in the log.
    page.goto(f"/activities/party/{party.pk}/")
    expect(page.locator("#h-open + .activity-list li")).to_have_count(1)
    expect(page.locator("table.list tbody tr")).to_contain_text("Gostou do catálogo")


def test_the_agenda_and_the_returns_dialog_after_login(browsing, shop):
    manager, party, unit = shop
    now = timezone.now()
    activity_services.activity_create(
        actor=manager,
        data={
            "party_id": party.pk,
            "type": "call",
            "due_at": now + datetime.timedelta(hours=1),
            "description": "Confirmar o pedido",
        },
        default_unit_id=unit.pk,
    )
    page = browsing.new_page(locale="en-US")
    browsing.login(page, "gerente")

    dialog = page.locator("#returns-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("one follow-up due today or overdue")
    dialog.get_by_role("button", name="Later").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".agenda-today")).to_contain_text("Padaria Pão Quente")
    page.reload()
    expect(page.locator("#returns-dialog")).to_have_count(0)  # once per login


def test_quick_add_of_a_portuguese_phrase(browsing, shop):
    manager, party, _unit = shop
    page = browsing.page_as(manager, locale="pt-BR")

    page.goto("/activities/agenda/")
    page.locator("#quick-text").fill("ligar para Padaria Pão Quente amanhã às 10h")
    page.locator("form.quick-add button").click()

    expect(page.locator("#id_type")).to_have_value("call")
    tomorrow = timezone.localdate(timezone=manager.zone) + datetime.timedelta(days=1)
    expect(page.locator("#id_due_date")).to_have_value(tomorrow.isoformat())
    expect(page.locator("#id_due_time")).to_have_value("10:00")
    expect(page.locator("input[name=party_query]")).to_have_value("Padaria Pão Quente")
    page.locator("form.activity-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Padaria Pão Quente")
    assert Activity.objects.get().party_id == party.pk


def test_the_party_picker_searches_as_you_type(browsing, shop):
    manager, party, _unit = shop
    page = browsing.page_as(manager, locale="en-US")

    page.goto("/activities/new/")
    page.locator("input[name=party_query]").press_sequentially("pao que")
    option = page.get_by_role("button", name=re.compile("Padaria Pão Quente"))
    option.click()
    expect(page.locator("input[name=party_query]")).to_have_value("Padaria Pão Quente")
    page.locator("#id_due_date").fill("2030-01-10")
    page.locator("#id_due_time").fill("09:15")
    page.locator("form.activity-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Padaria Pão Quente")


def test_the_n_key_opens_the_new_follow_up_form(browsing, shop):
    manager, _party, _unit = shop
    page = browsing.page_as(manager, locale="en-US")
    page.goto("/parties/customers/")
    page.locator("h1").click()
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/activities/new/$"))


def test_the_feed_over_http_holds_the_event_at_the_right_instant(browsing, shop, live_server):
    manager, party, unit = shop
    day = timezone.localdate(timezone=manager.zone) + datetime.timedelta(days=10)
    due = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=manager.zone)
    activity_services.activity_create(
        actor=manager,
        data={
            "party_id": party.pk,
            "type": "call",
            "due_at": due,
            "internal_note": "segredo da empresa",
            "description": "Ligar",
        },
        default_unit_id=unit.pk,
    )
    feeds.feed_rotate(manager)
    url = live_server.url + feeds.feed_url_for(manager)

    with urllib.request.urlopen(url) as response:  # noqa: S310 - our own live server
        body = response.read()
        assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert start == due  # 10:00 in São Paulo: 13:00Z
    assert start.astimezone(datetime.UTC).hour == 13
    assert b"segredo" not in body


def test_a_follow_up_on_the_calendar_is_dragged_to_another_day(browsing, shop):
    manager, party, unit = shop
    zone = manager.zone
    today = timezone.localdate(timezone=zone)
    # Mid-month, so that both days are on this month's calendar whatever today is.
    day = today.replace(day=10)
    target = today.replace(day=17)
    activity = activity_services.activity_create(
        actor=manager,
        data={
            "party_id": party.pk,
            "type": "call",
            "contacted_at": timezone.now() - datetime.timedelta(days=40),
            "due_at": datetime.datetime.combine(day, datetime.time(15, 30), tzinfo=zone),
        },
        default_unit_id=unit.pk,
    )
    page = browsing.page_as(manager, locale="pt-BR")
    page.goto(f"/activities/calendar/?view=month&date={day.isoformat()}")

    item = page.locator(f"li.cal-item[data-move-url$='/{activity.pk}/move/']")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Padaria Pão Quente")
    item.drag_to(page.locator(f".cal-day[data-drop-date='{target.isoformat()}']"))

    moved = page.locator(f".cal-day[data-day='{target.isoformat()}'] li.cal-item")
    expect(moved).to_contain_text("Padaria Pão Quente")
    activity.refresh_from_db()
    local = timezone.localtime(activity.due_at, zone)
    assert (local.date(), local.hour, local.minute) == (target, 15, 30)  # the time is kept

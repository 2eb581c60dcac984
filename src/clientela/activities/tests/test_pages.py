"""The relationship log's pages: agenda, list, form, detail, party tab, feed, trash."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from clientela.activities import services
from clientela.activities.models import Activity, Status

SP = zoneinfo.ZoneInfo("America/Sao_Paulo")


def _new(user, party, **fields):
    data = {"party_id": party.pk, "type": "call", **fields}
    return services.activity_create(actor=user, data=data, default_unit_id=party.unit_id)


@pytest.fixture
def now(time_machine):
    moment = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=SP)
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_the_agenda_shows_overdue_today_and_the_week(login, manager, party_matriz, now, language):
    _new(
        manager,
        party_matriz,
        contacted_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(days=1),
        description="Atrasado",
    )
    _new(manager, party_matriz, due_at=now + datetime.timedelta(hours=2), description="Hoje")
    _new(manager, party_matriz, due_at=now + datetime.timedelta(days=3), description="Semana")
    client = login(manager)
    client.cookies["clientela_language"] = language

    response = client.get(reverse("activities:agenda"))

    assert response.status_code == 200
    agenda = response.context["agenda"]
    assert [a.description for a in agenda.overdue] == ["Atrasado"]
    assert [a.description for a in agenda.today] == ["Hoje"]
    assert [a.description for a in agenda.week] == ["Semana"]


def test_the_home_page_is_the_agenda(login, manager):
    assert login(manager).get("/")["Location"] == reverse("activities:agenda")


def test_after_login_the_agenda_offers_the_returns_due(client, manager, party_matriz, now):
    from conftest import PASSWORD

    _new(manager, party_matriz, due_at=now + datetime.timedelta(hours=1))
    client.post(reverse("accounts:login"), {"username": manager.username, "password": PASSWORD})

    first = client.get(reverse("activities:agenda"))
    assert first.context["due_now"] == 1
    assert b'id="returns-dialog"' in first.content
    assert client.get(reverse("activities:agenda")).context["due_now"] == 0  # once


def test_recording_a_contact_from_the_form(login, manager, party_matriz, now):
    client = login(manager)
    response = client.post(
        reverse("activities:create"),
        {
            "party_id": party_matriz.pk,
            "type": "visit",
            "contacted_at": "2026-12-01T14:30",
            "description": "Visitou a loja",
            "due_date": "2026-12-03",
            "due_time": "10:00",
            "assignee_id": manager.pk,
            "reminder_channel_1": "email",
            "reminder_minutes_1": "30",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get()
    assert activity.due_at == datetime.datetime(2026, 12, 3, 13, 0, tzinfo=datetime.UTC)
    assert activity.contacted_at == datetime.datetime(2026, 12, 1, 17, 30, tzinfo=datetime.UTC)
    assert activity.reminders == [{"channel": "email", "minutes_before": 30}]
    assert activity.status == Status.OPEN


def test_the_party_typed_without_javascript_is_found_or_offered(login, manager, party_matriz, now):
    client = login(manager)
    data = {"party_query": party_matriz.name, "type": "call", "assignee_id": manager.pk}

    assert client.post(reverse("activities:create"), data).status_code == 302
    response = client.post(reverse("activities:create"), {**data, "party_query": "zzzz"})
    assert response.status_code == 200
    assert "party_query" in response.context["form"].errors
    assert Activity.objects.count() == 1


def test_bad_input_is_shown_next_to_the_field(login, manager, party_matriz, now):
    response = login(manager).post(
        reverse("activities:create"),
        {
            "party_id": party_matriz.pk,
            "type": "call",
            "assignee_id": manager.pk,
            "contacted_at": "2026-12-01T14:00",
            "due_date": "2026-11-20",
            "due_time": "10:00",
        },
    )
    assert response.status_code == 200
    assert "due_date" in response.context["form"].errors  # before the contact itself
    response = login(manager).post(
        reverse("activities:create"),
        {"party_id": party_matriz.pk, "type": "call", "description": "a\x00b" + "x" * 20001},
    )
    assert "description" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_an_edit_changes_only_what_was_touched(login, manager, party_matriz, now):
    from clientela.activities.forms import activity_initial

    activity = _new(
        manager, party_matriz, due_at=now + datetime.timedelta(days=1), description="Original"
    )
    client = login(manager)
    page = client.get(reverse("activities:edit", args=[activity.pk]))
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data = {
        k: (v.strftime("%Y-%m-%dT%H:%M") if isinstance(v, datetime.datetime) else v)
        for k, v in data.items()
    }
    data["shown"] = form.initial["shown"]
    # Someone else changes the complaint meanwhile (through the service, a new version).
    services.activity_update(actor=manager, activity=activity, data={"complaint": "Reclamou"})
    data["description"] = "Mudei só a descrição"
    data["version"] = activity_initial(Activity.objects.get()).get("version")

    response = client.post(reverse("activities:edit", args=[activity.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    saved = Activity.objects.get()
    assert saved.description == "Mudei só a descrição"
    assert saved.complaint == "Reclamou"


def test_complete_and_schedule_next_from_the_page(login, manager, party_matriz, now):
    activity = _new(manager, party_matriz, due_at=now + datetime.timedelta(hours=1), type="visit")
    response = login(manager).post(
        reverse("activities:complete", args=[activity.pk]),
        {
            "outcome": "Tudo certo",
            "next_date": "2026-12-08",
            "next_time": "09:00",
            "version": activity.version,
            "schedule_next": "1",
        },
    )
    following = Activity.objects.exclude(pk=activity.pk).get()
    assert response["Location"] == reverse("activities:detail", args=[following.pk])
    assert Activity.objects.get(pk=activity.pk).status == Status.DONE
    assert following.type.slug == "visit" and following.status == Status.OPEN
    assert following.due_at == datetime.datetime(2026, 12, 8, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_the_party_relationship_tab(login, manager, party_matriz, now, language):
    _new(manager, party_matriz, due_at=now + datetime.timedelta(days=1), description="A fazer")
    _new(manager, party_matriz, description="Feito")
    client = login(manager)
    client.cookies["clientela_language"] = language

    response = client.get(reverse("activities:party", args=[party_matriz.pk]))

    assert response.status_code == 200
    assert [a.description for a in response.context["open_followups"]] == ["A fazer"]
    assert [a.description for a in response.context["log"]] == ["Feito"]
    assert reverse("activities:party", args=[party_matriz.pk]).encode() in response.content


def test_list_filters_in_the_url_and_bad_values(login, manager, party_matriz, now):
    _new(manager, party_matriz, due_at=now + datetime.timedelta(days=1))
    client = login(manager)

    assert len(client.get(reverse("activities:list")).context["page"].items) == 1
    for query in ["status=overdue", "due_from=2027-01-01"]:
        assert client.get(f"{reverse('activities:list')}?{query}").context["page"].items == []
    for query in ["due_from=nope", "assignee_id=²", "q=" + "x" * 300, "cursor=zz", "sort=evil"]:
        response = client.get(f"{reverse('activities:list')}?{query}")
        assert response.status_code == 200


def test_bulk_from_the_list(login, manager, party_matriz, now):
    rows = [_new(manager, party_matriz, due_at=now + datetime.timedelta(days=1)) for _ in range(3)]
    client = login(manager)
    client.post(
        reverse("activities:bulk"),
        {"action": "reschedule", "ids": [rows[0].pk, rows[1].pk], "shift_days": "3"},
    )
    days = sorted(a.due_date.day for a in Activity.objects.all())
    assert days == [2, 5, 5]
    client.post(
        reverse("activities:bulk"),
        {"action": "complete", "scope": "filter", "filter_query": "unit_id=all"},
    )
    assert set(Activity.objects.values_list("status", flat=True)) == {"done"}


def test_quick_add_proposes_the_form(login, manager, party_matriz, now):
    client = login(manager)
    response = client.get(reverse("activities:quick"), {"text": "ligar amanhã às 10h"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["due_date"] == datetime.date(2026, 12, 2)
    assert initial["type"] == "call"


def test_the_feed_page_makes_and_revokes_the_address(login, manager):
    client = login(manager)
    client.post(reverse("activities:feed_page"), {"action": "rotate"})
    url = client.get(reverse("activities:feed_page")).context["feed_url"]
    assert url
    client.post(reverse("activities:feed_page"), {"action": "revoke"})
    assert client.get(reverse("activities:feed_page")).context["feed_url"] is None


def test_the_trash_restores(login, manager, admin, party_matriz, now):
    activity = _new(manager, party_matriz, due_at=now + datetime.timedelta(days=1))
    login(manager).post(reverse("activities:delete", args=[activity.pk]), {"version": 1})
    assert Activity.objects.get().in_trash
    client = login(admin)
    assert client.get(reverse("activities:trash")).context["page"].items
    client.post(reverse("activities:restore", args=[activity.pk]))
    assert not Activity.objects.get().in_trash


def test_suppliers_follow_ups_are_first_class(login, manager, unit_matriz, now):
    from conftest import make_party

    supplier = make_party(
        owner=manager,
        unit=unit_matriz,
        name="Moinho Farinha Boa",
        is_customer=False,
        is_supplier=True,
    )
    customer = make_party(owner=manager, unit=unit_matriz, name="Cliente Fiel")
    _new(manager, supplier, due_at=now + datetime.timedelta(days=1))
    _new(manager, customer, due_at=now + datetime.timedelta(days=1))
    client = login(manager)

    page = client.get(reverse("activities:list"), {"party_role": "suppliers"})
    assert [a.party.name for a in page.context["page"].items] == ["Moinho Farinha Boa"]


def test_the_agenda_tasks_panel_holds_what_comes_after_the_week(login, manager, party_matriz, now):
    _new(manager, party_matriz, due_at=now + datetime.timedelta(days=20), description="Depois")
    agenda = login(manager).get(reverse("activities:agenda")).context["agenda"]
    assert [a.description for a in agenda.later] == ["Depois"]
    assert agenda.later_count == 1


def test_the_party_timeline_tab_shows_contacts_and_its_registration(
    login, manager, party_matriz, now
):
    _new(manager, party_matriz, description="Pediu orçamento de 200 pães")
    client = login(manager)
    client.cookies["clientela_language"] = "en"

    response = client.get(reverse("parties:timeline", args=[party_matriz.pk]))

    assert response.status_code == 200
    kinds = [e.kind for e in response.context["events"]]
    assert "activity" in kinds
    assert "Pediu orçamento de 200 pães" in response.content.decode()
    assert (
        client.get(
            reverse("parties:timeline", args=[party_matriz.pk]), {"before": "garbage"}
        ).status_code
        == 200
    )

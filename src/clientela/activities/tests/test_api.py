"""/api/v1/activities: the contract of DESIGN.md, scope, bad input, complete, bulk, trash."""

import datetime
import zoneinfo

import pytest

from clientela.accounts.models import Role
from clientela.activities.models import Activity, PartyAssignment
from clientela.audit.models import ChangeRecord
from conftest import make_user

SP = zoneinfo.ZoneInfo("America/Sao_Paulo")


def _at(day: int, hour: int = 10, minute: int = 0) -> str:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=SP).isoformat()


@pytest.fixture
def base(unit_matriz):
    return {"type": "call", "description": "Ligou pedindo orçamento"}


def _create(api, user, party, **fields):
    body = {"party_id": party.pk, "type": "call", **fields}
    response = api(user).post("/api/v1/activities", body)
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.django_db
def test_a_follow_up_at_ten_in_sao_paulo_is_13z_in_the_api(
    api, manager, party_matriz, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=SP))
    body = _create(api, manager, party_matriz, due_at=_at(2, 10), description="Retornar")

    assert body["due_at"] == "2026-12-02T13:00:00Z"
    assert body["status"] == "open"
    assert body["assignee_id"] == manager.pk
    assert body["unit_id"] == party_matriz.unit_id
    assert body["party_name"] == party_matriz.name
    response = api(manager).get(f"/api/v1/activities/{body['id']}")
    assert response.json() == body


@pytest.mark.django_db
def test_a_contact_without_a_next_date_is_done_when_written(api, manager, party_matriz):
    body = _create(api, manager, party_matriz, description="Visitou a loja")

    assert body["status"] == "done"
    assert body["done_by_id"] == manager.pk
    assert body["due_at"] is None


@pytest.mark.django_db
def test_a_whole_day_follow_up_keeps_the_day_written(api, manager, party_matriz, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=SP))
    body = _create(api, manager, party_matriz, due_at="2026-12-05T00:00:00-03:00", all_day=True)

    assert body["all_day"] is True
    assert body["due_date"] == "2026-12-05"
    assert body["due_at"] == "2026-12-05T03:00:00Z"  # its first instant in São Paulo
    assert body["overdue"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"due_at": "2026-12-02T10:00:00"}, "due_at"),  # no offset
        ({"type": "nope"}, "type"),
        ({"party_id": 999999}, "party_id"),
        ({"reminders": [{"channel": "pigeon", "minutes_before": 5}]}, "reminders"),
        ({"reminders": [{"channel": "email", "minutes_before": -5}]}, "reminders"),
        ({"description": "x" * 20001}, "description"),
        ({"description": "\ud800"}, "description"),
        ({"contacted_at": _at(3), "due_at": _at(2)}, "due_at"),
        ({"status": "open"}, "due_at"),
        ({"reminders": [{"channel": "email", "minutes_before": 5}]}, "reminders"),
        ({"assignee_id": 10**12}, "assignee_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(
    api, manager, party_matriz, time_machine, fields, field
):
    time_machine.move_to(datetime.datetime(2026, 12, 4, 9, tzinfo=SP))
    body = {"party_id": party_matriz.pk, "type": "call", **fields}
    response = api(manager).post("/api/v1/activities", body)

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_a_party_outside_the_scope_is_refused_like_an_unknown_one(api, agent_own, party_filial):
    response = api(agent_own).post(
        "/api/v1/activities", {"party_id": party_filial.pk, "type": "call"}
    )
    unknown = api(agent_own).post("/api/v1/activities", {"party_id": 987654, "type": "call"})

    assert response.status_code == unknown.status_code == 422
    assert response.json()["errors"] == unknown.json()["errors"]


@pytest.mark.django_db
def test_an_agent_cannot_assign_someone_else(api, agent_own, manager, party_own):
    response = api(agent_own).post(
        "/api/v1/activities",
        {"party_id": party_own.pk, "type": "call", "assignee_id": manager.pk, "due_at": _at(20)},
    )
    assert response.status_code == 422
    assert "assignee_id" in response.json()["errors"]


@pytest.mark.django_db
def test_an_assignee_without_crm_access_is_refused(api, admin, outsider, party_matriz):
    response = api(admin).post(
        "/api/v1/activities",
        {
            "party_id": party_matriz.pk,
            "type": "call",
            "assignee_id": outsider.pk,
            "due_at": _at(20),
        },
    )
    assert response.status_code == 422
    assert "assignee_id" in response.json()["errors"]


@pytest.mark.django_db
def test_a_follow_up_assigned_to_an_agent_shows_them_the_party(
    api, manager, agent_own, party_matriz
):
    agent_api = api(agent_own)
    assert agent_api.get(f"/api/v1/parties/{party_matriz.pk}").status_code == 404

    created = _create(api, manager, party_matriz, assignee_id=agent_own.pk, due_at=_at(20))

    assert agent_api.get(f"/api/v1/parties/{party_matriz.pk}").status_code == 200
    assert agent_api.get(f"/api/v1/activities/{created['id']}").status_code == 200
    ids = [p["id"] for p in agent_api.get("/api/v1/parties").json()["items"]]
    assert party_matriz.pk in ids
    # Cancelled: the link goes, and with it the party.
    api(manager).patch(f"/api/v1/activities/{created['id']}", {"status": "cancelled"})
    assert not PartyAssignment.objects.filter(user=agent_own).exists()
    assert agent_api.get(f"/api/v1/parties/{party_matriz.pk}").status_code == 404


@pytest.mark.django_db
def test_activities_outside_the_scope_do_not_exist(
    api, manager, agent_own, party_matriz, party_own
):
    theirs = _create(api, manager, party_matriz, due_at=_at(20))
    mine = _create(api, agent_own, party_own, due_at=_at(20))

    agent = api(agent_own)
    assert agent.get(f"/api/v1/activities/{theirs['id']}").status_code == 404
    assert (
        agent.patch(f"/api/v1/activities/{theirs['id']}", {"description": "x"}).status_code == 404
    )
    listed = [a["id"] for a in agent.get("/api/v1/activities").json()["items"]]
    assert listed == [mine["id"]]


@pytest.mark.django_db
def test_get_patch_round_trip_and_a_stale_version_is_409(api, manager, party_matriz):
    created = _create(api, manager, party_matriz, due_at=_at(20))
    client = api(manager)

    round_trip = client.patch(f"/api/v1/activities/{created['id']}", created)
    assert round_trip.status_code == 200, round_trip.json()
    assert round_trip.json()["version"] == created["version"]  # nothing changed

    first = client.patch(
        f"/api/v1/activities/{created['id']}", {"description": "um", "version": created["version"]}
    )
    assert first.status_code == 200
    stale = client.patch(
        f"/api/v1/activities/{created['id']}",
        {"description": "dois", "version": created["version"]},
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["description"] == "um"


@pytest.mark.django_db
def test_complete_and_schedule_the_next_in_one_step(api, manager, party_matriz, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=SP))
    created = _create(api, manager, party_matriz, due_at=_at(2), type="visit")

    response = api(manager).post(
        f"/api/v1/activities/{created['id']}/complete",
        {"outcome": "Fechou o pedido", "next": {"due_at": _at(9, 14), "description": "Pós-venda"}},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done" and body["outcome"] == "Fechou o pedido"
    assert body["done_by_id"] == manager.pk
    following = body["next"]
    assert following["party_id"] == party_matriz.pk and following["type"] == "visit"
    assert following["due_at"] == "2026-12-09T17:00:00Z" and following["status"] == "open"
    again = api(manager).post(f"/api/v1/activities/{created['id']}/complete", {})
    assert again.status_code == 422


@pytest.mark.django_db
def test_a_bad_next_rolls_back_the_completion(api, manager, party_matriz, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=SP))
    created = _create(api, manager, party_matriz, due_at=_at(2))

    response = api(manager).post(
        f"/api/v1/activities/{created['id']}/complete",
        {"next": {"due_at": _at(9), "type": "nope"}},
    )

    assert response.status_code == 422
    assert "next.type" in response.json()["errors"]
    assert Activity.objects.get(pk=created["id"]).status == "open"
    assert Activity.objects.count() == 1


@pytest.mark.django_db
def test_trash_and_restore(api, manager, admin, party_matriz):
    created = _create(api, manager, party_matriz, due_at=_at(20))

    assert api(manager).delete(f"/api/v1/activities/{created['id']}").status_code == 204
    assert api(manager).get(f"/api/v1/activities/{created['id']}").status_code == 404
    assert api(manager).post(f"/api/v1/activities/{created['id']}/restore").status_code == 403
    restored = api(admin).post(f"/api/v1/activities/{created['id']}/restore")
    assert restored.status_code == 200
    actions = list(
        ChangeRecord.objects.filter(entity="activity", object_id=created["id"])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete", "restore"]


@pytest.mark.django_db
def test_list_filters_and_overdue(api, manager, party_matriz, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 10, 9, tzinfo=SP))
    late = _create(api, manager, party_matriz, contacted_at=_at(1), due_at=_at(5))
    soon = _create(api, manager, party_matriz, due_at=_at(12), type="visit")
    client = api(manager)

    def ids(**params):
        response = client.get("/api/v1/activities", params)
        assert response.status_code == 200, response.json()
        return [a["id"] for a in response.json()["items"]]

    assert ids(status="overdue") == [late["id"]]
    assert ids(type="visit") == [soon["id"]]
    assert ids(due_from="2026-12-11", due_to="2026-12-12") == [soon["id"]]
    assert ids(sort="due_at") == [late["id"], soon["id"]]
    assert ids(q=party_matriz.name.split()[0]) != []
    assert client.get("/api/v1/activities", {"due_from": "2026-13-01"}).status_code == 422
    assert client.get("/api/v1/activities", {"q": "x" * 300}).status_code == 422
    assert client.get("/api/v1/activities", {"cursor": "bm9wZQ"}).status_code == 422


@pytest.mark.django_db
def test_bulk_reschedule_shifts_and_records_each(api, manager, party_matriz, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=SP))
    rows = [_create(api, manager, party_matriz, due_at=_at(3, 8 + i)) for i in range(3)]

    response = api(manager).post(
        "/api/v1/activities/bulk",
        {"action": "reschedule", "ids": [r["id"] for r in rows], "shift_days": 2},
    )

    assert response.json() == {"changed": 3}
    assert [a.due_at.astimezone(SP).strftime("%d %H") for a in Activity.objects.order_by("id")] == [
        "05 08",
        "05 09",
        "05 10",
    ]
    assert ChangeRecord.objects.filter(entity="activity", action="update").count() == 3


@pytest.mark.django_db
def test_bulk_by_filter_completes_what_matches(api, manager, party_matriz, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=SP))
    _create(api, manager, party_matriz, due_at=_at(3), type="visit")
    _create(api, manager, party_matriz, due_at=_at(3), type="call")

    response = api(manager).post(
        "/api/v1/activities/bulk", {"action": "complete", "filter": {"type": "visit"}}
    )

    assert response.json() == {"changed": 1}
    assert list(Activity.objects.values_list("type__slug", "status").order_by("type__slug")) == [
        ("call", "open"),
        ("visit", "done"),
    ]


@pytest.mark.django_db
def test_an_agent_cannot_bulk_trash(api, agent_own, party_own):
    created = _create(api, agent_own, party_own, due_at=_at(20))
    response = api(agent_own).post(
        "/api/v1/activities/bulk", {"action": "trash", "ids": [created["id"]]}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_party_timeline_merges_activities_and_changes(api, manager, party_matriz):
    _create(api, manager, party_matriz, description="Primeiro contato")

    response = api(manager).get(f"/api/v1/parties/{party_matriz.pk}/timeline")

    assert response.status_code == 200
    kinds = [item["kind"] for item in response.json()["items"]]
    assert "activity" in kinds
    assert set(response.json()["items"][0]) == {"at", "kind", "title", "url", "object_id"}


@pytest.mark.django_db
def test_types_and_presets(api, admin, agent_own):
    types = api(agent_own).get("/api/v1/activity-types").json()["items"]
    assert {t["slug"] for t in types} >= {
        "call",
        "visit",
        "email",
        "meeting",
        "whatsapp",
        "analysis",
        "after-sales",
        "technical-assistance",
        "other",
    }
    assert (
        api(agent_own)
        .post("/api/v1/activity-types", {"name": "Fax", "name_pt_br": "Fax"})
        .status_code
        == 403
    )
    created = api(admin).post("/api/v1/activity-types", {"name": "Fax", "name_pt_br": "Fax"})
    assert created.status_code == 201 and created.json()["slug"] == "fax"

    shared = api(admin).post(
        "/api/v1/activity-presets",
        {"name": "Retorno em 2 dias", "type": "call", "due_in_days": 2, "due_time": "09:00"},
    )
    assert shared.status_code == 201 and shared.json()["shared"] is True
    own = api(agent_own).post("/api/v1/activity-presets", {"name": "Meu", "type": "visit"})
    assert own.json()["shared"] is False
    assert (
        api(agent_own)
        .patch(f"/api/v1/activity-presets/{shared.json()['id']}", {"name": "x"})
        .status_code
        == 403
    )
    other = make_user("other_agent", role=Role.AGENT)
    assert api(other).get(f"/api/v1/activity-presets/{own.json()['id']}").status_code == 404


@pytest.mark.django_db
def test_the_calendar_feed_address_in_me(api, manager, client):
    assert api(manager).get("/api/v1/me").json()["calendar_feed_url"] is None
    made = api(manager).post("/api/v1/me/calendar-feed").json()["calendar_feed_url"]
    assert made.startswith("http://testserver/activities/feed/")
    assert api(manager).get("/api/v1/me").json()["calendar_feed_url"] == made
    assert client.get(made).status_code == 200
    rotated = api(manager).post("/api/v1/me/calendar-feed").json()["calendar_feed_url"]
    assert client.get(made).status_code == 404
    assert client.get(rotated).status_code == 200

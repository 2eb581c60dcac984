"""GET /api/v1/parties: shape, scope, filters, sorting, cursors and capped counts."""

import datetime

import pytest
import time_machine
from django.db import connection

from clientela.accounts.models import Scope
from clientela.core import pagination
from clientela.parties.models import Party
from clientela.parties.tests.factories import PartyFactory
from clientela.parties.tests.scope import VISIBLE_PARTIES
from conftest import make_party, make_user


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_it_answers_items_count_and_next_cursor(api, admin, parties):
    body = api(admin).get("/api/v1/parties").json()

    assert set(body) == {"items", "count", "next_cursor"}
    assert body["count"] == 3
    assert body["next_cursor"] is None
    assert {item["name"] for item in body["items"]} == {
        "Padaria Pão de Açúcar",
        "João da Silva",
        "Maria Oliveira",
    }


def test_a_party_has_the_fields_of_the_design(api, admin, party_own):
    item = api(admin).get("/api/v1/parties").json()["items"][0]

    expected = {
        "id", "kind", "name", "trade_name", "tax_id", "is_customer", "is_supplier", "email",
        "phones", "street", "number", "complement", "district", "zip_code", "city", "state",
        "country", "tags", "notes", "is_active", "owner_id", "unit_id", "version",
        "created_at", "updated_at",
    }  # fmt: skip
    assert expected <= set(item)
    assert item["phones"] == ["+5511987654321"]
    assert item["tax_id"] == "52998224725"


@pytest.mark.parametrize(("persona", "visible"), [*VISIBLE_PARTIES.items(), ("outsider", None)])
def test_each_persona_lists_exactly_the_parties_in_scope(api, personas, parties, persona, visible):
    response = api(personas[persona]).get("/api/v1/parties")

    if visible is None:
        assert response.status_code == 403
    else:
        assert ids(response) == {parties[key].pk for key in visible}
        assert response.json()["count"] == len(visible)


def test_unit_scope_also_shows_ones_own_parties_in_other_units(api, manager, unit_filial, parties):
    elsewhere = make_party(owner=manager, unit=unit_filial, name="Cliente em Campinas")

    assert elsewhere.pk in ids(api(manager).get("/api/v1/parties"))


def test_unit_scope_without_a_unit_sees_only_ones_own(api, unit_matriz, parties):
    lonely = make_user("lonely", scope=Scope.UNIT, units=[])
    mine = make_party(owner=lonely, unit=unit_matriz, name="Só Meu")

    assert ids(api(lonely).get("/api/v1/parties")) == {mine.pk}


@pytest.mark.parametrize(
    ("persona", "filter_name", "target"),
    [
        ("agent_own", "owner_id", "manager"),
        ("agent_own", "unit_id", "unit_matriz"),
        ("agent_own", "unit_id", "unit_filial"),
        ("agent_unit_b", "unit_id", "unit_matriz"),
        ("agent_unit_b", "owner_id", "agent_own"),
        ("manager", "unit_id", "unit_filial"),
        ("manager", "owner_id", "agent_unit_b"),
    ],
)
def test_filters_narrow_but_never_widen_the_scope(
    request, api, personas, parties, persona, filter_name, target
):
    target_pk = request.getfixturevalue(target).pk
    user = personas[persona]
    visible = Party.objects.restrict(user)
    expected = {p.pk for p in visible if getattr(p, filter_name) == target_pk}

    narrowed = ids(api(user).get("/api/v1/parties", {filter_name: target_pk}))

    assert narrowed == expected
    assert narrowed <= {p.pk for p in visible}


def test_search_never_reveals_a_party_out_of_scope(api, agent_own, parties):
    for q in ["Maria", "maria oliveira", "Campinas", "390.533.447-05", "19991234567", "Padaria"]:
        body = api(agent_own).get("/api/v1/parties", {"q": q}).json()
        assert body["items"] == [], q
        assert body["count"] == 0, q


def test_the_simple_filters_work(api, admin, parties, unit_filial):
    client = api(admin)
    matriz, own, filial = parties["matriz"], parties["own"], parties["filial"]
    supplier = make_party(
        owner=admin, unit=unit_filial, name="Fornecedora", is_customer=False, is_supplier=True
    )
    inactive = make_party(owner=admin, unit=unit_filial, name="Parada", is_active=False)

    assert ids(client.get("/api/v1/parties", {"kind": "company"})) == {matriz.pk}
    assert ids(client.get("/api/v1/parties", {"is_supplier": "true"})) == {supplier.pk}
    assert supplier.pk not in ids(client.get("/api/v1/parties", {"is_customer": "true"}))
    assert ids(client.get("/api/v1/parties", {"is_active": "false"})) == {inactive.pk}
    assert ids(client.get("/api/v1/parties", {"city": "campinas"})) == {filial.pk}
    assert ids(client.get("/api/v1/parties", {"state": "sp"})) == {matriz.pk, own.pk, filial.pk}
    assert ids(client.get("/api/v1/parties", {"unit_id": unit_filial.pk})) == {
        filial.pk,
        supplier.pk,
        inactive.pk,
    }


def test_the_limit_is_50_by_default_and_200_at_most(api, admin, unit_matriz):
    PartyFactory.create_batch(201, owner=admin, unit=unit_matriz)
    client = api(admin)

    default = client.get("/api/v1/parties").json()
    largest = client.get("/api/v1/parties", {"limit": 200}).json()
    too_many = client.get("/api/v1/parties", {"limit": 201})

    assert len(default["items"]) == 50
    assert default["next_cursor"]
    assert len(largest["items"]) == 200
    assert too_many.status_code == 422
    assert set(too_many.json()) == {"detail", "errors"}
    assert "limit" in too_many.json()["errors"]


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_a_bad_limit_is_a_422(api, admin, limit):
    response = api(admin).get("/api/v1/parties", {"limit": limit})

    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


@pytest.mark.parametrize("params", [{"cursor": "not-a-cursor"}, {"cursor": "W10"}, {"sort": "x"}])
def test_a_bad_cursor_or_sort_is_a_422(api, admin, party_own, params):
    response = api(admin).get("/api/v1/parties", params)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(params)


@pytest.fixture
def many_parties(admin, unit_matriz):
    """23 parties with repeated names and repeated timestamps, to test ties in the order."""
    base = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    names = ["Ana", "Bruno", "Carla", "Ana", "Bruno", "Ágata", "Zeca"]
    rows = []
    for i in range(23):
        # Three rows share each timestamp.
        with time_machine.travel(base + datetime.timedelta(minutes=i // 3), tick=False):
            rows.append(
                PartyFactory(owner=admin, unit=unit_matriz, name=f"{names[i % len(names)]}")
            )
    # Touch some rows later so updated_at differs from created_at.
    for row in rows[::4]:
        with time_machine.travel(base + datetime.timedelta(hours=1), tick=False):
            row.notes = "revisto"
            row.save()
    return rows


def walk_pages(client, sort: str, limit: int = 5) -> list[int]:
    seen, cursor, pages = [], None, 0
    while True:
        params = {"sort": sort, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/parties", params).json()
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        pages += 1
        assert pages < 50, "the cursor does not move forward"
        if cursor is None:
            return seen


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("name", lambda p: (p.sort_name, p.pk), False),
        ("-name", lambda p: (p.sort_name, p.pk), True),
        ("created_at", lambda p: (p.created_at, p.pk), False),
        ("-created_at", lambda p: (p.created_at, p.pk), True),
        ("updated_at", lambda p: (p.updated_at, p.pk), False),
        ("-updated_at", lambda p: (p.updated_at, p.pk), True),
    ],
)
def test_the_cursor_walks_every_row_once_in_a_stable_order(
    api, admin, many_parties, sort, key, reverse
):
    expected = [p.pk for p in sorted(Party.objects.all(), key=key, reverse=reverse)]

    seen = walk_pages(api(admin), sort)

    assert len(seen) == len(set(seen)) == 23
    assert seen == expected


def test_names_sort_ignoring_case_and_accents(api, admin, many_parties):
    names = [
        item["name"]
        for item in api(admin)
        .get("/api/v1/parties", {"sort": "name", "limit": 200})
        .json()["items"]
    ]

    assert names[0] == "Ágata"
    assert names[-1] == "Zeca"


def test_the_count_is_exact_up_to_the_cap_and_null_beyond(api, admin, unit_matriz, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    PartyFactory.create_batch(3, owner=admin, unit=unit_matriz)
    client = api(admin)

    assert client.get("/api/v1/parties").json()["count"] == 3

    PartyFactory(owner=admin, unit=unit_matriz)
    body = client.get("/api/v1/parties").json()

    assert body["count"] is None
    assert len(body["items"]) == 4


def test_datetimes_are_answered_in_utc(api, admin, unit_matriz):
    admin.time_zone = "America/Sao_Paulo"
    admin.save()
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        created = api(admin).post("/api/v1/parties", {"name": "Fuso"}).json()

    listed = api(admin).get("/api/v1/parties").json()["items"][0]

    for value in [created["created_at"], listed["created_at"], listed["updated_at"]]:
        assert value in ("2026-03-01T23:30:00Z", "2026-03-01T23:30:00+00:00")


def test_trashed_lists_only_the_trash_and_only_for_admins(api, personas, parties):
    parties["own"].deleted_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    parties["own"].save()

    for persona in ["agent_own", "agent_all", "manager"]:
        assert api(personas[persona]).get("/api/v1/parties", {"trashed": "true"}).status_code == 403
    assert ids(api(personas["admin"]).get("/api/v1/parties", {"trashed": "true"})) == {
        parties["own"].pk
    }
    assert parties["own"].pk not in ids(api(personas["admin"]).get("/api/v1/parties"))


# The trigram table's look at a search's candidates (PartyQuerySet.for_sorted_page).
PROBE = 1 if connection.vendor == "sqlite" else 0


@pytest.mark.parametrize("rows", [60, 600])
@pytest.mark.parametrize(("q", "queries"), [("", 6), ("cliente", 6 + PROBE)])
def test_a_list_of_many_pages_runs_the_same_queries_whatever_the_row_count(
    api, manager, unit_matriz, django_assert_num_queries, rows, q, queries
):
    PartyFactory.create_batch(rows, owner=manager, unit=unit_matriz)
    client = api(manager)

    # The token (and its last use), the user's units, the page's ids, its rows, the count.
    with django_assert_num_queries(queries):
        response = client.get("/api/v1/parties", {"q": q, "limit": 50})

    assert len(response.json()["items"]) == 50
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_the_same_few_queries_whatever_the_row_count(
    api, admin, manager, unit_matriz, django_assert_max_num_queries, rows
):
    PartyFactory.create_batch(rows, owner=manager, unit=unit_matriz)
    client = api(manager)

    # The token (and its last use), the user's units, the page and its count.
    with django_assert_max_num_queries(5 + PROBE):
        response = client.get("/api/v1/parties", {"q": "cliente", "limit": 200})

    assert len(response.json()["items"]) == rows

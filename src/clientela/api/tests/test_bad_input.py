"""Bad input never gives a 500 and never stores half a record (DESIGN.md, status codes).

The test client re-raises a server error, so a 500 fails these tests with its traceback.
"""

import base64
import json

import pytest

from clientela.accounts.models import Unit, User
from clientela.parties.models import Party

HUGE = 10**30  # beyond any database integer
OVER_BIGINT = 2**63


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "created_at", "cursor": cursor_of([12, 1])},
        {"cursor": cursor_of(["a", "b"])},
        {"cursor": cursor_of({"a": 1})},
        {"limit": str(HUGE)},
        {"q": "a" * 5000},
        {"q": "9" * 5000},
        {"kind": "robot"},
        {"is_active": "perhaps"},
    ],
)
def test_odd_list_parameters_are_answered_not_crashed_on(api, admin, party_own, params):
    response = api(admin).get("/api/v1/parties", params)

    # Each of these is refused, naming only the parameters that were sent.
    assert response.status_code == 422
    assert set(response.json()["errors"]) <= set(params)


@pytest.mark.parametrize("sort", ["name", "-updated_at"])
def test_a_cursor_without_a_sort_value_is_a_422(api, admin, party_own, sort):
    response = api(admin).get("/api/v1/parties", {"sort": sort, "cursor": cursor_of([None, 1])})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("field", ["owner_id", "unit_id"])
def test_an_id_beyond_any_row_is_a_422_not_a_500(api, admin, party_own, field):
    response = api(admin).get("/api/v1/parties", {field: HUGE})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("field", ["name", "notes"])
def test_a_nul_character_in_text_is_a_422(api, admin, unit_matriz, field):
    before = Party.objects.count()

    response = api(admin).post("/api/v1/parties", {"name": "Nome", field: "Nome\x00oculto"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert Party.objects.count() == before


def test_a_nul_character_in_ones_profile_is_a_422(api, agent_own):
    response = api(agent_own).patch("/api/v1/me", {"full_name": "Agente\x00"})

    assert response.status_code == 422
    agent_own.refresh_from_db()
    assert agent_own.full_name == "Agent Own"


def test_a_nul_character_in_a_unit_name_is_a_422(api, admin):
    response = api(admin).post("/api/v1/units", {"name": "Filial\x00"})

    assert response.status_code == 422
    assert not Unit.objects.filter(name__startswith="Filial").exists()


@pytest.mark.parametrize("unit_id", [HUGE, OVER_BIGINT, -1])
def test_a_unit_id_beyond_any_row_is_a_422_for_users(api, admin, agent_own, unit_id):
    created = api(admin).post(
        "/api/v1/users",
        {"username": "novo", "password": "uma-senha-longa-44", "unit_ids": [unit_id]},
    )
    changed = api(admin).patch(f"/api/v1/users/{agent_own.pk}", {"unit_ids": [unit_id]})

    assert created.status_code == changed.status_code == 422
    assert list(created.json()["errors"]) == list(changed.json()["errors"]) == ["unit_ids"]
    assert not User.objects.filter(username="novo").exists()


def test_notes_longer_than_the_page_allows_are_refused(api, admin, unit_matriz):
    response = api(admin).post("/api/v1/parties", {"name": "Nome", "notes": "n" * 10_001})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["notes"]

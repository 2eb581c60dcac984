"""/api/v1/me: one's own profile, open to every user, CRM access or not."""

import pytest

from clientela.accounts.models import User


def test_it_answers_who_is_asking(api, agent_own, unit_matriz):
    body = api(agent_own).get("/api/v1/me").json()

    assert body["id"] == agent_own.pk
    assert body["username"] == "agent_own"
    assert body["role"] == "agent"
    assert body["scope"] == "own"
    assert body["unit_ids"] == [unit_matriz.pk]
    assert body["crm_access"] is True
    assert "password" not in body


def test_a_user_without_crm_access_reads_and_changes_their_profile(api, outsider):
    client = api(outsider)

    assert client.get("/api/v1/me").status_code == 200
    response = client.patch("/api/v1/me", {"full_name": "Otto Sider"})

    assert response.status_code == 200
    assert response.json()["full_name"] == "Otto Sider"


def test_patch_changes_the_personal_fields(api, agent_own):
    response = api(agent_own).patch(
        "/api/v1/me",
        {
            "full_name": "Agente Própria",
            "email": "agente@exemplo.com.br",
            "phone": "+55 11 98888-7777",
            "language": "en",
            "time_zone": "America/Manaus",
        },
    )

    assert response.status_code == 200
    agent_own.refresh_from_db()
    assert agent_own.full_name == "Agente Própria"
    assert agent_own.email == "agente@exemplo.com.br"
    assert agent_own.language == "en"
    assert agent_own.time_zone == "America/Manaus"


def test_language_may_go_back_to_following_the_browser(api, agent_own):
    api(agent_own).patch("/api/v1/me", {"language": "en"})

    response = api(agent_own).patch("/api/v1/me", {"language": None})

    assert response.status_code == 200
    agent_own.refresh_from_db()
    assert agent_own.language is None


def unchanged(user) -> bool:
    fresh = User.objects.get(pk=user.pk)
    return (
        (fresh.role, fresh.scope, fresh.crm_access, fresh.username, fresh.is_active)
        == ("agent", "own", True, "agent_own", True)
        and fresh.check_password("correct-horse-battery-9")
        and fresh.unit_ids() == user.unit_ids()
    )


@pytest.mark.parametrize(
    "change",
    [{"role": "admin"}, {"scope": "all"}, {"crm_access": False}, {"unit_ids": []}],
)
def test_patch_refuses_role_scope_access_and_units(api, agent_own, change):
    response = api(agent_own).patch("/api/v1/me", change)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(change)
    assert unchanged(agent_own)


def test_patch_refuses_every_other_field(api, agent_own):
    attempts = [
        {"is_active": False},
        {"username": "someone_else"},
        {"id": 1234},
        {"password": "a-new-pass-5521"},
        {"favourite_colour": "blue"},
    ]

    statuses = {
        next(iter(change)): api(agent_own).patch("/api/v1/me", change).status_code
        for change in attempts
    }

    assert statuses == {next(iter(change)): 422 for change in attempts}
    assert unchanged(agent_own)


@pytest.mark.parametrize(
    ("field", "value"),
    [("language", "fr"), ("time_zone", "Mars/Olympus"), ("email", "nope"), ("email", None)],
)
def test_patch_refuses_bad_values(api, agent_own, field, value):
    response = api(agent_own).patch("/api/v1/me", {field: value})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {field}


def test_a_get_patch_round_trip_is_accepted(api, manager):
    client = api(manager)
    current = client.get("/api/v1/me").json()

    response = client.patch("/api/v1/me", {**current, "full_name": "Gerente Geral"})

    assert response.status_code == 200, response.json()
    assert response.json()["full_name"] == "Gerente Geral"
    assert response.json()["role"] == "manager"


def test_a_round_trip_of_an_admin_is_accepted_too(api, admin):
    client = api(admin)
    current = client.get("/api/v1/me").json()

    response = client.patch("/api/v1/me", current)

    assert response.status_code == 200, response.json()

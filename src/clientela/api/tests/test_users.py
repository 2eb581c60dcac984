"""/api/v1/users: administrators create, change, deactivate and reset users."""

import pytest
from django.test import Client

from clientela.accounts.models import Role, User
from clientela.accounts.tokens import token_create
from conftest import make_user

NEW = {
    "username": "carla",
    "password": "carla-senha-forte-77",
    "full_name": "Carla Dias",
    "email": "carla@exemplo.com.br",
    "role": "manager",
    "scope": "unit",
    "crm_access": True,
    "language": "en",
}


def test_an_admin_creates_a_user_with_role_scope_units_and_access(
    api, admin, unit_matriz, unit_filial
):
    response = api(admin).post("/api/v1/users", {**NEW, "unit_ids": [unit_filial.pk]})

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/v1/users/{body['id']}"
    assert "password" not in body
    user = User.objects.get(username="carla")
    assert (user.role, user.scope, user.crm_access, user.language) == (
        "manager",
        "unit",
        True,
        "en",
    )
    assert body["unit_ids"] == [unit_filial.pk]
    assert user.check_password("carla-senha-forte-77")
    assert Client().login(username="carla", password="carla-senha-forte-77")


def test_an_admin_user_always_has_scope_all(api, admin):
    body = api(admin).post("/api/v1/users", {**NEW, "role": "admin", "scope": "own"}).json()

    assert body["scope"] == "all"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"username": "Admin"}, "username"),
        ({"username": "com espaço"}, "username"),
        ({"password": "123"}, "password"),
        ({"password": "password123"}, "password"),
        ({"unit_ids": [987654]}, "unit_ids"),
        ({"role": "owner"}, "role"),
        ({"scope": "world"}, "scope"),
        ({"email": "carla"}, "email"),
        ({"time_zone": "Nowhere/Else"}, "time_zone"),
        ({"is_superuser": True}, "is_superuser"),
    ],
)
def test_an_invalid_user_is_refused_and_not_stored(api, admin, change, field):
    before = User.objects.count()

    response = api(admin).post("/api/v1/users", {**NEW, **change})

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert User.objects.count() == before


def test_non_admins_cannot_touch_users(api, manager, agent_own):
    client = api(manager)

    assert client.get("/api/v1/users").status_code == 403
    assert client.post("/api/v1/users", NEW).status_code == 403
    assert client.patch(f"/api/v1/users/{agent_own.pk}", {"role": "manager"}).status_code == 403
    assert client.patch(f"/api/v1/users/{manager.pk}", {"role": "admin"}).status_code == 403
    manager.refresh_from_db()
    assert manager.role == "manager"


def test_an_admin_changes_role_scope_units_and_access(api, admin, agent_own, unit_filial):
    response = api(admin).patch(
        f"/api/v1/users/{agent_own.pk}",
        {"role": "manager", "scope": "unit", "unit_ids": [unit_filial.pk], "crm_access": False},
    )

    assert response.status_code == 200
    agent_own.refresh_from_db()
    assert (agent_own.role, agent_own.scope, agent_own.crm_access) == ("manager", "unit", False)
    assert agent_own.unit_ids() == [unit_filial.pk]


def test_a_user_round_trip_is_accepted(api, admin, agent_own):
    current = api(admin).get(f"/api/v1/users/{agent_own.pk}").json()

    response = api(admin).patch(f"/api/v1/users/{agent_own.pk}", current)

    assert response.status_code == 200, response.json()
    assert response.json() == current


def test_users_have_no_delete(api, admin, agent_own):
    assert api(admin).delete(f"/api/v1/users/{agent_own.pk}").status_code == 405
    assert User.objects.filter(pk=agent_own.pk).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"role": "manager"}, "role"), ({"is_active": False}, "is_active")],
)
def test_the_last_active_admin_cannot_be_demoted_or_deactivated(api, admin, change, field):
    response = api(admin).patch(f"/api/v1/users/{admin.pk}", change)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN and admin.is_active


def test_an_admin_may_step_down_when_another_admin_remains(api, admin):
    make_user("second_admin", role=Role.ADMIN)

    response = api(admin).patch(f"/api/v1/users/{admin.pk}", {"role": "manager"})

    assert response.status_code == 200


def test_an_inactive_admin_does_not_count_as_the_remaining_one(api, admin):
    make_user("sleeping_admin", role=Role.ADMIN, is_active=False)

    response = api(admin).patch(f"/api/v1/users/{admin.pk}", {"is_active": False})

    assert response.status_code == 422


def test_deactivating_a_user_ends_their_sessions_and_tokens(api, admin, agent_own):
    browser = Client()
    browser.force_login(agent_own)
    assert browser.get("/parties/customers/").status_code == 200
    _token, raw = token_create(user=agent_own, name="script")

    response = api(admin).patch(f"/api/v1/users/{agent_own.pk}", {"is_active": False})

    assert response.status_code == 200
    next_page = browser.get("/parties/customers/")
    assert next_page.status_code == 302
    assert next_page["Location"].startswith("/accounts/login/")
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401
    # Switched back on, the old session and token stay dead.
    api(admin).patch(f"/api/v1/users/{agent_own.pk}", {"is_active": True})
    assert browser.get("/parties/customers/").status_code == 302
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401


def test_an_admin_resets_a_password(api, admin, agent_own):
    browser = Client()
    browser.force_login(agent_own)

    response = api(admin).patch(
        f"/api/v1/users/{agent_own.pk}", {"password": "nova-senha-segura-31"}
    )

    assert response.status_code == 200
    agent_own.refresh_from_db()
    assert agent_own.check_password("nova-senha-segura-31")
    assert browser.get("/parties/customers/").status_code == 302


def test_a_weak_reset_password_is_refused(api, admin, agent_own):
    response = api(admin).patch(f"/api/v1/users/{agent_own.pk}", {"password": "agent_own1"})

    assert response.status_code == 422
    assert "password" in response.json()["errors"]
    agent_own.refresh_from_db()
    assert agent_own.check_password("correct-horse-battery-9")


def test_a_changed_user_id_is_a_422(api, admin, agent_own):
    response = api(admin).patch(f"/api/v1/users/{agent_own.pk}", {"id": admin.pk, "full_name": "X"})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"id"}


def test_a_stale_user_version_is_a_409(api, admin, agent_own):
    api(admin).patch(f"/api/v1/users/{agent_own.pk}", {"full_name": "Primeira"})

    response = api(admin).patch(f"/api/v1/users/{agent_own.pk}", {"full_name": "B", "version": 1})

    assert response.status_code == 409
    agent_own.refresh_from_db()
    assert agent_own.full_name == "Primeira"


def test_the_list_of_users_filters_by_activity(api, admin, agent_own, outsider):
    User.objects.filter(pk=outsider.pk).update(is_active=False)

    body = api(admin).get("/api/v1/users", {"is_active": "true"}).json()

    assert [u["username"] for u in body["items"]] == ["admin", "agent_own"]
    assert body["count"] == 2

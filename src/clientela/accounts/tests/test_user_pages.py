"""The admins' user pages: list, create, edit, deactivate, reset a password."""

import re

import pytest
from django.test import Client

from clientela.accounts.models import Role, User
from clientela.accounts.tokens import token_create
from conftest import PASSWORD

EN = {"accept-language": "en"}


def user_data(user=None, **changes) -> dict:
    data = {
        "username": "daniel",
        "full_name": "Daniel Rocha",
        "email": "daniel@exemplo.com.br",
        "phone": "",
        "role": "agent",
        "scope": "unit",
        "crm_access": "on",
        "is_active": "on",
        "language": "",
        "password": "daniel-senha-longa-8",
    }
    if user is not None:
        data.update(
            username=user.username,
            full_name=user.full_name,
            role=user.role,
            scope=user.scope,
            password="",
            version=user.version,
        )
        data["unit_ids"] = [u.pk for u in user.units.all()]
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_list_shows_every_user(login, admin, agent_own, outsider):
    page = login(admin).get("/accounts/users/").content.decode()

    for name in ("admin", "agent_own", "outsider"):
        assert name in page


def test_an_admin_creates_a_user_with_role_scope_units_and_access(
    login, admin, unit_matriz, unit_filial
):
    response = login(admin).post(
        "/accounts/users/new/", user_data(unit_ids=[unit_matriz.pk, unit_filial.pk])
    )

    assert response.status_code == 302
    daniel = User.objects.get(username="daniel")
    assert (daniel.role, daniel.scope, daniel.crm_access) == ("agent", "unit", True)
    assert sorted(daniel.unit_ids()) == sorted([unit_matriz.pk, unit_filial.pk])
    assert Client().login(username="daniel", password="daniel-senha-longa-8")


def test_a_new_user_needs_a_password(login, admin):
    response = login(admin).post("/accounts/users/new/", user_data(password=""))

    assert "password" in response.context["form"].errors
    assert not User.objects.filter(username="daniel").exists()


def test_a_taken_username_is_shown_inline(login, admin, agent_own):
    response = login(admin).post("/accounts/users/new/", user_data(username="AGENT_OWN"))

    assert list(response.context["form"].errors) == ["username"]


def test_the_last_admin_cannot_be_demoted_on_the_page(login, admin, unit_matriz):
    response = login(admin).post(
        f"/accounts/users/{admin.pk}/", user_data(admin, role="manager"), headers=EN
    )

    assert response.status_code == 200
    assert "The last active administrator cannot be demoted or deactivated." in (
        response.content.decode()
    )
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_the_last_admin_cannot_be_deactivated_on_the_page(login, admin):
    data = user_data(admin)
    del data["is_active"]

    response = login(admin).post(f"/accounts/users/{admin.pk}/", data)

    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.is_active


def test_deactivating_a_user_logs_them_out_and_kills_their_tokens(login, admin, agent_own):
    their_browser = Client()
    their_browser.login(username="agent_own", password=PASSWORD)
    assert their_browser.get("/parties/customers/").status_code == 200
    _token, raw = token_create(user=agent_own, name="script")
    data = user_data(agent_own)
    del data["is_active"]

    response = login(admin).post(f"/accounts/users/{agent_own.pk}/", data)

    assert response.status_code == 302
    next_request = their_browser.get("/parties/customers/")
    assert next_request.status_code == 302
    assert next_request["Location"].startswith("/accounts/login/?next=")
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401
    assert not Client().login(username="agent_own", password=PASSWORD)


def test_an_admin_resets_a_password_and_old_sessions_end(login, admin, agent_own):
    their_browser = Client()
    their_browser.login(username="agent_own", password=PASSWORD)

    login(admin).post(
        f"/accounts/users/{agent_own.pk}/", user_data(agent_own, password="redefinida-pelo-admin")
    )

    assert their_browser.get("/parties/customers/").status_code == 302
    assert Client().login(username="agent_own", password="redefinida-pelo-admin")
    assert not Client().login(username="agent_own", password=PASSWORD)


def test_a_stale_user_form_is_refused(login, admin, agent_own):
    form_as_shown = user_data(agent_own)
    User.objects.filter(pk=agent_own.pk).update(version=2)

    response = login(admin).post(
        f"/accounts/users/{agent_own.pk}/", {**form_as_shown, "full_name": "Tarde Demais"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    agent_own.refresh_from_db()
    assert agent_own.full_name == "Agent Own"


@pytest.mark.parametrize("persona", ["manager", "agent_all", "outsider"])
def test_non_admins_cannot_post_to_the_user_pages(login, personas, persona, agent_own):
    client = login(personas[persona])

    created = client.post("/accounts/users/new/", user_data(role="admin"))
    changed = client.post(f"/accounts/users/{agent_own.pk}/", user_data(agent_own, role="admin"))

    assert created.status_code == changed.status_code == 403
    assert not User.objects.filter(username="daniel").exists()
    agent_own.refresh_from_db()
    assert agent_own.role == "agent"


RULES = (
    "Rules: at least 10 characters; not only digits; not a commonly used password; "
    "not similar to the username or e-mail."
)


def selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_a_new_user_starts_as_an_agent_seeing_their_own_records(login, admin):
    page = login(admin).get("/accounts/users/new/", headers=EN).content.decode()

    assert selected(page, "role") == ["agent"]
    assert selected(page, "scope") == ["own"]


def test_the_password_help_fits_a_new_user_and_an_existing_one(login, admin, agent_own):
    client = login(admin)

    new = client.get("/accounts/users/new/", headers=EN).context["form"]["password"]
    existing = client.get(f"/accounts/users/{agent_own.pk}/", headers=EN).context["form"][
        "password"
    ]

    assert new.field.required
    assert "Leave empty" not in new.help_text
    assert "Tell it to the user" in new.help_text
    assert not existing.field.required
    assert existing.help_text.startswith("Leave empty to keep the current password.")
    assert "ends the user's sessions and API tokens" in existing.help_text


@pytest.mark.parametrize("path", ["/accounts/users/new/", "/accounts/password/"])
def test_the_password_rules_show_before_the_first_try(login, admin, path):
    page = login(admin).get(path, headers=EN).content.decode()

    assert RULES in page


def test_the_rules_in_portuguese(login, admin):
    page = login(admin).get("/accounts/password/", headers={"accept-language": "pt-BR"})

    assert "Regras: pelo menos 10 caracteres" in page.content.decode()

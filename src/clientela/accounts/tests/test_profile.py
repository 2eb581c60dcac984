"""One's own profile and password pages, reachable with or without CRM access."""

import pytest
from django.test import Client

from conftest import PASSWORD

EN = {"accept-language": "en"}
NEW_PASSWORD = "um-cavalo-correto-42"


def profile_data(**changes):
    data = {"full_name": "Nome Novo", "email": "novo@exemplo.com.br", "phone": "11 99999-0000",
            "language": "", "time_zone": "America/Recife"}  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["outsider", "agent_own", "admin"])
def test_everyone_saves_their_own_profile(login, personas, persona):
    user = personas[persona]

    response = login(user).post("/accounts/profile/", profile_data())

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.email, user.time_zone) == (
        "Nome Novo",
        "novo@exemplo.com.br",
        "America/Recife",
    )


def test_a_bad_email_is_shown_inline_and_nothing_changes(login, agent_own):
    response = login(agent_own).post("/accounts/profile/", profile_data(email="nope"), headers=EN)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    agent_own.refresh_from_db()
    assert agent_own.full_name == "Agent Own"


def test_the_profile_form_offers_no_role_scope_or_access(login, agent_own):
    response = login(agent_own).post(
        "/accounts/profile/", profile_data(role="admin", scope="all", crm_access="on")
    )

    assert response.status_code == 302
    agent_own.refresh_from_db()
    assert (agent_own.role, agent_own.scope) == ("agent", "own")


def test_choosing_follow_the_browser_clears_the_language(login, agent_own):
    agent_own.language = "en"
    agent_own.save()

    login(agent_own).post("/accounts/profile/", profile_data(language=""))

    agent_own.refresh_from_db()
    assert agent_own.language is None


def test_a_password_change_needs_the_current_password(login, agent_own):
    response = login(agent_own).post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        headers=EN,
    )

    assert list(response.context["form"].errors) == ["old_password"]
    agent_own.refresh_from_db()
    assert agent_own.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "again", "field"),
    [
        ("short1", "short1", "new_password"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "new_password_again"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused(login, agent_own, new, again, field):
    response = login(agent_own).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": new, "new_password_again": again},
    )

    assert field in response.context["form"].errors
    agent_own.refresh_from_db()
    assert agent_own.check_password(PASSWORD)


def test_changing_the_password_keeps_this_session_and_ends_the_others(login, outsider):
    other_browser = Client()
    other_browser.login(username="outsider", password=PASSWORD)
    client = login(outsider)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )

    assert response["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200
    assert other_browser.get("/accounts/profile/").status_code == 302
    outsider.refresh_from_db()
    assert outsider.check_password(NEW_PASSWORD)

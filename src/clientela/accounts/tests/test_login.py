"""The login page and logout (throttling: test_login_throttle.py)."""

import pytest
from django.test import Client

from clientela.accounts.models import LoginFailure
from conftest import PASSWORD

EN = {"accept-language": "en"}


def attempt(client, username, password, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}, headers=EN
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_login_page_is_public(db):
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_the_right_password_logs_in_and_follows_next(client, agent_own):
    response = attempt(client, "agent_own", PASSWORD, next="/parties/suppliers/")

    assert response.status_code == 302
    assert response["Location"] == "/parties/suppliers/"
    assert is_logged_in(client)


def test_next_pointing_elsewhere_is_ignored(client, agent_own):
    response = attempt(client, "agent_own", PASSWORD, next="https://evil.example/steal")

    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, agent_own):
    wrong_password = attempt(client, "agent_own", "not-the-password")
    unknown_user = attempt(client, "nobody_here", "not-the-password")

    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert "Wrong username or password." in response.content.decode()
    assert not is_logged_in(client)


def test_an_inactive_user_cannot_log_in(client, agent_own):
    agent_own.is_active = False
    agent_own.save()

    assert attempt(client, "agent_own", PASSWORD).status_code == 200
    assert not is_logged_in(client)


def test_a_logged_in_user_is_sent_on_from_the_login_page(login, agent_own):
    assert login(agent_own).get("/accounts/login/?next=/parties/")["Location"] == "/parties/"


def test_logout_is_a_post_that_ends_the_session(login, agent_own):
    client = login(agent_own)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert not is_logged_in(client)
    assert client.get("/parties/customers/").status_code == 302


@pytest.mark.parametrize("username", ["", "agent_own"])
def test_an_empty_field_is_refused_without_counting_a_failure(client, agent_own, username):
    response = client.post("/accounts/login/", {"username": username, "password": ""})

    assert response.status_code == 200
    assert not LoginFailure.objects.exists()


def test_the_login_page_links_to_the_password_reset(db):
    page = Client().get("/accounts/login/", headers=EN).content.decode()

    assert 'href="/accounts/password/forgot/"' in page
    assert "Forgot your password?" in page

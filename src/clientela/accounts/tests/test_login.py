"""The login page, logout, and login throttling kept in the database."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from clientela.accounts.models import LoginFailure
from conftest import PASSWORD

EN = {"accept-language": "en"}
START = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)


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


def test_after_the_free_failures_even_the_right_password_must_wait(client, agent_own):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            attempt(client, "agent_own", "wrong-guess")

        blocked = attempt(client, "agent_own", PASSWORD)

        assert blocked.status_code == 200
        message = re.search(r"Too many failed attempts\. Wait (\d+) seconds? and try again\.",
                            blocked.content.decode())  # fmt: skip
        assert message and 1 <= int(message[1]) <= 2
        assert not is_logged_in(client)

        traveller.shift(2)
        allowed = attempt(client, "agent_own", PASSWORD)

        assert allowed.status_code == 302
        assert is_logged_in(client)


def test_the_failures_are_counted_in_the_database(client, agent_own):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            attempt(client, "Agent_Own", "wrong-guess")

    row = LoginFailure.objects.get(key="user:agent_own")
    assert row.failures == 3
    assert row.blocked_until is None
    assert LoginFailure.objects.get(key="addr:127.0.0.1").failures == 3


def test_the_delay_grows_with_each_further_failure(client, agent_own):
    delays = []
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            attempt(client, "agent_own", "wrong-guess")
        for _ in range(5):
            failed_at = datetime.datetime.now(tz=datetime.UTC)
            attempt(client, "agent_own", "wrong-guess")
            row = LoginFailure.objects.get(key="user:agent_own")
            delays.append((row.blocked_until - failed_at).total_seconds())
            # Wait out the delay, so the next attempt is checked (and fails) again.
            traveller.move_to(row.blocked_until)

    assert delays == [1, 2, 4, 8, 16]


def test_success_resets_the_username_counter(client, agent_own):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            attempt(client, "agent_own", "wrong-guess")
        assert attempt(client, "agent_own", PASSWORD).status_code == 302
        client.logout()

        assert not LoginFailure.objects.filter(key="user:agent_own").exists()
        for _ in range(4):
            attempt(client, "agent_own", "wrong-guess")
        # Four fresh failures are still free: the earlier four were forgiven.
        assert attempt(client, "agent_own", PASSWORD).status_code == 302


def test_the_throttle_holds_across_clients(agent_own):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            attempt(Client(), "agent_own", "wrong-guess")

        elsewhere = Client()
        response = attempt(elsewhere, "agent_own", PASSWORD)

    assert "Too many failed attempts." in response.content.decode()
    assert not is_logged_in(elsewhere)


def test_one_address_guessing_many_usernames_is_slowed_down(client, agent_own):
    with time_machine.travel(START, tick=False):
        for i in range(30):
            attempt(client, f"guess{i}", "wrong-guess")

        response = attempt(client, "agent_own", PASSWORD)

    assert "Too many failed attempts." in response.content.decode()
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

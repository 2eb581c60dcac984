"""Login throttling kept in the database: growing delays per username and address, a
higher limit per username from anywhere, and a way in for a locked-out user."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from clientela.accounts import services
from clientela.accounts.models import LoginFailure
from conftest import PASSWORD

EN = {"accept-language": "en"}
START = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.7"
WAIT = re.compile(r"Too many failed attempts\. Wait (\d+) (seconds?|minutes?) and try again\.")


def attempt(username, password, *, address=OFFICE, client=None):
    client = client or Client()
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        headers=EN,
        REMOTE_ADDR=address,
    )
    response.client_used = client
    return response


def logged_in(response) -> bool:
    # Call it under the frozen clock: the session expires by the clock.
    return response.status_code == 302 and "_auth_user_id" in response.client_used.session


def waits(response) -> bool:
    return response.status_code == 200 and bool(WAIT.search(response.content.decode()))


def pair_row(username="agent_own", address=OFFICE):
    return LoginFailure.objects.get(key=f"pair:{username}|{address}")


def test_after_the_free_failures_even_the_right_password_must_wait(agent_own):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            attempt("agent_own", "wrong-guess")

        blocked = attempt("agent_own", PASSWORD)

        assert waits(blocked)
        assert 1 <= int(WAIT.search(blocked.content.decode())[1]) <= 2
        assert not logged_in(blocked)

        traveller.shift(2)
        assert logged_in(attempt("agent_own", PASSWORD))


def test_the_failures_are_counted_in_the_database_under_three_keys(agent_own):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            attempt("Agent_Own", "wrong-guess")

    assert pair_row().failures == 3
    assert pair_row().blocked_until is None
    assert LoginFailure.objects.get(key="user:agent_own").failures == 3
    assert LoginFailure.objects.get(key=f"addr:{OFFICE}").failures == 3


def test_the_delay_grows_with_each_further_failure_up_to_15_minutes(agent_own):
    delays = []
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            attempt("agent_own", "wrong-guess")
        for _ in range(12):
            failed_at = datetime.datetime.now(tz=datetime.UTC)
            attempt("agent_own", "wrong-guess")
            row = pair_row()
            delays.append((row.blocked_until - failed_at).total_seconds())
            # Wait out the delay, so the next attempt is checked (and fails) again.
            traveller.move_to(row.blocked_until)

        assert delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
        attempt("agent_own", "wrong-guess")
        assert "Wait 15 minutes and try again." in attempt("agent_own", PASSWORD).content.decode()


def test_an_attacker_cannot_lock_the_user_out_from_another_address(agent_own):
    with time_machine.travel(START, tick=False):
        for _ in range(8):
            attempt("agent_own", "wrong-guess", address=ATTACKER)
        assert waits(attempt("agent_own", PASSWORD, address=ATTACKER))

        assert logged_in(attempt("agent_own", PASSWORD, address=OFFICE))


def test_one_wrong_password_every_15_minutes_for_a_day_does_not_lock_the_user_out(agent_own):
    with time_machine.travel(START, tick=False) as traveller:
        for i in range(24 * 4):
            if i:
                traveller.shift(datetime.timedelta(minutes=15))
            attempt("agent_own", "wrong-guess", address=ATTACKER)
        # The real user comes in between two of the attacker's tries.
        traveller.shift(datetime.timedelta(minutes=5))

        assert logged_in(attempt("agent_own", PASSWORD, address=OFFICE))


def test_an_attack_from_many_addresses_slows_the_username_down_everywhere(agent_own):
    with time_machine.travel(START, tick=False) as traveller:
        for i in range(50):
            attempt("agent_own", "wrong-guess", address=f"198.18.0.{i + 1}")

        response = attempt("agent_own", PASSWORD, address=OFFICE)

        assert waits(response)
        assert not logged_in(response)
        # The locked-out user is offered the way in.
        assert 'href="/accounts/password/forgot/"' in response.content.decode()
        assert "Choose a new one by e-mail" in response.content.decode()
        traveller.shift(1)
        assert logged_in(attempt("agent_own", PASSWORD, address=OFFICE))


def test_the_count_from_anywhere_starts_afresh_every_hour(agent_own):
    with time_machine.travel(START, tick=False) as traveller:
        for i in range(45):
            attempt("agent_own", "wrong-guess", address=f"198.18.0.{i + 1}")
        traveller.shift(datetime.timedelta(minutes=61))
        for i in range(45):
            attempt("agent_own", "wrong-guess", address=f"198.18.1.{i + 1}")

        assert logged_in(attempt("agent_own", PASSWORD, address=OFFICE))


def test_a_success_forgets_the_failures_of_the_username_there_and_of_the_address(agent_own):
    with time_machine.travel(START, tick=False):
        for round_ in range(2):
            for _ in range(4):
                attempt("agent_own", "wrong-guess")
            for i in range(25):
                attempt(f"guess{round_}_{i}", "wrong-guess")

            # 29 failures from the office each round: the 30th would start the delays.
            assert logged_in(attempt("agent_own", PASSWORD))
            assert not LoginFailure.objects.filter(key=f"pair:agent_own|{OFFICE}").exists()
            assert not LoginFailure.objects.filter(key=f"addr:{OFFICE}").exists()

    # The count from anywhere ends with its hour, not with one success.
    assert LoginFailure.objects.get(key="user:agent_own").failures == 8


def test_the_throttle_holds_across_clients(agent_own):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            attempt("agent_own", "wrong-guess", client=Client())

        response = attempt("agent_own", PASSWORD, client=Client())

    assert waits(response)
    assert not logged_in(response)


def test_one_address_guessing_many_usernames_is_slowed_down(agent_own):
    with time_machine.travel(START, tick=False):
        for i in range(30):
            attempt(f"guess{i}", "wrong-guess")

        response = attempt("agent_own", PASSWORD)

    assert waits(response)
    assert logged_in(attempt("agent_own", PASSWORD, address=ATTACKER))


def test_ipv6_addresses_count_by_their_64_bit_network(agent_own):
    with time_machine.travel(START, tick=False):
        for i in range(5):
            attempt("agent_own", "wrong-guess", address=f"2001:db8:1:2::{i + 1:x}")

        assert waits(attempt("agent_own", PASSWORD, address="2001:db8:1:2:ffff::9"))
        assert logged_in(attempt("agent_own", PASSWORD, address="2001:db8:1:3::1"))


@pytest.mark.parametrize("where", ["the same address", "many addresses"])
def test_a_password_reset_by_email_lets_a_locked_out_user_in_at_once(agent_own, where):
    with time_machine.travel(START, tick=False):
        if where == "the same address":
            addresses = [OFFICE] * 12
        else:
            addresses = [f"198.18.0.{i + 1}" for i in range(60)]
        for address in addresses:
            attempt("agent_own", "wrong-guess", address=address)
        assert waits(attempt("agent_own", PASSWORD, address=OFFICE))

        services.password_reset_complete(
            user=agent_own, new_password="nova-senha-comprida-7", address=OFFICE
        )

        assert logged_in(attempt("agent_own", "nova-senha-comprida-7", address=OFFICE))


@pytest.mark.parametrize("username", ["", "agent_own"])
def test_an_empty_field_is_refused_without_counting_a_failure(client, agent_own, username):
    response = client.post("/accounts/login/", {"username": username, "password": ""})

    assert response.status_code == 200
    assert not LoginFailure.objects.exists()


def test_a_refusal_limit_counts_afresh_once_its_block_has_run_out(db):
    import datetime

    import time_machine

    from clientela.accounts.throttle import Limit, count_refusal, refusals_exhausted

    limit = Limit(refusals=3, window=datetime.timedelta(hours=1))
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            count_refusal("probe:1", limit)
        assert refusals_exhausted("probe:1", limit)
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert not refusals_exhausted("probe:1", limit)
        count_refusal("probe:1", limit)
        # One refusal after the block is the first of a new window, not the fourth.
        assert not refusals_exhausted("probe:1", limit)

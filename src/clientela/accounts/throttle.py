"""Throttling stored in the database, so it holds across processes: logins, and any
other refusal that could be repeated to learn something (see `count_refusal`).

Login failures are counted under three keys, each with growing delays (never a
permanent lock):

- a username from one address (`PAIR`): the tight limit. Someone guessing from
  their own address is slowed down for that username only, so they cannot lock
  the real user, who logs in from elsewhere, out;
- one address, whatever the usernames (`ADDRESS`): one address trying many names;
- a username from anywhere (`USER`): a much higher limit per hour, so that an attack
  from many addresses is slowed down too, while one address stays far below it.

A successful login forgets the failures of its username from its address and those
of the address. A password reset by e-mail forgets every failure of the username
(`forget_login_failures`): it is the way in for a user who is locked out.
"""

import datetime
import ipaddress
import math
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from .models import LoginFailure


@dataclass(frozen=True)
class Backoff:
    """`free` failures, then each further one doubles the wait (1 s, 2 s, 4 s…) up to
    `max_delay` seconds. Failures are forgotten after a quiet day or, with a `window`,
    counted afresh in each window that starts with a failure."""

    free: int
    max_delay: int
    window: datetime.timedelta | None = None


PAIR = Backoff(free=5, max_delay=15 * 60)
ADDRESS = Backoff(free=30, max_delay=15 * 60)
# One address gets at most about 18 failures checked in its first hour against a username
# (5 free, then the doubling delays of PAIR) and 4 an hour after that: well below this.
USER = Backoff(free=50, max_delay=5 * 60, window=datetime.timedelta(hours=1))
QUIET_PERIOD = datetime.timedelta(days=1)


class LoginThrottled(Exception):
    """Too many failures: the password is not even checked for `wait` seconds."""

    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


class WrongCredentials(Exception):
    """The username and password do not match an active user."""


def _username_part(username: str) -> str:
    return (username or "").strip().lower()[:140]


def address_part(address: str) -> str:
    """The address as counted: IPv6 addresses by their /64 network, which one
    subscriber usually holds whole (else one attacker would have countless addresses)."""
    address = (address or "").strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:54]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _pair_prefix(username: str) -> str:
    return f"pair:{_username_part(username)}|"


def _login_keys(username: str, address: str) -> list[tuple[str, Backoff]]:
    # Without an address (not seen under a WSGI server) the tight limits still apply.
    where = address_part(address) or "unknown"
    return [
        ("user:" + _username_part(username), USER),
        (_pair_prefix(username) + where, PAIR),
        ("addr:" + where, ADDRESS),
    ]


def login_wait_seconds(username: str, address: str) -> int:
    """Seconds to wait before the next login attempt may be checked (0 = go ahead)."""
    now = timezone.now()
    wait = 0
    keys = [key for key, _backoff in _login_keys(username, address)]
    for row in LoginFailure.objects.filter(key__in=keys, blocked_until__gt=now):
        wait = max(wait, math.ceil((row.blocked_until - now).total_seconds()))
    return wait


def _count_failure(key: str, backoff: Backoff, now: datetime.datetime) -> None:
    with transaction.atomic():
        row, created = LoginFailure.objects.select_for_update().get_or_create(
            key=key, defaults={"failures": 0, "last_failure_at": now, "window_started_at": now}
        )
        if not created:
            if backoff.window is not None:
                started = row.window_started_at
                if started is None or now - started >= backoff.window:
                    row.failures = 0
                    row.window_started_at = now
            elif now - row.last_failure_at > QUIET_PERIOD:
                row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        over = row.failures - backoff.free
        row.blocked_until = (
            now + datetime.timedelta(seconds=min(2**over, backoff.max_delay)) if over >= 0 else None
        )
        row.save()


def login_failed(username: str, address: str) -> None:
    """Count a failure under each key; past the free ones, each one doubles the delay."""
    now = timezone.now()
    for key, backoff in _login_keys(username, address):
        _count_failure(key, backoff, now)


def login_succeeded(username: str, address: str) -> None:
    """Forget the failures of this username from this address, and those of the address.

    The username's own count (from anywhere) stays: it ends with its window, so a
    success in the middle of an attack from many addresses does not restart it."""
    keys = [key for key, backoff in _login_keys(username, address) if backoff is not USER]
    LoginFailure.objects.filter(key__in=keys).delete()


def forget_login_failures(username: str, address: str = "") -> None:
    """After a password reset: every failure of the username, from anywhere (and the address's)."""
    keys = [key for key, _backoff in _login_keys(username, address) if not key.startswith("pair:")]
    LoginFailure.objects.filter(key__in=keys).delete()
    LoginFailure.objects.filter(key__startswith=_pair_prefix(username)).delete()


def authenticate_throttled(request, *, username: str, password: str, address: str):
    """The active user with these credentials, counted by the throttle.

    Raises LoginThrottled (the password was not checked) or WrongCredentials.
    """
    wait = login_wait_seconds(username, address)
    if wait:
        raise LoginThrottled(wait)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failed(username, address)
        raise WrongCredentials
    login_succeeded(username, address)
    return user


def prune_login_failures() -> int:
    """Housekeeping: forget failures older than a day."""
    cutoff = timezone.now() - QUIET_PERIOD
    deleted, _details = LoginFailure.objects.filter(last_failure_at__lt=cutoff).delete()
    return deleted


# --- other repeated refusals -------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """At most `refusals` within `window`; then the caller is refused until the window ends."""

    refusals: int
    window: datetime.timedelta


def count_refusal(key: str, limit: Limit) -> None:
    """Count one refusal against `key` (e.g. "taxid:<user id>")."""
    now = timezone.now()
    with transaction.atomic():
        row, created = LoginFailure.objects.select_for_update().get_or_create(
            key=key[:200], defaults={"failures": 0, "last_failure_at": now}
        )
        block_over = row.blocked_until is not None and row.blocked_until <= now
        quiet = row.blocked_until is None and now - row.last_failure_at > limit.window
        if not created and (block_over or quiet):
            # A new window: after a quiet one, or once the block has run out.
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        row.blocked_until = now + limit.window if row.failures >= limit.refusals else None
        row.save()


def refusals_exhausted(key: str, limit: Limit) -> bool:
    """True while `key` has used up its refusals."""
    return LoginFailure.objects.filter(key=key[:200], blocked_until__gt=timezone.now()).exists()

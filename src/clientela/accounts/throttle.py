"""Throttling stored in the database, so it holds across processes: logins, and any
other refusal that could be repeated to learn something (see `count_refusal`)."""

import datetime
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import LoginFailure

FREE_FAILURES = {"user": 5, "addr": 30}
MAX_DELAY_SECONDS = 15 * 60


def _throttle_keys(username: str, address: str) -> list[tuple[str, str]]:
    keys = [("user", "user:" + (username or "").strip().lower()[:150])]
    if address:
        keys.append(("addr", "addr:" + address[:100]))
    return keys


def login_wait_seconds(username: str, address: str) -> int:
    """Seconds to wait before the next login attempt may be checked (0 = go ahead)."""
    now = timezone.now()
    wait = 0
    keys = [key for _kind, key in _throttle_keys(username, address)]
    for row in LoginFailure.objects.filter(key__in=keys, blocked_until__gt=now):
        wait = max(wait, math.ceil((row.blocked_until - now).total_seconds()))
    return wait


def login_failed(username: str, address: str) -> None:
    """Count a failure; past the free ones, each further failure doubles the delay."""
    now = timezone.now()
    for kind, key in _throttle_keys(username, address):
        with transaction.atomic():
            row, created = LoginFailure.objects.select_for_update().get_or_create(
                key=key, defaults={"failures": 0, "last_failure_at": now}
            )
            # A quiet day forgives old failures.
            if not created and now - row.last_failure_at > datetime.timedelta(days=1):
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            over = row.failures - FREE_FAILURES[kind]
            row.blocked_until = (
                (now + datetime.timedelta(seconds=min(2**over, MAX_DELAY_SECONDS)))
                if over >= 0
                else None
            )
            row.save()


def login_succeeded(username: str) -> None:
    LoginFailure.objects.filter(key=_throttle_keys(username, "")[0][1]).delete()


def prune_login_failures() -> int:
    """Housekeeping: forget failures older than a day."""
    cutoff = timezone.now() - datetime.timedelta(days=1)
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
        if not created and row.blocked_until is None and now - row.last_failure_at > limit.window:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        row.blocked_until = now + limit.window if row.failures >= limit.refusals else None
        row.save()


def refusals_exhausted(key: str, limit: Limit) -> bool:
    """True while `key` has used up its refusals."""
    return LoginFailure.objects.filter(key=key[:200], blocked_until__gt=timezone.now()).exists()

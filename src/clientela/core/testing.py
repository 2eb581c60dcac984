"""Helpers for the permission walk (tests/test_permission_walk.py) and each app's table.

Each app describes its own URLs in `clientela/<app>/tests/permissions.py`:

    EXPECTED = {"parties:detail": row(LOGIN, 403, 200, ...)}   # a record the persona sees
    OUT_OF_SCOPE = {"parties:detail": row(LOGIN, 403, 404, ...)}  # one it may not see
    REQUESTS = {"parties:detail": Req("GET", "party")}
    RECORDS = {"party": lambda world, persona, in_scope: pk}  # the record kinds it adds

The walk fails for any URL name no table describes.
"""

from dataclasses import dataclass, field

PERSONAS = ("anonymous", "outsider", "agent_own", "agent_unit_b", "agent_all", "manager", "admin")
# "302 to /accounts/login/?next=<the path asked for>"
LOGIN = "LOGIN"
MISSING_PK = 987_654


def row(*statuses) -> dict:
    """Statuses in PERSONAS order."""
    return dict(zip(PERSONAS, statuses, strict=True))


@dataclass(frozen=True)
class Req:
    """How to ask a URL: method, the kind of record its kwarg names, and a body."""

    method: str = "GET"
    record: str | None = None
    kwarg: str = "pk"
    body: dict = field(default_factory=dict)

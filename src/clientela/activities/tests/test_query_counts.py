"""The relationship log's pages and lists take the same number of queries at N and 10·N rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clientela.activities.models import Activity, ActivityType


def _fill(party, user, n: int) -> None:
    now = timezone.now()
    kind = ActivityType.objects.get(slug="call")
    Activity.objects.bulk_create(
        Activity(
            party=party,
            type=kind,
            contacted_at=now - datetime.timedelta(hours=i),
            due_at=now + datetime.timedelta(hours=i - n // 2),
            due_date=(now + datetime.timedelta(hours=i - n // 2)).date(),
            assignee=user,
            unit=party.unit,
            status="open" if i % 3 else "done",
        )
        for i in range(n)
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


PAGES = [
    ("activities:agenda", {}),
    ("activities:list", {}),
    ("activities:party", {"pk": "party"}),
    ("api:list_activities", {}),
    ("api:party_timeline", {"party_id": "party"}),
    ("parties:timeline", {"pk": "party"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_the_same_queries_at_n_and_ten_n_rows(login, manager, party_matriz, name, kwargs):
    client = login(manager)
    kwargs = {k: party_matriz.pk for k in kwargs}
    url = reverse(name, kwargs=kwargs)
    _fill(party_matriz, manager, 60)  # more than a page holds
    client.get(url)  # the first request of a session does some work once
    small = _queries(client, url)
    _fill(party_matriz, manager, 540)
    assert _queries(client, url) == small
    assert small <= 25


def _parties(owner, unit, n: int):
    from clientela.parties.models import Party

    rows = [Party(owner=owner, unit=unit, name=f"Cliente {i}") for i in range(n)]
    for row in rows:
        row.refresh_search_columns()
    return Party.objects.bulk_create(rows)


@pytest.mark.parametrize("action", ["reschedule", "reassign", "complete", "trash"])
def test_a_bulk_action_takes_a_few_queries_per_batch_not_per_row(
    manager, agent_all, unit_matriz, action
):
    from clientela.activities import services

    params = {"reschedule": {"shift_days": 1}, "reassign": {"assignee_id": agent_all.pk}}
    counts = []
    for n in (30, 300):
        parties = _parties(manager, unit_matriz, n)  # one party each: many (party, user) pairs
        now = timezone.now()
        kind = ActivityType.objects.get(slug="call")
        Activity.objects.bulk_create(
            Activity(
                party=party,
                type=kind,
                contacted_at=now,
                due_at=now + datetime.timedelta(days=1),
                due_date=(now + datetime.timedelta(days=1)).date(),
                assignee=manager,
                unit=unit_matriz,
            )
            for party in parties
        )
        ids = list(
            Activity.objects.filter(party__in=parties, status="open").values_list("pk", flat=True)
        )
        with CaptureQueriesContext(connection) as captured:
            changed = services.activity_bulk(
                actor=manager,
                activities=Activity.objects.restrict(manager).filter(pk__in=ids),
                action=action,
                params=params.get(action, {}),
            )
        assert changed == len(ids) == n
        counts.append(len(captured))
    # Batched writes (SQLite allows 999 parameters a statement): the count grows by a query
    # per batch of rows, never by one per row.
    assert counts[1] - counts[0] <= 8, counts
    assert counts[1] <= 20, counts

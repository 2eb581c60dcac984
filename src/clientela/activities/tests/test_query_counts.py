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

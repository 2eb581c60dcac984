"""Each page and endpoint runs the same few queries however many rows stand behind it.

The counts are exact, so an added query shows here; each is measured with N and 10·N
related rows (contact people, changes): more than a page (50) holds.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.parties import services
from clientela.parties.models import Party

from .factories import PartyFactory


@pytest.fixture
def company(manager, agent_own, unit_matriz):
    def _make(rows: int) -> Party:
        company = services.party_create(
            actor=manager, data={"kind": "company", "name": "Empresa", "unit_id": unit_matriz.pk}
        )
        # Contact people with several owners, so a lazy lookup per row would show.
        for index in range(rows):
            PartyFactory(owner=manager if index % 2 else agent_own, unit=unit_matriz,
                         employer=company)  # fmt: skip
        for index in range(rows):
            services.party_update(actor=manager, party=company, data={"notes": f"n{index}"})
        company.refresh_from_db()
        return company

    return _make


def queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = run()
    assert response.status_code == 200
    return len(captured)


PAGES = {
    "detail": "/parties/{pk}/",
    "edit": "/parties/{pk}/edit/",
    "history": "/parties/{pk}/history/",
}
ENDPOINTS = {
    "detail": "/api/v1/parties/{pk}",
    "history": "/api/v1/parties/{pk}/history",
    "contacts": "/api/v1/parties/{pk}/contacts",
}
# The exact counts: a change that adds a query must say why here.
PAGE_QUERIES = {"detail": 6, "edit": 7, "history": 8}
API_QUERIES = {"detail": 3, "history": 4, "contacts": 6}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_party_page_runs_a_fixed_number_of_queries(login, manager, company, page):
    client = login(manager)
    counts = []
    for rows in (55, 110):
        party = company(rows)
        counts.append(queries(lambda p=party: client.get(PAGES[page].format(pk=p.pk))))

    assert counts == [PAGE_QUERIES[page]] * 2


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_a_party_endpoint_runs_a_fixed_number_of_queries(api, manager, company, endpoint):
    client = api(manager)
    counts = []
    client.get("/api/v1/me")  # the token's last use is written once a minute: not in the count
    for rows in (55, 110):
        party = company(rows)
        counts.append(queries(lambda p=party: client.get(ENDPOINTS[endpoint].format(pk=p.pk))))

    assert counts == [API_QUERIES[endpoint]] * 2

"""Restore and purge through the API: explicit acts for administrators only."""

import pytest

from clientela.audit.models import ChangeRecord
from clientela.parties.models import Party


@pytest.fixture
def trashed(api, admin, party_own):
    assert api(admin).delete(f"/api/v1/parties/{party_own.pk}").status_code == 204
    return party_own


@pytest.mark.parametrize("persona", ["agent_own", "agent_all", "manager"])
def test_only_admins_restore_or_purge(api, personas, trashed, persona):
    client = api(personas[persona])

    assert client.post(f"/api/v1/parties/{trashed.pk}/restore").status_code == 403
    assert client.post(f"/api/v1/parties/{trashed.pk}/purge").status_code == 403
    assert Party.objects.trashed().filter(pk=trashed.pk).exists()


def test_an_admin_restores_a_party_and_it_is_back_in_lists(api, admin, agent_own, trashed):
    response = api(admin).post(f"/api/v1/parties/{trashed.pk}/restore")

    assert response.status_code == 200
    assert response.json()["id"] == trashed.pk
    listed = api(agent_own).get("/api/v1/parties").json()["items"]
    assert [item["id"] for item in listed] == [trashed.pk]


def test_an_admin_purges_a_trashed_party_for_good(api, admin, trashed):
    response = api(admin).post(f"/api/v1/parties/{trashed.pk}/purge")

    assert response.status_code == 204
    assert not Party.objects.filter(pk=trashed.pk).exists()
    actions = list(
        ChangeRecord.objects.filter(entity="party", object_id=trashed.pk)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["delete", "purge"]


def test_a_party_not_in_the_trash_cannot_be_purged(api, admin, party_matriz):
    response = api(admin).post(f"/api/v1/parties/{party_matriz.pk}/purge")

    assert response.status_code == 404
    assert Party.objects.filter(pk=party_matriz.pk).exists()


def test_purging_a_company_leaves_its_contact_people(api, admin, party_matriz, party_own):
    api(admin).patch(f"/api/v1/parties/{party_own.pk}", {"employer_id": party_matriz.pk})
    api(admin).delete(f"/api/v1/parties/{party_matriz.pk}")

    assert api(admin).post(f"/api/v1/parties/{party_matriz.pk}/purge").status_code == 204

    party_own.refresh_from_db()
    assert party_own.employer_id is None

"""GET -> PATCH round trips change nothing that was not changed, even values the caller
could not have chosen (an owner of another unit, a deactivated unit)."""

from clientela.accounts.services import unit_update
from clientela.parties import services


def test_the_api_round_trip_of_a_record_with_an_owner_and_unit_one_cannot_assign(
    api, admin, manager, agent_unit_b, unit_matriz, unit_filial
):
    party = services.party_create(
        actor=admin,
        data={"name": "Cliente Cruzado", "unit_id": unit_matriz.pk, "owner_id": agent_unit_b.pk},
    )
    client = api(manager)
    current = client.get(f"/api/v1/parties/{party.pk}").json()

    response = client.patch(f"/api/v1/parties/{party.pk}", {**current, "city": "Santos"})

    assert response.status_code == 200, response.json()
    assert response.json()["owner_id"] == agent_unit_b.pk
    # Changing the owner to someone outside the manager's scope is still refused.
    refused = client.patch(f"/api/v1/parties/{party.pk}", {"unit_id": unit_filial.pk})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["unit_id"]


def test_the_api_round_trip_of_a_record_in_a_deactivated_unit(api, admin, party_own, unit_matriz):
    unit_update(actor=admin, unit=unit_matriz, data={"is_active": False})
    client = api(admin)
    current = client.get(f"/api/v1/parties/{party_own.pk}").json()

    response = client.patch(f"/api/v1/parties/{party_own.pk}", {**current, "notes": "Ok"})

    assert response.status_code == 200, response.json()
    assert response.json()["unit_id"] == unit_matriz.pk

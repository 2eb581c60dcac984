"""/api/v1/units: every CRM user reads them; admins create, rename and deactivate."""

from clientela.accounts.models import Unit
from clientela.audit.models import ChangeRecord


def test_every_crm_user_lists_the_units(api, agent_own, unit_matriz, unit_filial):
    body = api(agent_own).get("/api/v1/units").json()

    assert [u["name"] for u in body["items"]] == ["Filial Campinas", "Matriz"]
    assert body["count"] == 2
    assert set(body["items"][0]) >= {"id", "name", "is_active"}


def test_an_admin_creates_a_unit(api, admin):
    response = api(admin).post("/api/v1/units", {"name": "Filial Santos"})

    assert response.status_code == 201
    unit = Unit.objects.get(name="Filial Santos")
    assert response["Location"] == f"/api/v1/units/{unit.pk}"
    assert ChangeRecord.objects.filter(entity="unit", object_id=unit.pk, action="create").exists()


def test_a_unit_name_is_unique_ignoring_case(api, admin, unit_matriz):
    response = api(admin).post("/api/v1/units", {"name": "MATRIZ"})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name"}
    assert Unit.objects.count() == 1


def test_an_admin_renames_and_deactivates_a_unit(api, admin, unit_filial):
    response = api(admin).patch(
        f"/api/v1/units/{unit_filial.pk}", {"name": "Filial Jundiaí", "is_active": False}
    )

    assert response.status_code == 200
    unit_filial.refresh_from_db()
    assert (unit_filial.name, unit_filial.is_active, unit_filial.version) == (
        "Filial Jundiaí",
        False,
        2,
    )


def test_a_stale_unit_version_is_a_409(api, admin, unit_filial):
    api(admin).patch(f"/api/v1/units/{unit_filial.pk}", {"name": "Primeiro"})

    response = api(admin).patch(
        f"/api/v1/units/{unit_filial.pk}", {"name": "Segundo", "version": 1}
    )

    assert response.status_code == 409
    unit_filial.refresh_from_db()
    assert unit_filial.name == "Primeiro"


def test_a_unit_round_trip_is_accepted(api, admin, unit_filial):
    current = api(admin).get(f"/api/v1/units/{unit_filial.pk}").json()

    response = api(admin).patch(f"/api/v1/units/{unit_filial.pk}", current)

    assert response.status_code == 200


def test_units_are_deactivated_not_deleted(api, admin, unit_filial):
    response = api(admin).delete(f"/api/v1/units/{unit_filial.pk}")

    assert response.status_code == 405
    assert Unit.objects.filter(pk=unit_filial.pk).exists()


def test_a_non_admin_cannot_write_units(api, manager, unit_matriz):
    assert api(manager).post("/api/v1/units", {"name": "Minha"}).status_code == 403
    assert api(manager).patch(f"/api/v1/units/{unit_matriz.pk}", {"name": "X"}).status_code == 403
    unit_matriz.refresh_from_db()
    assert unit_matriz.name == "Matriz"

"""The admins' business-unit pages."""

from clientela.accounts.models import Unit


def test_an_admin_creates_a_unit(login, admin):
    response = login(admin).post(
        "/accounts/units/new/", {"name": "Filial Santos", "is_active": "on"}
    )

    assert response["Location"] == "/accounts/units/"
    assert Unit.objects.get(name="Filial Santos").is_active


def test_a_duplicate_unit_name_is_shown_inline(login, admin, unit_matriz):
    response = login(admin).post("/accounts/units/new/", {"name": "matriz", "is_active": "on"})

    assert list(response.context["form"].errors) == ["name"]
    assert Unit.objects.count() == 1


def test_an_admin_deactivates_a_unit_and_it_leaves_the_switcher(
    login, admin, unit_matriz, unit_filial
):
    client = login(admin)

    client.post(
        f"/accounts/units/{unit_filial.pk}/",
        {"name": unit_filial.name, "version": unit_filial.version},
    )

    unit_filial.refresh_from_db()
    assert not unit_filial.is_active
    response = client.post("/accounts/unit/", {"unit": unit_filial.pk})
    assert response.status_code == 302
    assert client.session.get("current_unit_id") != unit_filial.pk


def test_a_manager_cannot_create_units(login, manager):
    response = login(manager).post("/accounts/units/new/", {"name": "Minha", "is_active": "on"})

    assert response.status_code == 403
    assert not Unit.objects.filter(name="Minha").exists()

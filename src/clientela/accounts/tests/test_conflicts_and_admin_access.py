"""Stale saves on the settings pages, administrators' access to the CRM, and pages that
no browser may keep."""

import re

import pytest

from clientela.accounts import services
from clientela.accounts.models import Role, Unit, User
from conftest import make_user

EN = {"accept-language": "en"}


def test_a_stale_unit_save_is_refused_once_then_an_informed_save_goes_through(
    login, admin, manager, unit_filial
):
    client = login(admin)
    shown_version = unit_filial.version
    services.unit_update(actor=manager, unit=unit_filial, data={"name": "Filial Centro"})

    first = client.post(
        f"/accounts/units/{unit_filial.pk}/",
        {"name": "Filial Norte", "is_active": "on", "version": shown_version},
        headers=EN,
    )
    assert first.status_code == 200
    page = first.content.decode()
    assert "Someone else changed this record" in page
    assert "Filial Centro" in page  # the value saved meanwhile
    assert 'value="Filial Norte"' in page  # the input is kept
    unit_filial.refresh_from_db()
    assert unit_filial.name == "Filial Centro"

    second = client.post(f"/accounts/units/{unit_filial.pk}/", first.context["form"].data)

    assert second.status_code == 302
    unit_filial.refresh_from_db()
    assert unit_filial.name == "Filial Norte"


def test_a_stale_user_save_is_refused_once_then_goes_through(login, admin, agent_own):
    client = login(admin)
    page = client.get(f"/accounts/users/{agent_own.pk}/")
    data = {
        **{k: v for k, v in page.context["form"].initial.items() if v not in (None, "")},
        "unit_ids": [u.pk for u in agent_own.units.all()],
        "full_name": "Agente Renomeado",
        "crm_access": "on",
        "is_active": "on",
    }
    services.user_update(actor=admin, user=agent_own, data={"email": "novo@exemplo.com"})

    first = client.post(f"/accounts/users/{agent_own.pk}/", data, headers=EN)
    assert first.status_code == 200
    assert "novo@exemplo.com" in first.content.decode()

    second = client.post(f"/accounts/users/{agent_own.pk}/", first.context["form"].data)

    assert second.status_code == 302
    agent_own.refresh_from_db()
    # Only what the admin changed is written; the other change stays.
    assert (agent_own.full_name, agent_own.email) == ("Agente Renomeado", "novo@exemplo.com")


def test_a_conflict_with_oneself_in_another_tab_says_so(login, admin, unit_filial):
    client = login(admin)
    shown_version = unit_filial.version
    services.unit_update(actor=admin, unit=unit_filial, data={"name": "Filial Centro"})

    response = client.post(
        f"/accounts/units/{unit_filial.pk}/",
        {"name": "Filial Norte", "is_active": "on", "version": shown_version},
        headers=EN,
    )

    page = response.content.decode()
    assert "You changed this record elsewhere (in another tab or window" in page
    assert re.search(r"You saved this record elsewhere .* at \d", page)
    assert "someone else" not in page


def test_a_party_conflict_with_oneself_says_so(login, agent_own, party_own):
    from clientela.parties import services as party_services
    from clientela.parties.tests.test_edit_page import posted

    client = login(agent_own)
    shown = posted(party_own, city="Santos")
    party_services.party_update(actor=agent_own, party=party_own, data={"city": "Campinas"})

    response = client.post(f"/parties/{party_own.pk}/edit/", shown, headers=EN)

    assert (
        "You changed this record elsewhere (in another tab or window" in response.content.decode()
    )


def test_administrators_always_have_access_to_the_crm(api, admin, unit_matriz):
    other = make_user("admin2", role=Role.ADMIN, units=[unit_matriz])
    User.objects.filter(pk=other.pk).update(crm_access=False)  # as an older version stored it
    other.refresh_from_db()

    assert other.can_use_crm
    assert api(other).get("/api/v1/parties").status_code == 200
    saved = services.user_update(actor=admin, user=other, data={"crm_access": False})
    assert saved.crm_access is True
    created = services.user_create(
        actor=admin,
        data={"username": "chefe", "password": "uma-senha-bem-longa-1", "role": "admin"},
    )
    assert created.crm_access is True


def test_an_agent_without_crm_access_has_none_and_an_admin_can_grant_it(login, admin, outsider):
    assert login(outsider).get("/parties/customers/").status_code == 403

    services.user_update(actor=admin, user=outsider, data={"crm_access": True})

    outsider.refresh_from_db()
    assert login(outsider).get("/parties/customers/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/parties/customers/", "/accounts/profile/", "/accounts/login/", "/api/v1/me"]
)
def test_pages_and_answers_are_never_stored_by_browsers(login, api, admin, path):
    response = (
        api(admin).get(path) if path.startswith("/api/") else login(admin).get(path, follow=True)
    )

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_static_files_may_be_cached(client, db):
    response = client.get("/static/web/clientela.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_unit_form_keeps_a_units_name_it_did_not_touch(login, admin, unit_filial):
    Unit.objects.filter(pk=unit_filial.pk).update(name="Filial Renomeada")
    # The page was shown before the rename (its initial had the old name), and the admin
    # only unticked "active": the name is not written back.
    login(admin).post(
        f"/accounts/units/{unit_filial.pk}/",
        {"name": "Filial Renomeada", "version": unit_filial.version},
    )

    unit_filial.refresh_from_db()
    assert (unit_filial.name, unit_filial.is_active) == ("Filial Renomeada", False)


def test_after_a_conflict_the_other_persons_change_is_kept_and_ones_own_goes_through(
    login, manager, admin, party_matriz
):
    from clientela.parties import services as party_services

    client = login(manager)
    shown = client.get(f"/parties/{party_matriz.pk}/edit/").context["form"]
    data = {name: shown[name].value() for name in shown.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    party_services.party_update(actor=admin, party=party_matriz, data={"city": "Santos"})

    first = client.post(
        f"/parties/{party_matriz.pk}/edit/", {**data, "notes": "Ligar de manhã"}, headers=EN
    )

    conflict = first.context["conflict"]
    assert ("City", "Santos") in conflict.differences
    assert conflict.collisions == []
    assert first.context["form"].data["city"] == "Santos"  # untouched: shows the saved value
    assert first.context["form"].data["notes"] == "Ligar de manhã"  # touched: keeps the input

    second = client.post(f"/parties/{party_matriz.pk}/edit/", first.context["form"].data)

    assert second.status_code == 302
    party_matriz.refresh_from_db()
    assert (party_matriz.city, party_matriz.notes) == ("Santos", "Ligar de manhã")

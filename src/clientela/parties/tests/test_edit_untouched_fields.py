"""An edit changes only what the user changed: owners, units and companies the editor could
not choose stay as they are, on the page and through the API (issue: owner and unit changed
silently when they were not among the editor's choices)."""

from clientela.accounts.models import Unit
from clientela.accounts.services import unit_update
from clientela.parties import services
from clientela.parties.tests.test_edit_page import posted

EN = {"accept-language": "en"}


def test_an_untouched_owner_outside_the_editors_choices_stays(
    login, manager, agent_unit_b, unit_matriz, unit_filial
):
    # A party in the manager's unit, owned by someone of another unit (whom the manager
    # cannot pick as owner): the select must still show that owner, and saving keeps them.
    party = services.party_create(
        actor=agent_unit_b, data={"name": "Cliente Cruzado", "unit_id": unit_filial.pk}
    )
    party.unit = unit_matriz
    party.save()
    client = login(manager)

    page = client.get(f"/parties/{party.pk}/edit/", headers=EN).content.decode()
    assert (
        f'<option value="{agent_unit_b.pk}" selected>Agent Unit B (current owner)</option>' in page
    )

    response = client.post(f"/parties/{party.pk}/edit/", posted(party, city="Santos"))

    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.owner_id, party.unit_id, party.city) == (
        agent_unit_b.pk,
        unit_matriz.pk,
        "Santos",
    )


def test_an_untouched_deactivated_unit_stays(login, admin, party_own, unit_matriz):
    unit_update(actor=admin, unit=unit_matriz, data={"is_active": False})
    Unit.objects.create(name="Aaa Primeira")  # would be the first choice of the select
    client = login(admin)

    page = client.get(f"/parties/{party_own.pk}/edit/", headers=EN).content.decode()
    assert f'<option value="{unit_matriz.pk}" selected>Matriz (current unit)</option>' in page

    client.post(f"/parties/{party_own.pk}/edit/", posted(party_own, city="Santos"))

    party_own.refresh_from_db()
    assert (party_own.unit_id, party_own.city) == (unit_matriz.pk, "Santos")


def test_a_company_outside_ones_scope_is_not_named_in_the_edit_form(
    login, admin, agent_own, party_own, party_matriz
):
    services.party_update(actor=admin, party=party_own, data={"employer_id": party_matriz.pk})
    client = login(agent_own)

    page = client.get(f"/parties/{party_own.pk}/edit/").content.decode()
    assert f'value="{party_matriz.pk}"' not in page.split('name="employer_id"')[1][:40]

    party_own.refresh_from_db()
    client.post(f"/parties/{party_own.pk}/edit/", posted(party_own, employer_id="", city="Santos"))

    party_own.refresh_from_db()
    assert (party_own.employer_id, party_own.city) == (party_matriz.pk, "Santos")


def test_an_untouched_foreign_state_stays(login, admin, unit_matriz):
    from clientela.parties.tests.test_edit_page import posted as posted_form

    party = services.party_create(
        actor=admin,
        data={"name": "Foreign NY", "country": "US", "state": "NY", "unit_id": unit_matriz.pk},
    )
    client = login(admin)
    page = client.get(f"/parties/{party.pk}/edit/").content.decode()
    assert '<option value="NY" selected>NY</option>' in page

    response = client.post(f"/parties/{party.pk}/edit/", posted_form(party))

    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.state, party.version) == ("NY", 1)

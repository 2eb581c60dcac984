"""The party page: what it shows, how, and at what cost."""

import pytest

from clientela.parties import services
from clientela.parties.tests.factories import PartyFactory


def test_phones_are_stored_e164_and_shown_national(login, admin, unit_matriz):
    party = services.party_create(
        actor=admin,
        data={"name": "Rita", "phones": ["(11) 98765-4321", "+1 212 555 0100"],
              "unit_id": unit_matriz.pk},
    )  # fmt: skip

    page = login(admin).get(f"/parties/{party.pk}/").content.decode()

    assert party.phones == ["+5511987654321", "+12125550100"]
    assert "(11) 98765-4321" in page
    assert 'href="tel:+5511987654321"' in page
    assert "+1 212-555-0100" in page


def test_it_shows_the_tax_id_owner_and_unit(login, admin, party_own):
    page = login(admin).get(f"/parties/{party_own.pk}/").content.decode()

    assert "529.982.247-25" in page
    assert "Agent Own" in page
    assert "Matriz" in page


def test_an_agent_sees_no_trash_button_a_manager_does(login, agent_all, manager, party_matriz):
    url = f"/parties/{party_matriz.pk}/"

    assert f"/parties/{party_matriz.pk}/delete/" not in login(agent_all).get(url).content.decode()
    assert f"/parties/{party_matriz.pk}/delete/" in login(manager).get(url).content.decode()


def test_a_company_lists_only_the_contact_people_one_may_see(
    login, admin, manager, agent_unit_b, party_matriz, unit_filial, unit_matriz
):
    seen = PartyFactory(
        owner=manager, unit=unit_matriz, name="Contato Visível", employer=party_matriz
    )
    hidden = PartyFactory(
        owner=agent_unit_b, unit=unit_filial, name="Contato Oculto", employer=party_matriz
    )

    admin_page = login(admin).get(f"/parties/{party_matriz.pk}/").content.decode()
    manager_page = login(manager).get(f"/parties/{party_matriz.pk}/").content.decode()

    assert seen.name in admin_page and hidden.name in admin_page
    assert seen.name in manager_page
    assert hidden.name not in manager_page


@pytest.mark.parametrize("contacts", [2, 20])
def test_the_page_runs_the_same_few_queries_whatever_the_contact_count(
    login, manager, unit_matriz, party_matriz, django_assert_max_num_queries, contacts
):
    PartyFactory.create_batch(contacts, owner=manager, unit=unit_matriz, employer=party_matriz)
    client = login(manager)

    # Session, user, units (twice: scope and switcher), the party, its contact people.
    with django_assert_max_num_queries(6):
        response = client.get(f"/parties/{party_matriz.pk}/")

    assert len(response.context["contacts"]) == contacts


@pytest.mark.parametrize("rows", [5, 50])
def test_the_page_cost_does_not_grow_with_the_registry(
    login, manager, unit_matriz, party_matriz, django_assert_max_num_queries, rows
):
    PartyFactory.create_batch(rows, owner=manager, unit=unit_matriz)
    client = login(manager)

    with django_assert_max_num_queries(6):
        assert client.get(f"/parties/{party_matriz.pk}/").status_code == 200


def test_a_company_out_of_scope_is_not_named_on_its_contacts_pages(
    login, admin, agent_own, party_own, party_matriz
):
    services.party_update(actor=admin, party=party_own, data={"employer_id": party_matriz.pk})
    client = login(agent_own)

    leaks = [
        url
        for url in [
            f"/parties/{party_own.pk}/",
            f"/parties/{party_own.pk}/edit/",
            f"/parties/{party_own.pk}/history/",
        ]
        if "Padaria" in client.get(url).content.decode()
    ]

    assert leaks == []

"""The customer and supplier lists: scope, unit filter, search box, escaping, paging, queries."""

import pytest
from django.db import connection

from clientela.parties.models import Party
from clientela.parties.tests.factories import PartyFactory
from clientela.parties.tests.scope import VISIBLE_PARTIES
from conftest import make_party


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {party.pk for party in response.context["page"].items}


@pytest.mark.parametrize(("persona", "visible"), VISIBLE_PARTIES.items())
def test_each_persona_sees_exactly_the_parties_in_scope(login, personas, parties, persona, visible):
    response = login(personas[persona]).get("/parties/customers/?unit=all")

    assert listed(response) == {parties[key].pk for key in visible}
    page = response.content.decode()
    for key, party in parties.items():
        assert (party.name in page) == (key in visible), party.name


def test_the_current_unit_is_the_default_filter_not_a_limit(login, admin, parties, unit_filial):
    client = login(admin)

    assert listed(client.get("/parties/customers/")) == {parties["matriz"].pk, parties["own"].pk}

    client.post("/accounts/unit/", {"unit": unit_filial.pk})

    assert listed(client.get("/parties/customers/")) == {parties["filial"].pk}
    assert len(listed(client.get("/parties/customers/?unit=all"))) == 3


def test_a_unit_filter_for_someone_elses_unit_shows_nothing(
    login, agent_unit_b, parties, unit_matriz
):
    response = login(agent_unit_b).get(f"/parties/customers/?unit={unit_matriz.pk}")

    assert listed(response) == set()


def test_switching_to_a_unit_one_does_not_belong_to_is_refused(login, agent_unit_b, unit_matriz):
    client = login(agent_unit_b)

    response = client.post(
        "/accounts/unit/", {"unit": unit_matriz.pk}, headers={"accept-language": "en"}, follow=True
    )

    assert "Choose one of your business units." in response.content.decode()
    assert client.session.get("current_unit_id") is None


def test_the_search_box_never_reveals_a_party_out_of_scope(login, agent_own, parties):
    client = login(agent_own)

    for q in ["Maria", "Oliveira", "Campinas", "390.533.447-05", "(19) 99123-4567", "Padaria"]:
        response = client.get("/parties/customers/", {"q": q, "unit": "all"})
        assert listed(response) == set(), q
        assert response.context["page"].count == 0
        assert "Maria Oliveira" not in response.content.decode()


def test_the_search_box_finds_with_the_rules_of_the_design(login, agent_own, parties):
    response = login(agent_own).get("/parties/customers/", {"q": "joao sao paulo", "unit": "all"})

    assert listed(response) == {parties["own"].pk}


def test_customers_and_suppliers_are_separate_lists(login, admin, unit_matriz, party_matriz):
    supplier = make_party(
        owner=admin, unit=unit_matriz, name="Atacado Sul", is_customer=False, is_supplier=True
    )
    client = login(admin)

    assert listed(client.get("/parties/customers/")) == {party_matriz.pk}
    assert listed(client.get("/parties/suppliers/")) == {supplier.pk}
    assert listed(client.get("/parties/")) == {party_matriz.pk, supplier.pk}


def test_inactive_parties_show_only_when_asked(login, admin, unit_matriz, party_matriz):
    asleep = make_party(owner=admin, unit=unit_matriz, name="Adormecida", is_active=False)
    client = login(admin)

    assert listed(client.get("/parties/customers/")) == {party_matriz.pk}
    assert listed(client.get("/parties/customers/?status=inactive")) == {asleep.pk}
    assert listed(client.get("/parties/customers/?status=any")) == {party_matriz.pk, asleep.pk}


def test_html_in_a_name_is_shown_as_text(login, admin, unit_matriz):
    party = make_party(
        owner=admin,
        unit=unit_matriz,
        name='<script>alert("x")</script> & <b>Negrito</b>',
        trade_name="<img src=x onerror=alert(1)>",
    )
    client = login(admin)

    for url in [
        "/parties/customers/",
        "/parties/customers/?q=script",
        f"/parties/{party.pk}/",
        f"/parties/{party.pk}/edit/",
        f"/parties/{party.pk}/history/",
    ]:
        page = client.get(url).content.decode()
        assert "&lt;script&gt;" in page, url
        assert '<script>alert("x")' not in page, url
        assert "<b>Negrito</b>" not in page, url
        assert "<img src=x" not in page, url


def test_the_htmx_request_gets_only_the_results(login, admin, party_matriz):
    response = login(admin).get("/parties/customers/?q=padaria", headers={"hx-request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "Padaria Pão de Açúcar" in page


def test_the_list_pages_by_fifty_with_a_working_next_link(login, admin, unit_matriz):
    PartyFactory.create_batch(53, owner=admin, unit=unit_matriz)
    client = login(admin)

    first = client.get("/parties/customers/")
    cursor = first.context["page"].next_cursor
    second = client.get("/parties/customers/", {"cursor": cursor})

    assert len(first.context["page"].items) == 50
    assert first.context["page"].count == 53
    assert f"cursor={cursor}" in first.content.decode()
    assert len(second.context["page"].items) == 3
    assert listed(first).isdisjoint(listed(second))


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%garbage",
        # Well-formed cursors the page never makes: [null, 1] and ["x", 1] for a date sort.
        "W251bGwsMV0",
        "WyJ4IiwxXQ",
    ],
)
def test_a_broken_cursor_falls_back_to_the_first_page(login, admin, party_matriz, cursor):
    response = login(admin).get(f"/parties/customers/?sort=-created_at&cursor={cursor}")

    assert listed(response) == {party_matriz.pk}


def test_a_unit_filter_beyond_any_row_shows_nothing(login, admin, party_matriz):
    response = login(admin).get(f"/parties/customers/?unit={10**30}")

    assert listed(response) == set()


# The trigram table's look at a search's candidates (PartyQuerySet.for_sorted_page).
PROBE = 1 if connection.vendor == "sqlite" else 0


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_the_same_few_queries_whatever_the_row_count(
    login, manager, agent_own, unit_matriz, django_assert_max_num_queries, rows
):
    # Several owners, so a lazy owner lookup per row would show.
    PartyFactory.create_batch(rows // 2, owner=manager, unit=unit_matriz)
    PartyFactory.create_batch(rows - rows // 2, owner=agent_own, unit=unit_matriz)
    client = login(manager)

    # Session, user, their units, the unit switcher, the page and its count.
    with django_assert_max_num_queries(6 + PROBE):
        response = client.get("/parties/customers/?q=cliente")

    assert len(response.context["page"].items) == rows
    assert Party.objects.count() == rows

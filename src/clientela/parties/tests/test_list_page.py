"""The customer and supplier lists: scope, unit filter, search box, escaping, paging, queries."""

import pytest
from django.db import connection
from django.utils.html import escape

from clientela.parties import views
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
    assert first.context["page"].counted is False  # it comes from the count request
    assert client.get(first.context["count_url"]).context["count"] == 53
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


@pytest.mark.parametrize("rows", [60, 600])
@pytest.mark.parametrize(("q", "queries"), [("", 6), ("cliente", 6 + PROBE)])
def test_the_list_runs_the_same_queries_whatever_the_row_count(
    login, manager, agent_own, unit_matriz, django_assert_num_queries, rows, q, queries
):
    # Several owners, so a lazy owner lookup per row would show; more rows than a page.
    PartyFactory.create_batch(rows // 2, owner=manager, unit=unit_matriz)
    PartyFactory.create_batch(rows - rows // 2, owner=agent_own, unit=unit_matriz)
    client = login(manager)

    # Session, user, their units, the unit switcher, the page's ids and its rows. The
    # count is a request of its own.
    with django_assert_num_queries(queries):
        response = client.get("/parties/customers/", {"q": q})

    assert len(response.context["page"].items) == 50
    assert response.context["page"].next_cursor
    # Session, user, their units, the unit switcher, the count.
    with django_assert_num_queries(5):
        count = client.get(response.context["count_url"], headers={"hx-request": "true"})
    assert f"{rows} registros encontrados" in count.content.decode()


def test_the_page_shows_its_rows_and_asks_for_the_count_after(login, admin, unit_matriz):
    PartyFactory.create_batch(53, owner=admin, unit=unit_matriz)
    client = login(admin)

    page = client.get("/parties/customers/", {"q": "cliente"})
    body = page.content.decode()
    count_url = page.context["count_url"]
    count = client.get(count_url, headers={"hx-request": "true"})

    assert f'hx-get="{escape(count_url)}"' in body
    assert "53" not in body.split('id="results-count"')[1].split("</p>")[0]
    assert (
        count.content.decode().strip()
        == '<p class="muted" id="results-count">53 registros encontrados</p>'
    )
    assert "private" in count["Cache-Control"] and "max-age=60" in count["Cache-Control"]
    assert "HX-Request" in count["Vary"]


def test_a_page_that_holds_every_match_needs_no_count_request(login, admin, party_matriz):
    page = login(admin).get("/parties/customers/", {"q": "padaria"})

    assert page.context["page"].count == 1
    assert "hx-get" not in page.content.decode().split('id="results-count"')[1][:20]
    assert "1 registro encontrado" in page.content.decode()


def test_the_count_follows_the_lists_filters_and_scope(
    login, admin, agent_own, parties, unit_filial
):
    make_party(owner=admin, unit=unit_filial, name="Fornecedora", is_customer=False,
               is_supplier=True)  # fmt: skip
    client = login(admin)

    def count(**params):
        return client.get("/parties/count/", params).context["count"]

    assert count(role="customers") == 2  # the current unit, Matriz, as on the page
    assert count(role="customers", unit="all") == 3
    assert count(role="suppliers", unit="all") == 1
    assert count(role="all", unit="all") == 4
    assert count(role="customers", unit="all", q="sao paulo") == 2
    assert count(role="customers", unit="all", status="inactive") == 0
    assert login(agent_own).get("/parties/count/", {"unit": "all"}).context["count"] == 1


def test_the_count_says_when_there_are_more_than_ten_thousand(login, admin, monkeypatch):
    monkeypatch.setattr(views, "capped_count", lambda queryset: None)

    response = login(admin).get("/parties/count/", headers={"hx-request": "true"})

    assert "Mais de 10.000 registros encontrados" in response.content.decode()


def test_the_count_without_javascript_is_a_page_with_a_way_back(login, admin, party_matriz):
    response = login(admin).get("/parties/count/", {"role": "customers", "q": "padaria"})
    page = response.content.decode()

    assert "<html" in page and "1 registro encontrado" in page
    assert 'href="/parties/customers/?q=padaria"' in page


@pytest.mark.parametrize("params", [{"role": "nobody"}, {"role": "../admin"}])
def test_an_unknown_list_has_no_count(login, admin, params):
    assert login(admin).get("/parties/count/", params).status_code == 404


@pytest.mark.parametrize("params", [{"q": "x" * 201}, {"q": "a\x00b"}, {"city": "\x07"}])
def test_a_count_of_a_bad_search_is_empty_not_an_error(login, admin, params):
    response = login(admin).get("/parties/count/", params, headers={"hx-request": "true"})

    assert response.status_code == 200
    assert response.content.decode().strip() == '<p class="muted" id="results-count">&nbsp;</p>'


def test_the_top_bar_search_looks_in_every_unit_the_user_may_see(login, admin, parties):
    client = login(admin)
    page = client.get("/parties/customers/").content.decode()
    top_bar = page.split('class="global-search"')[1].split("</form>")[0]
    assert '<input type="hidden" name="unit" value="all">' in top_bar

    # The current unit is Matriz; the global search still finds Filial's customer.
    response = client.get("/parties/", {"q": "Maria", "unit": "all"})

    assert listed(response) == {parties["filial"].pk}


def test_an_empty_list_in_one_unit_offers_to_search_all_units(login, admin, parties):
    response = login(admin).get(
        "/parties/customers/", {"q": "Maria"}, headers={"accept-language": "en"}
    )

    page = response.content.decode()
    assert listed(response) == set()
    assert "Search all business units" in page
    assert "q=Maria&amp;unit=all" in page


def test_the_supplier_lists_empty_state_registers_a_supplier(login, admin):
    page = (
        login(admin).get("/parties/suppliers/", headers={"accept-language": "en"}).content.decode()
    )

    assert 'href="/parties/new/?role=suppliers">Register a supplier</a>' in page


def test_a_too_long_search_is_said_not_ignored(login, admin, parties):
    response = login(admin).get(
        "/parties/customers/", {"q": "silva " * 13}, headers={"accept-language": "en"}
    )

    assert listed(response) == set()
    assert "Search with at most 12 words." in response.content.decode()


def test_a_suppliers_pages_highlight_suppliers_in_the_navigation(login, admin, unit_matriz):
    from clientela.parties import services

    supplier = services.party_create(
        actor=admin,
        data={"name": "Fornecedor", "is_customer": False, "is_supplier": True,
              "unit_id": unit_matriz.pk},
    )  # fmt: skip
    client = login(admin)

    for path in (f"/parties/{supplier.pk}/", f"/parties/{supplier.pk}/edit/"):
        page = client.get(path).content.decode()
        assert 'href="/parties/suppliers/" aria-current="page"' in page, path

"""Customer registry flows in a real browser: create and find, scope, edit conflicts."""

import re

import pytest
from playwright.sync_api import expect

from clientela.accounts.models import Role, Scope, Unit
from clientela.parties.models import Party
from conftest import make_party, make_user

pytestmark = pytest.mark.browser

NEW_NAME = "João Ninguém da Silva"


# Records the address of every HTMX swap, so a test can wait for the one it caused.
WATCH_SWAPS = """() => {
  if (!window.swapped) {
    window.swapped = [];
    document.body.addEventListener("htmx:afterSettle",
      (event) => window.swapped.push(event.detail.xhr.responseURL));
  }
  window.swapped.length = 0;
}"""
SWAPPED = "q => window.swapped.some(url => new URL(url).searchParams.get('q') === q)"


def search(page, text):
    """Type into the list's search box (no submit) and wait for HTMX to swap the results in."""
    page.evaluate(WATCH_SWAPS)
    box = page.locator("#id_q")
    box.select_text()
    box.press_sequentially(text)
    page.wait_for_function(SWAPPED, arg=text)
    return results_of(page)


def results_of(page):
    """The results region; the innermost one while swaps nest (see the test at the bottom)."""
    return page.locator("#results:not(:has(#results))")


def test_admin_creates_a_customer_and_finds_it_by_live_search(browsing):
    matriz = Unit.objects.create(name="Matriz")
    admin = make_user("admin", role=Role.ADMIN, units=[matriz])
    make_party(
        owner=admin,
        unit=matriz,
        name="Padaria Pão de Açúcar",
        kind="company",
        tax_id="11222333000181",
        phones=["+551133334444"],
    )
    page = browsing.new_page()
    browsing.login(page, "admin")

    page.locator("nav.sidebar").get_by_role("link", name="Customers").click()
    expect(page.locator("h1")).to_have_text("Customers")
    page.get_by_role("link", name="New customer").click()
    page.locator("#id_name").fill(NEW_NAME)
    page.locator("#id_tax_id").fill("529.982.247-25")
    page.locator("#id_phones").fill("(11) 98765-4321")
    page.locator("main form").get_by_role("button", name="Save").click()

    party = Party.objects.get(name=NEW_NAME)
    expect(page).to_have_url(re.compile(rf"/parties/{party.pk}/$"))
    expect(page.locator("h1")).to_have_text(NEW_NAME)
    expect(page.locator("main")).to_contain_text("529.982.247-25")
    expect(page.locator("main")).to_contain_text("(11) 98765-4321")
    assert (party.tax_id, party.phones, party.owner_id) == (
        "52998224725",
        ["+5511987654321"],
        admin.pk,
    )

    page.locator("nav.sidebar").get_by_role("link", name="Customers").click()
    results = page.locator("#results")
    expect(results).to_contain_text("Padaria Pão de Açúcar")

    for text in ("joao", "98765-4321"):
        results = search(page, text)
        expect(results.get_by_role("link", name=NEW_NAME)).to_be_visible()
        expect(results).not_to_contain_text("Padaria Pão de Açúcar")
        # Live search keeps the address in step with the search box.
        expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(text)))

    page.reload()  # the address alone gives the same list, in the whole page
    expect(page.locator("#id_q")).to_have_value("98765-4321")
    results = results_of(page)
    expect(results.get_by_role("link", name=NEW_NAME)).to_be_visible()
    expect(results).not_to_contain_text("Padaria Pão de Açúcar")
    results.get_by_role("link", name=NEW_NAME).click()
    expect(page.locator("h1")).to_have_text(NEW_NAME)


def test_agent_with_scope_own_cannot_see_others_parties(browsing):
    matriz = Unit.objects.create(name="Matriz")
    filial = Unit.objects.create(name="Filial Campinas")
    agent = make_user("agent_own", scope=Scope.OWN, units=[matriz])
    other = make_user("agent_unit_b", scope=Scope.UNIT, units=[filial])
    manager = make_user("manager", role=Role.MANAGER, scope=Scope.UNIT, units=[matriz])
    make_party(owner=agent, unit=matriz, name="João da Silva", phones=["+5511987654321"])
    hidden = make_party(
        owner=other,
        unit=filial,
        name="Maria Oliveira",
        tax_id="39053344705",
        phones=["+5519991234567"],
    )
    same_unit = make_party(owner=manager, unit=matriz, name="Padaria Pão de Açúcar")

    page = browsing.new_page()
    browsing.login(page, agent.username)
    page.goto("/parties/customers/")
    results = results_of(page)
    expect(results.get_by_role("link", name="João da Silva")).to_be_visible()
    # Look everywhere the agent may choose to look, not only the current unit.
    page.locator("#id_unit").select_option("all")
    expect(page).to_have_url(re.compile(r"[?&]unit=all"))  # pushed once the results are in
    expect(results.get_by_role("link", name="João da Silva")).to_be_visible()
    for name in ("Maria Oliveira", "Padaria Pão de Açúcar"):
        expect(results).not_to_contain_text(name)

    for text in ("Maria Oliveira", "39053344705", "99123-4567", "Padaria"):
        results = search(page, text)
        expect(results).to_contain_text("No records found.")
        expect(results.locator("table")).to_have_count(0)

    for party, path in (
        (hidden, f"/parties/{hidden.pk}/"),
        (hidden, f"/parties/{hidden.pk}/edit/"),
        (same_unit, f"/parties/{same_unit.pk}/"),
    ):
        browsing.allow(rf"status of 404 .*{path}\)$")
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.locator("h1")).to_have_text("Not found")
        expect(page.locator("main")).not_to_contain_text(party.name)
        expect(page.locator("nav.sidebar")).to_be_visible()


def test_second_save_of_the_same_party_is_refused_and_keeps_the_input(browsing):
    matriz = Unit.objects.create(name="Matriz")
    manager = make_user("manager", role=Role.MANAGER, scope=Scope.UNIT, units=[matriz])
    admin = make_user("admin", role=Role.ADMIN, units=[matriz])
    party = make_party(
        owner=manager,
        unit=matriz,
        name="Padaria Pão de Açúcar",
        kind="company",
        city="São Paulo",
        state="SP",
    )

    first = browsing.page_as(manager)
    second = browsing.page_as(admin)
    for page in (first, second):
        page.goto(f"/parties/{party.pk}/edit/")
        expect(page.locator("#id_city")).to_have_value("São Paulo")

    first.locator("#id_city").fill("Santos")
    first.locator("main form").get_by_role("button", name="Save").click()
    expect(first).to_have_url(re.compile(rf"/parties/{party.pk}/$"))
    expect(first.locator("main")).to_contain_text("Santos")

    note = "Entregar só pela manhã."
    second.locator("#id_notes").fill(note)
    second.locator("#id_trade_name").fill("Padaria da Esquina")
    second.locator("main form").get_by_role("button", name="Save").click()
    expect(second).to_have_url(re.compile(rf"/parties/{party.pk}/edit/$"))
    summary = second.get_by_role("alert").filter(has_text="Someone else changed this record")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    conflict = second.locator(".conflict")
    expect(conflict).to_contain_text("Your changes were not saved.")
    expect(conflict).to_contain_text("changed by someone else")
    expect(conflict).to_contain_text("Santos")  # the value saved meanwhile is shown
    expect(second.locator("#id_notes")).to_have_value(note)
    expect(second.locator("#id_trade_name")).to_have_value("Padaria da Esquina")
    party.refresh_from_db()
    assert (party.city, party.notes, party.trade_name) == ("Santos", "", "")

    # Having seen the other change, a second save goes through with their input.
    second.locator("#id_city").fill("Santos")
    second.locator("main form").get_by_role("button", name="Save").click()
    expect(second).to_have_url(re.compile(rf"/parties/{party.pk}/$"))
    party.refresh_from_db()
    assert (party.city, party.notes, party.trade_name) == ("Santos", note, "Padaria da Esquina")


def test_live_search_swaps_one_results_region_and_back_shows_the_full_page(browsing):
    matriz = Unit.objects.create(name="Matriz")
    admin = make_user("admin", role=Role.ADMIN, units=[matriz])
    make_party(owner=admin, unit=matriz, name="João da Silva", phones=["+5511987654321"])
    make_party(owner=admin, unit=matriz, name="Padaria Pão de Açúcar", kind="company")
    page = browsing.page_as(admin)
    page.goto("/parties/customers/")
    problems = []

    for text in ("joao", "padaria"):
        search(page, text)
        regions = page.locator("#results").count()
        if regions != 1:
            problems.append(
                f"after searching {text!r} the page has {regions} #results regions "
                "(the swapped-in fragment nests inside the old one)"
            )

    # Open a result, then come back with the browser's Back button.
    results_of(page).get_by_role("link", name="Padaria Pão de Açúcar").click()
    expect(page.locator("h1")).to_have_text("Padaria Pão de Açúcar")
    page.go_back()
    page.wait_for_load_state()
    if page.locator("nav.sidebar").count() == 0 or page.locator("#id_q").count() == 0:
        problems.append(
            "Back after a live search shows the bare results fragment, without the "
            "page around it: " + page.locator("body").inner_text()[:80].replace("\n", " ")
        )
    else:
        expect(page.locator("#id_q")).to_have_value("padaria")
        expect(results_of(page).get_by_role("link", name="Padaria Pão de Açúcar")).to_be_visible()
        expect(results_of(page)).not_to_contain_text("João da Silva")
    assert not problems, "\n".join(problems)


def test_the_list_shows_its_rows_first_and_its_count_after(browsing):
    matriz = Unit.objects.create(name="Matriz")
    admin = make_user("admin", role=Role.ADMIN, units=[matriz])
    for n in range(60):
        make_party(owner=admin, unit=matriz, name=f"Cliente {n:02d}", city="Recife")
    make_party(owner=admin, unit=matriz, name="Padaria Pão de Açúcar")
    page = browsing.new_page()
    browsing.login(page, "admin")

    page.goto("/parties/customers/")
    # 61 rows do not fit a page: the count comes in a request of its own.
    expect(page.locator("#results-count")).to_have_text("61 found")

    results = search(page, "recife")
    expect(results.locator("#results-count")).to_have_text("60 found")
    results = search(page, "padaria")  # one page holds it: counted at once
    expect(results.locator("#results-count")).to_have_text("1 found")
    expect(results.locator("#results-count")).not_to_have_attribute("hx-get", re.compile("."))

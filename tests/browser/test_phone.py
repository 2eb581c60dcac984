"""Every page of tests/browser/pages.py on a 390 px phone: nothing cut off or scrolling
sideways, no blank band under the navigation, one search box; the list filters fold away
on phones (and still work without JavaScript)."""

import re

import pytest
from playwright.sync_api import expect

from .pages import ADMIN_PAGES, LOGGED_OUT_PAGES, visit, world

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Problems of the page's layout on a phone, each said in a sentence.
LAYOUT = """() => {
  const problems = [];
  const root = document.documentElement;
  const sideways = root.scrollWidth - root.clientWidth;
  if (sideways > 1) problems.push(`the page scrolls sideways by ${sideways}px`);
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    const hidden = wrap.scrollWidth - wrap.clientWidth;
    if (hidden > 1) {
      const head = [...wrap.querySelectorAll("thead th")].map((th) => th.textContent.trim());
      problems.push(`a table (${head.join(", ")}) is cut off: ${hidden}px hidden on the right`);
    }
  }
  // From the navigation's last entry to the content: its padding, not a blank band.
  const entry = [...document.querySelectorAll("nav.sidebar li")].pop();
  const main = document.querySelector("main");
  if (entry && main) {
    const gap = main.getBoundingClientRect().top - entry.getBoundingClientRect().bottom;
    if (gap > 16) problems.push(`${Math.round(gap)}px of blank space under the navigation`);
  }
  const searches = [...document.querySelectorAll("input[type=search]")]
    .filter((input) => input.checkVisibility());
  if (searches.length > 1) problems.push(`${searches.length} search boxes`);
  return problems;
}"""


@pytest.mark.parametrize("locale", ["en-US", "pt-BR"])
def test_every_page_fits_a_phone(browsing, locale):
    admin, ids = world()
    problems = []
    for pages, page in (
        (LOGGED_OUT_PAGES, browsing.new_page(locale=locale, **PHONE)),
        (ADMIN_PAGES, browsing.page_as(admin, locale=locale, **PHONE)),
    ):
        for name, url in pages:
            path = visit(browsing, page, name, url, ids)
            problems += [f"{name} ({path}): {p}" for p in page.evaluate(LAYOUT)]
    assert not problems, "\n".join(problems)


def test_list_filters_fold_away_on_phones(browsing):
    admin, ids = world()
    page = browsing.page_as(admin, **PHONE)
    page.goto("/parties/customers/")
    fold = page.locator("details.filter-more > summary")
    status = page.locator("#id_status")
    expect(page.locator("#id_q")).to_be_visible()
    expect(fold).to_have_text("Filters")
    expect(status).to_be_hidden()
    # The first screen shows the search and the first records, not the filters.
    expect(page.locator("#results tbody tr").first).to_be_in_viewport()

    fold.focus()
    page.keyboard.press("Enter")
    expect(status).to_be_visible()
    status.select_option("inactive")
    expect(page).to_have_url(re.compile(r"status=inactive"))
    expect(page.locator("#results")).to_contain_text("No records found.")
    expect(status).to_be_visible()  # the fold stays open while in use

    # On a wide screen the filters are simply there.
    page.set_viewport_size(DESKTOP)
    expect(status).to_be_visible()
    expect(fold).to_be_hidden()
    page.goto("/parties/customers/")
    expect(status).to_be_visible()
    expect(fold).to_be_hidden()


def test_list_filters_work_on_a_phone_without_javascript(browsing):
    admin, ids = world()
    page = browsing.page_as(admin, java_script_enabled=False, **PHONE)
    page.goto("/parties/customers/")
    status = page.locator("#id_status")
    expect(status).to_be_visible()  # open in the page: only the script folds it
    status.select_option("inactive")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"status=inactive"))
    expect(page.locator("#results")).to_contain_text("No records found.")

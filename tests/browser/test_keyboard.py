"""Logging in with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from clientela.accounts.models import Unit
from conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

FOCUSED = "() => document.activeElement.id || document.activeElement.outerHTML.slice(0, 60)"
OUTLINE = "() => getComputedStyle(document.activeElement).outlineStyle"


def test_login_form_in_tab_order_and_enter_submits(browsing):
    matriz = Unit.objects.create(name="Matriz")
    make_user("agent", units=[matriz])
    page = browsing.new_page()
    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()  # autofocus

    # Only the skip link comes before the username; it shows itself when focused.
    page.keyboard.press("Shift+Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement === document.body"), page.evaluate(FOCUSED)
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("agent")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    submit = page.locator("form[action$='/accounts/login/'] button[type=submit]")
    expect(submit).to_be_focused()
    assert page.evaluate(OUTLINE) != "none", "the focused button shows no focus outline"

    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator("nav.sidebar")).to_be_visible()
    expect(page.locator("details.menu > summary")).to_be_visible()


def test_enter_in_password_field_submits_and_errors_are_announced(browsing):
    matriz = Unit.objects.create(name="Matriz")
    make_user("agent", units=[matriz])
    page = browsing.new_page()
    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()  # autofocus
    page.keyboard.type("agent")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    expect(page.locator("#id_username")).to_have_value("agent")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

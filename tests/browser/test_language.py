"""Switching the interface language, logged out and logged in, and keeping the choice."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

import clientela
from clientela.accounts.models import Unit, User
from conftest import make_user

pytestmark = pytest.mark.browser

# The Portuguese texts are checked only once the compiled catalogue exists.
CATALOGUE = Path(clientela.__file__).parent / "locale" / "pt_BR" / "LC_MESSAGES" / "django.mo"


def expect_portuguese(page):
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    if CATALOGUE.exists():
        expect(page.locator("main")).not_to_contain_text("Log in")
        return True
    return False


def test_login_page_language_switch_persists(browsing):
    matriz = Unit.objects.create(name="Matriz")
    user = make_user("agent", units=[matriz])
    page = browsing.new_page(locale="pt-BR")

    page.goto("/accounts/login/")
    if expect_portuguese(page):
        expect(page.get_by_role("button", name="Entrar")).to_be_visible()
        expect(page.get_by_label("Usuário")).to_be_visible()
    expect(page.locator("#language-switch")).to_have_value("pt-br")
    page.locator("#id_username").fill(user.username)

    # Choosing is not switching: the page stays (and keeps what was typed) until the button.
    page.locator("#language-switch").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    expect(page.locator("#id_username")).to_have_value(user.username)
    page.locator("form[action$='/language/'] button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(browsing.base_url + "/accounts/login/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    expect(page.locator("#language-switch")).to_have_value("en")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()

    # The choice outlives logging in and reloading.
    browsing.login(page, user.username)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.sidebar")).to_contain_text("Customers")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_profile_language_field_is_the_users_own_setting(browsing):
    matriz = Unit.objects.create(name="Matriz")
    user = make_user("agent", units=[matriz])
    page = browsing.new_page(locale="en-US")
    browsing.login(page, user.username)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator("details.menu > summary").click()
    page.get_by_role("link", name="Profile and language").click()
    expect(page.locator("h1")).to_have_text("Your profile")
    page.get_by_label("Language").select_option("pt-BR")
    page.locator("main form").get_by_role("button", name="Save").click()
    if expect_portuguese(page):
        expect(page.locator("h1")).to_have_text("Meus dados")
    expect(page.locator("#id_language")).to_have_value("pt-BR")
    page.reload()
    expect_portuguese(page)
    user.refresh_from_db()
    assert user.language == "pt-BR"

    # The user's setting beats the browser's language on another device.
    other = browsing.new_page(locale="en-US")
    other.goto("/accounts/login/")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    browsing.login(other, user.username)
    expect_portuguese(other)
    User.objects.filter(pk=user.pk).update(language="en")
    other.reload()
    expect(other.locator("html")).to_have_attribute("lang", "en")


def test_switching_the_language_on_the_login_page_keeps_the_typed_username(browsing):
    page = browsing.new_page(locale="pt-BR")
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("maria.souza")
    page.locator("#id_password").fill("nunca-guardada-9")

    page.locator("#language-switch").select_option("en")
    page.locator("form[action$='/language/'] button").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_username")).to_have_value("maria.souza")
    # The password is never kept; the cursor waits there for it.
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.locator("#id_password")).to_be_focused()
    assert page.evaluate("sessionStorage.getItem('clientela.kept-on-language-switch')") is None

    # Only the switch brings it back, and once: a reload starts empty.
    page.reload()
    expect(page.locator("#id_username")).to_have_value("")


def test_switching_the_language_on_the_reset_page_keeps_the_typed_address(browsing):
    page = browsing.new_page(locale="en-US")
    page.goto("/accounts/password/forgot/")
    page.locator("#id_email").fill("maria@exemplo.com.br")

    page.locator("#language-switch").select_option("pt-br")
    page.locator("form[action$='/language/'] button").click()

    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    expect(page.locator("#id_email")).to_have_value("maria@exemplo.com.br")

"""The password reset by e-mail in a real browser, on a phone and on a desktop, and the
pages around it (first-login change, tokens); screenshots go to test-results/browser/.
The page queues the e-mail; the test then runs the worker's job that sends it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from clientela.accounts.models import Unit
from clientela.accounts.services import bootstrap_admin, send_password_reset_mails
from clientela.accounts.tokens import token_create
from conftest import make_user

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 860)}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
NEW_PASSWORD = "ipê-amarelo-no-quintal-7"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/\S+/)")


def fits(page) -> None:
    assert page.evaluate(OVERFLOW) <= 0, f"{page.url} is wider than the screen"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_user_who_forgot_the_password_gets_in_through_the_emailed_link(browsing, viewport):
    width, height = VIEWPORTS[viewport]
    matriz = Unit.objects.create(name="Matriz")
    make_user("maria", email="maria@exemplo.com.br", units=[matriz])
    page = browsing.new_page(width=width, height=height)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.locator("h1")).to_have_text("Forgot your password?")
    fits(page)
    browsing.screenshot(page, f"reset-request-{viewport}")
    page.get_by_label("E-mail").fill("maria@exemplo.com.br")
    page.get_by_role("button", name="Send the link").click()

    expect(page.locator("h1")).to_have_text("Check your e-mail")
    fits(page)
    browsing.screenshot(page, f"reset-sent-{viewport}")
    assert mail.outbox == []  # the page only queued it
    send_password_reset_mails()  # the worker's turn
    [message] = mail.outbox
    page.goto(LINK.search(message.body)[1])

    expect(page.locator("h1")).to_have_text("Choose a new password")
    expect(page.locator(".help").first).to_contain_text("Rules: at least 10 characters")
    fits(page)
    page.get_by_label("New password", exact=True).fill("curta")
    page.get_by_label("New password again").fill("curta")
    page.get_by_role("button", name="Save the new password").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("This password is too short.")
    fits(page)
    browsing.screenshot(page, f"reset-refused-{viewport}")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("h1")).to_have_text("Password changed")
    fits(page)
    browsing.screenshot(page, f"reset-done-{viewport}")

    page.get_by_role("link", name="Log in").click()
    browsing.login(page, "maria", NEW_PASSWORD)
    expect(page.locator("h1")).to_have_text("My agenda")  # the start page


def test_the_reset_pages_in_portuguese(browsing):
    make_user("maria", email="maria@exemplo.com.br")
    page = browsing.new_page(locale="pt-BR", width=390, height=844)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Esqueci minha senha").click()
    page.get_by_label("E-mail").fill("maria@exemplo.com.br")
    page.get_by_role("button", name="Enviar o link").click()

    expect(page.locator("h1")).to_have_text("Confira seu e-mail")
    send_password_reset_mails()  # the worker's turn
    assert mail.outbox[0].subject == "Escolha uma nova senha para o Clientela"
    page.goto(LINK.search(mail.outbox[0].body)[1])
    expect(page.locator("h1")).to_have_text("Escolha uma nova senha")
    browsing.screenshot(page, "reset-confirm-pt-phone")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_first_login_with_a_generated_password_asks_for_a_new_one(browsing, viewport):
    width, height = VIEWPORTS[viewport]
    _admin, generated = bootstrap_admin(None)
    page = browsing.new_page(width=width, height=height)

    browsing.login(page, "admin", generated)

    expect(page.locator("h1")).to_have_text("Change password")
    expect(page.get_by_role("status").first).to_contain_text("Choose your own password to go on.")
    fits(page)
    browsing.screenshot(page, f"first-password-{viewport}")
    page.locator("nav.sidebar").get_by_role("link", name="Customers").click()
    expect(page.locator("h1")).to_have_text("Change password")

    page.get_by_label("Current password").fill(generated)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("h1")).to_have_text("Customers")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_tokens_page_revokes_all_tokens_after_asking(browsing, viewport):
    width, height = VIEWPORTS[viewport]
    user = make_user("maria")
    for name in ("Planilha de vendas", "Integração com o ERP"):
        token_create(user=user, name=name)
    page = browsing.page_as(user, width=width, height=height)

    page.goto("/accounts/tokens/")
    expect(page.locator("main")).to_contain_text("Every token ends when your password is changed")
    fits(page)
    browsing.screenshot(page, f"tokens-{viewport}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke all my tokens").click()

    expect(page.locator(".toast")).to_contain_text("2 tokens were revoked.")
    expect(page.get_by_role("button", name="Revoke all my tokens")).to_have_count(0)


def test_a_locked_out_user_is_offered_the_reset_on_the_login_page(browsing):
    make_user("maria", email="maria@exemplo.com.br")
    page = browsing.new_page(width=390, height=844)
    page.goto("/accounts/login/")
    for _ in range(6):
        page.locator("#id_username").fill("maria")
        page.locator("#id_password").fill("palpite-errado")
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
        page.wait_for_load_state()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Too many failed attempts.")
    fits(page)
    browsing.screenshot(page, "login-locked-phone")
    alert.get_by_role("link", name="Choose a new one by e-mail").click()
    expect(page.locator("h1")).to_have_text("Forgot your password?")


def test_the_time_zone_list_on_the_profile(browsing):
    user = make_user("maria")
    page = browsing.page_as(user, width=390, height=844)

    page.goto("/accounts/profile/")
    zone = page.get_by_label("Time zone")
    zone.select_option("America/Manaus")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_label("Time zone")).to_have_value("America/Manaus")
    groups = page.locator("#id_time_zone optgroup")
    expect(groups.first).to_have_attribute("label", "Brazil")
    fits(page)
    browsing.screenshot(page, "profile-time-zone-phone")

"""Keyboard use: a focus ring that stands out, focus never hidden, the user menu, focus kept
across HTMX swaps and moved to the problems of a refused save, messages that are heard."""

import re

import pytest
from playwright.sync_api import expect

from clientela.accounts.models import Role, Unit
from conftest import PASSWORD, make_party, make_user

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_RING_CONTRAST = 3.0  # WCAG 1.4.11, non-text contrast

# The focused element, said in a few words for failure messages.
DESCRIBE = """(el) => {
  if (!el || el === document.body) return "<body>";
  const text = (el.textContent || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 30);
  return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> "${text}"`;
}"""

# The focus ring of the focused element and its contrast with what lies behind the ring:
# the element's own background when the ring is drawn inside it, else its ancestors'.
RING = """() => {
  const describe = DESCRIBE;
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rgba = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const layers = [];
  let node = parseFloat(style.outlineOffset) < 0 ? el : el.parentElement;
  for (; node; node = node.parentElement) {
    const bg = rgba(getComputedStyle(node).backgroundColor);
    if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
  }
  let back = [255, 255, 255];  // the canvas
  for (const [r, g, b, a] of layers.reverse()) {
    back = [r * a + back[0] * (1 - a), g * a + back[1] * (1 - a), b * a + back[2] * (1 - a)];
  }
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ring = rgba(style.outlineColor);
  const [hi, lo] = [lum(ring), lum(back)].sort((a, b) => b - a);
  return {
    element: describe(el), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    ring: style.outlineColor, behind: `rgb(${back.map(Math.round).join(", ")})`,
    contrast: (hi + 0.05) / (lo + 0.05),
  };
}"""

# What hides the focused element: "" when each of its boxes (an inline link has one per
# line) is on screen at its top, middle and bottom, under nothing else (a sticky top bar,
# a table header, a menu, a toast).
OBSCURED = """() => {
  const describe = DESCRIBE;
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const height = document.documentElement.clientHeight;
  const width = document.documentElement.clientWidth;
  for (const r of el.getClientRects()) {
    const x = Math.min(Math.max(r.left + r.width / 2, 0), width - 1);
    for (const y of [r.top + 2, r.top + r.height / 2, r.bottom - 2]) {
      if (y < 0 || y >= height) return `off screen (top ${Math.round(r.top)}px)`;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit !== el && !el.contains(hit)) {
        const cover = hit.closest("header, thead, .menu-panel, .toasts") || hit;
        return `covered at y=${Math.round(y)} by ${describe(cover)}`;
      }
    }
  }
  return "";
}"""
RING = RING.replace("DESCRIBE", DESCRIBE)
OBSCURED = OBSCURED.replace("DESCRIBE", DESCRIBE)


def focused(page):
    return page.evaluate(f"() => ({DESCRIBE})(document.activeElement)")


def is_body(page):
    return page.evaluate("() => [null, document.body].includes(document.activeElement)")


def tab_stops(page, key="Tab", limit=250):
    """Press `key` until focus leaves the page or comes round again; yields at each stop."""
    page.evaluate("() => { window.firstStop = null; }")
    for _ in range(limit):
        page.keyboard.press(key)
        if is_body(page) or page.evaluate(
            "() => window.firstStop === document.activeElement"
            " || ((window.firstStop ??= document.activeElement), false)"
        ):
            return
        yield focused(page)
    raise AssertionError(f"{key} never left the page after {limit} presses")


def ring_problems(page, where):
    problems = []
    for stop in tab_stops(page):
        ring = page.evaluate(RING)
        if ring["style"] == "none" or ring["width"] < 2:
            problems.append(f"{where}: {stop} shows no focus ring")
        elif ring["contrast"] < MIN_RING_CONTRAST:
            problems.append(
                f"{where}: {stop} ring {ring['ring']} on {ring['behind']} is "
                f"{ring['contrast']:.1f}:1"
            )
    return problems


def hidden_focus(page, where):
    """Every Tab stop forwards, then every one backwards, must be in sight."""
    problems = []
    stops = 0
    for key in ("Tab", "Shift+Tab"):
        for stop in tab_stops(page, key):
            stops += 1
            hidden = page.evaluate(OBSCURED)
            if hidden:
                problems.append(f"{where}, {key}: {stop} is {hidden}")
    return stops, problems


def many_customers(admin, unit, count=60):
    for index in range(count):
        make_party(
            owner=admin,
            unit=unit,
            name=f"Cliente {index:02d} da Silva",
            phones=[f"+55119876500{index:02d}"],
            city="Ribeirão Preto",
            state="SP",
        )


def admin_with_two_units():
    matriz = Unit.objects.create(name="Matriz")
    Unit.objects.create(name="Filial Campinas")
    admin = make_user("admin", role=Role.ADMIN, units=[matriz])
    admin.full_name = "Ana Beatriz Figueiredo"
    admin.save()
    return admin, matriz


def test_focus_ring_has_3_to_1_contrast_everywhere(browsing):
    admin, matriz = admin_with_two_units()
    many_customers(admin, matriz, count=3)
    problems = []

    page = browsing.new_page(**DESKTOP)
    page.goto("/accounts/login/")
    problems += ring_problems(page, "login")

    page = browsing.page_as(admin, **DESKTOP)
    page.goto("/parties/customers/")
    problems += ring_problems(page, "customers")
    # The open user menu, a toast and an error summary.
    page.goto("/accounts/profile/")
    page.locator("#id_email").fill("ana@example.com")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".toast")).to_be_visible()
    page.locator("details.menu > summary").click()
    problems += ring_problems(page, "profile with a toast and the user menu open")
    page.goto("/accounts/profile/")
    page.locator("#id_email").fill("not an e-mail")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    problems += ring_problems(page, "refused profile")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_focus_is_never_hidden_under_sticky_bars(browsing, viewport):
    admin, matriz = admin_with_two_units()
    many_customers(admin, matriz)
    page = browsing.page_as(admin, **viewport)
    page.goto("/parties/customers/")
    stops, problems = hidden_focus(page, "customers")
    assert stops > 2 * 60, f"only {stops} Tab stops: the list is shorter than meant"

    # A toast that stays until closed must not hide the fields under it either.
    page.goto("/accounts/profile/")
    page.locator("#id_email").fill("ana@example.com")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".toast")).to_be_visible()
    problems += hidden_focus(page, "profile with a toast")[1]
    assert not problems, f"{len(problems)} hidden focus stops:\n" + "\n".join(problems)


def test_unit_switch_and_language_select_act_only_on_their_button(browsing):
    admin, _matriz = admin_with_two_units()
    requests = []
    page = browsing.new_page(**DESKTOP)
    page.on("request", lambda request: requests.append(request) if request.method == "POST" else 0)

    page.goto("/accounts/login/")
    select = page.locator("#language-switch")
    select.focus()
    before = select.input_value()
    page.keyboard.press("ArrowDown" if before == "pt-br" else "ArrowUp")
    expect(select).not_to_have_value(before)  # the arrow chose another language…
    page.wait_for_timeout(300)
    assert not requests, "an arrow key in the language select sent the form"
    expect(page.locator("html")).to_have_attribute("lang", before)  # …without switching
    page.keyboard.press("Tab")
    expect(page.locator("form[action$='/language/'] button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).not_to_have_attribute("lang", before)

    page = browsing.page_as(admin, **DESKTOP)
    page.on("request", lambda request: requests.append(request) if request.method == "POST" else 0)
    page.goto("/parties/customers/")
    requests.clear()
    select = page.locator("#unit-switch")
    expect(select).to_have_text(re.compile("Matriz"))
    select.focus()
    before = select.input_value()
    page.keyboard.press("ArrowUp")  # "Filial Campinas" sorts before "Matriz"
    expect(select).not_to_have_value(before)
    page.wait_for_timeout(300)
    assert not requests, "an arrow key in the unit switcher sent the form"
    page.keyboard.press("Tab")
    expect(page.locator("form.unit-switch button")).to_be_focused()
    page.keyboard.press("Enter")
    # The switch took effect (the page's toast says so too, but it may be announced late).
    expect(page.locator("#unit-switch")).not_to_have_value(before)
    expect(page.locator("#unit-switch option:checked")).to_have_text("Filial Campinas")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_user_menu_closes_on_escape_and_when_focus_leaves(browsing, viewport):
    admin, _matriz = admin_with_two_units()
    page = browsing.page_as(admin, **viewport)
    page.goto("/accounts/users/")
    menu = page.locator("details.menu")
    summary = menu.locator("summary")
    # Its name starts with what it shows (WCAG 2.5.3), and says what it is.
    expect(summary).to_have_accessible_name(re.compile(r"^Ana\b.*user menu", re.IGNORECASE))

    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    items = ["Profile and language", "Change password", "API tokens", "Log out"]
    for item in items:
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_text(item)
        assert not page.evaluate(OBSCURED), item
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    # Nothing of the page below covers the open panel, even when a long name and unit push
    # the menu to a second row on phones (the list's filters covered it there).
    admin.full_name = "Gabriela Nogueira"
    admin.save()
    Unit.objects.filter(pk=_matriz.pk).update(name="Filial Campinas Centro")
    page.goto("/parties/customers/")
    summary.focus()
    page.keyboard.press("Enter")
    for item in items:
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_text(item)
        assert not page.evaluate(OBSCURED), f"{item} on the customers list"
    page.keyboard.press("Escape")

    # Tabbing past its last item closes it: the panel covers nothing focused.
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    for _ in items:
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(menu).not_to_have_attribute("open", "")
    expect(page.locator("nav.sidebar a").first).to_be_focused()
    assert not page.evaluate(OBSCURED)

    # And so does Shift+Tab out of it, and a click elsewhere.
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    expect(menu).not_to_have_attribute("open", "")
    summary.click()
    expect(menu).to_have_attribute("open", "")
    page.locator("main h1").click()
    expect(menu).not_to_have_attribute("open", "")


def test_next_page_keeps_focus_on_the_results(browsing):
    admin, matriz = admin_with_two_units()
    many_customers(admin, matriz)
    page = browsing.page_as(admin, **DESKTOP)
    page.goto("/parties/customers/")
    page.get_by_role("link", name="Next page").focus()
    page.keyboard.press("Enter")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Cliente 59 da Silva")).to_be_visible()
    expect(page).to_have_url(re.compile(r"cursor="))
    inside = "() => !!document.activeElement.closest('#results')"
    # htmx moves focus once the swap has settled, a moment after the new rows show.
    page.wait_for_function(inside)
    # The next Tab goes to the new page's first record, not back to the top of the page.
    page.keyboard.press("Tab")
    expect(results.get_by_role("link", name="Cliente 50 da Silva")).to_be_focused()

    # Back to the first page with the keyboard: the same.
    page.get_by_role("link", name="First page").focus()
    page.keyboard.press("Enter")
    expect(results.get_by_role("link", name="Cliente 00 da Silva")).to_be_visible()
    page.wait_for_function(inside)
    assert not page.evaluate(OBSCURED)


# Each form page, and how to make its save fail.
def refuse_party(page):
    page.locator("#id_name").fill("")


def refuse_profile(page):
    page.locator("#id_email").fill("not an e-mail")


def refuse_password(page):
    page.locator("#id_old_password").fill("wrong")


FORMS = [
    ("/parties/new/", refuse_party),
    ("/parties/{party}/edit/", refuse_party),
    ("/accounts/users/new/", None),
    ("/accounts/users/{user}/", lambda page: page.locator("#id_username").fill("")),
    ("/accounts/units/new/", None),
    ("/accounts/units/{unit}/", lambda page: page.locator("#id_name").fill("")),
    ("/accounts/tokens/", None),
    ("/accounts/profile/", refuse_profile),
    ("/accounts/password/", refuse_password),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_refused_save_moves_focus_to_its_problems(browsing, viewport):
    admin, matriz = admin_with_two_units()
    agent = make_user("agent", units=[matriz])
    party = make_party(owner=admin, unit=matriz, name="Padaria Pão de Açúcar")
    ids = {"party": party.pk, "user": agent.pk, "unit": matriz.pk}
    problems = []

    page = browsing.new_page(**viewport)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("wrong password")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    problems += refusal_problems(page, "/accounts/login/")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    for url, refuse in FORMS:
        path = url.format(**ids)
        page.goto(path)
        if refuse:
            refuse(page)
        # Send it from the keyboard: Enter on the submit button.
        page.locator("main form button[type=submit]").last.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        problems += refusal_problems(page, path)
    assert not problems, "\n".join(problems)


def refusal_problems(page, path):
    summary = page.get_by_role("alert").first
    if not summary.count():
        return [f"{path}: no alert says the form was refused"]
    where = page.evaluate(
        """() => {
          const el = document.activeElement;
          if (el.id === "error-summary" || el.closest("[role=alert]")) return "summary";
          if (el.matches("[aria-invalid=true]") || el.closest(".has-error")) return "field";
          return "";
        }"""
    )
    if not where:
        return [f"{path}: after the refusal focus is on {focused(page)}"]
    hidden = page.evaluate(OBSCURED)
    return [f"{path}: the focused {where} is {hidden}"] if hidden else []


def test_toasts_are_announced_reachable_and_closable(browsing):
    admin, _matriz = admin_with_two_units()
    page = browsing.page_as(admin, **PHONE)
    # Which texts entered a live region after the page had loaded (what a screen reader says).
    page.context.add_init_script(
        """
        window.announced = [];
        document.addEventListener("DOMContentLoaded", () => {
          new MutationObserver((records) => {
            for (const record of records) {
              const target = record.target.closest ? record.target : record.target.parentElement;
              const region = target.closest("[aria-live], [role=status], [role=alert]");
              if (region) window.announced.push(region.textContent.trim());
            }
          }).observe(document.body, {subtree: true, childList: true, characterData: true});
        });
        """
    )
    page.goto("/accounts/profile/")
    page.locator("#id_full_name").fill("Ana B. Figueiredo")
    page.locator("main form button[type=submit]").click()
    toast = page.locator(".toast")
    expect(toast).to_contain_text("Your profile was saved.")
    page.wait_for_function("() => window.announced.some(t => t.includes('profile was saved'))")
    # The result shows on the page too, not only in the toast.
    expect(page.locator("#id_full_name")).to_have_value("Ana B. Figueiredo")

    # Skip link, then the first Tab reaches the toast's close button.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    close = toast.get_by_role("button", name="Close")
    expect(close).to_be_focused()
    page.keyboard.press("Enter")
    expect(toast).to_have_count(0)
    assert not is_body(page), "closing the toast dropped focus to the body"
    page.keyboard.press("Tab")
    expect(page.locator("main #id_full_name")).to_be_focused()

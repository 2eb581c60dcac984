"""The list and the record page fit phones and wide screens; screenshots go to test-results/."""

import pytest
from playwright.sync_api import expect

from clientela.accounts.models import Role, Unit
from conftest import make_party, make_user

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (360, 740), "desktop": (1366, 900)}
MIN_NAME_COLUMN = 110  # px: "Maria Aparecida" on one line
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The innermost element reaching furthest past the right edge, to say what overflows.
WIDEST = """() => {
  const edge = document.documentElement.clientWidth;
  let worst = null, right = edge;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect().right;
    if (r > right || (worst && r === right && worst.contains(el))) { worst = el; right = r; }
  }
  if (!worst) return "";
  const text = worst.textContent.trim().slice(0, 40);
  return `<${worst.tagName.toLowerCase()}> "${text}" ends at ${Math.round(right)}px`;
}"""


def realistic_parties(admin, matriz):
    company = make_party(
        owner=admin,
        unit=matriz,
        name="Padaria e Confeitaria Pão de Açúcar Comércio de Alimentos Ltda",
        trade_name="Padaria Pão de Açúcar",
        kind="company",
        tax_id="11222333000181",
        email="financeiro.contasapagar@padariapaodeacucar-saopaulo.com.br",
        phones=["+551133334444", "+5511987654321"],
        street="Avenida Brigadeiro Faria Lima",
        number="1234",
        complement="Conjunto 56, Bloco B",
        district="Jardim Paulistano",
        city="São Paulo",
        state="SP",
        zip_code="01452-002",
        tags=["atacado", "cliente-desde-2015", "pagamento-boleto"],
        notes="Entregas somente pela manhã.\nFalar com a Dona Maria no balcão.",
    )
    make_party(
        owner=admin,
        unit=matriz,
        name="Maria Aparecida dos Santos Oliveira",
        kind="person",
        tax_id="39053344705",
        phones=["+5519991234567"],
        city="Campinas",
        state="SP",
        employer=company,
        job_title="Gerente de compras",
    )
    for index in range(12):
        make_party(
            owner=admin,
            unit=matriz,
            name=f"Cliente Número {index:02d} da Silva",
            phones=[f"+55119876500{index:02d}"],
            city="Ribeirão Preto",
            state="SP",
        )
    return company


def test_list_and_party_page_fit_phone_and_desktop(browsing):
    matriz = Unit.objects.create(name="Matriz")
    Unit.objects.create(name="Filial Campinas")  # two units: the header shows the unit switch
    admin = make_user("admin", role=Role.ADMIN, units=[matriz])
    admin.full_name = "Ana Beatriz Figueiredo"
    admin.save()
    company = realistic_parties(admin, matriz)
    page = browsing.page_as(admin)

    problems = []
    for width, height in VIEWPORTS.values():
        page.set_viewport_size({"width": width, "height": height})
        for name, path in (
            ("customers", "/parties/customers/"),
            ("party", f"/parties/{company.pk}/"),
        ):
            page.goto(path)
            nav = page.locator("nav.sidebar")
            expect(nav).to_be_visible()
            expect(nav.get_by_role("link", name="Customers")).to_be_in_viewport()
            expect(page.locator("main h1")).to_be_visible()
            browsing.screenshot(page, f"{name}-{width}x{height}")
            overflow = page.evaluate(OVERFLOW)
            if overflow > 1:
                problems.append(
                    f"{path} at {width}x{height} scrolls sideways by {overflow}px"
                    f" (widest: {page.evaluate(WIDEST)})"
                )
            if name == "customers":
                # Names must stay readable: not crushed into a column a few letters wide.
                name_column = page.locator("table.list thead th").first.bounding_box()["width"]
                if name_column < MIN_NAME_COLUMN:
                    problems.append(
                        f"{path} at {width}x{height}: the Name column is {name_column:.0f}px wide"
                        f" (less than {MIN_NAME_COLUMN}px), names break inside words"
                    )
    assert not problems, "\n".join(problems)

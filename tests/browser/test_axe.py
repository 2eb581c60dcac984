"""An axe-core scan (WCAG 2.1 AA and best practices) of every page in tests/browser/pages.py,
in both languages, on a wide screen and a phone: any serious or critical violation fails.

axe is injected through Playwright's page.evaluate (the DevTools protocol), which the
page's Content-Security-Policy does not govern, so the pages are scanned under their own
strict CSP; any CSP violation still fails the test (see conftest.py).
"""

import json
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from .pages import ADMIN_PAGES, LOGGED_OUT_PAGES, visit, world

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
LOCALES = {"en": "en-US", "pt-br": "pt-BR"}
# "experimental" brings rules axe keeps off by default, e.g. label-content-name-mismatch.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice", "experimental"]
FAILING_IMPACTS = {"serious", "critical"}
REPORT = Path(__file__).resolve().parents[2] / "test-results" / "axe"
# BROWSER_SCREENSHOTS=1: also a full-page screenshot of each page, to look at.
SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS") == "1"

axe = Axe()


def scan(page, slug):
    """axe's violations on the page as it is now, as (impact, rule, node targets)."""
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    results = axe.run(page, options=options).response
    assert results["passes"], "axe ran no check"
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{slug}.json").write_text(json.dumps(results["violations"], indent=1))
    return [
        (v["impact"], v["id"], [", ".join(map(str, n["target"])) for n in v["nodes"]])
        for v in results["violations"]
    ]


def scan_pages(browsing, page, pages, ids, label):
    findings = []
    for name, url in pages:
        visit(browsing, page, name, url, ids)
        slug = f"{label}-{name.replace(' ', '-')}"
        if SCREENSHOTS:
            browsing.screenshot(page, f"axe-{slug}")
        for impact, rule, targets in scan(page, slug):
            findings.append((impact, rule, name, targets))
    return findings


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LOCALES)
def test_every_page_passes_axe(browsing, language, width):
    admin, ids = world()
    w, h = WIDTHS[width]
    label = f"{language}-{width}"
    options = {"locale": LOCALES[language], "width": w, "height": h}

    page = browsing.new_page(**options)
    findings = scan_pages(browsing, page, LOGGED_OUT_PAGES, ids, label)
    page.context.close()
    page = browsing.page_as(admin, **options)  # one context for all the admin's pages
    findings += scan_pages(browsing, page, ADMIN_PAGES, ids, label)

    findings.sort()
    lines = [
        f"{impact:9} {rule} on {name} ({label}): {'; '.join(targets)[:300]}"
        for impact, rule, name, targets in findings
    ]
    print("\n".join(lines))  # moderate and minor ones too, for whoever runs with -s
    failing = [line for line, f in zip(lines, findings, strict=True) if f[0] in FAILING_IMPACTS]
    assert not failing, f"axe found serious or critical violations ({label}):\n" + "\n".join(
        failing
    )

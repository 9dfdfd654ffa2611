"""Reflow (WCAG 1.4.10), which axe does not check: no page scrolls sideways from 320 px up,
wide content scrolls inside itself, and the header search stays usable on a small phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import open_page, page_types

pytestmark = pytest.mark.browser

WIDTHS = [320, 360, 768, 1280]


PAGES = page_types(
    ("liste-outils", "outils/index.html"),
    ("liste-actions", "actions/index.html"),
    ("liste-parcours", "parcours/index.html"),
    # Markdown tables of seven columns: the widest of the site.
    ("tableau-large", "performances.html"),
)

# The element whose right edge, clipped by any ancestor that scrolls or hides its overflow,
# goes furthest past the viewport; null when none does.
WIDEST = """() => {
  const width = window.innerWidth;
  let worst = null, furthest = width + 0.5;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let right = box.right;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') {
        right = Math.min(right, a.getBoundingClientRect().right);
      }
    }
    if (right > furthest) { furthest = right; worst = el; }
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    widest: worst && `${name(worst)} (bord droit à ${Math.round(furthest)} px)`,
  };
}"""


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def narrow(request: pytest.FixtureRequest, browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """One browser context per width, shared by the pages at that width."""
    context = browser.new_context(locale="fr-FR", viewport={"width": request.param, "height": 740})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_page_scrolls_sideways(name: str, server: str, narrow) -> None:  # type: ignore[no-untyped-def]
    open_page(narrow, server + PAGES[name])
    found = narrow.evaluate(WIDEST)
    assert found["scrollWidth"] <= found["innerWidth"] and found["widest"] is None, (
        f"{PAGES[name]} à {found['innerWidth']} px : la page fait {found['scrollWidth']} px de large ; "
        f"élément le plus large : {found['widest']}"
    )


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


def inside(page, selector: str) -> dict:  # type: ignore[no-untyped-def]
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} n'est pas affiché"
    return box


@pytest.mark.parametrize("submit", ["Enter", "clic"])
def test_header_search_fits_and_works_at_320_px(submit: str, server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + "methodes/enquete-collective.html")
    width = phone.evaluate("window.innerWidth")
    field = ".terreau-entete-recherche input"
    button = phone.get_by_role("button", name="Rechercher", exact=True)
    for name, box in (("champ", inside(phone, field)), ("bouton", button.bounding_box())):
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
        assert box["width"] >= 24 and box["height"] >= 24, (name, box)  # WCAG 2.5.8 target size
    title = phone.locator(".md-header__topic").first.locator(".md-ellipsis")
    assert title.inner_text().strip() == "Terreau"
    assert phone.evaluate(
        "() => { const t = document.querySelector('.md-header__topic .md-ellipsis');"
        " return t.scrollWidth <= t.clientWidth && t.getBoundingClientRect().right <= innerWidth; }"
    ), "le nom du site est coupé"
    phone.locator(field).fill("energie")
    if submit == "Enter":
        phone.locator(field).press("Enter")
    else:
        button.click()
    phone.wait_for_url("**/recherche.html?q=energie")
    phone.wait_for_selector("#terreau-recherche-resultats li a")

"""The finder as a mayor meets it on her phone (360×740) and on a desktop (1280×800): results
first, facets behind « Filtrer » or beside the results, active filters as removable chips."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from conftest import ROOT
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

STATUS = "#terreau-recherche-etat"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SMALL = "Taille de la commune : Moins de 500 habitants"


@contextlib.contextmanager
def sized(browser, width: int, height: int, **options: object) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height}, **options)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    with sized(browser, 360, 740) as page:
        yield page


@pytest.fixture
def desktop(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    with sized(browser, 1280, 800) as page:
        yield page


def count(page) -> int:  # type: ignore[no-untyped-def]
    """The number of cards the live status announces (« 48 fiches pour … »)."""
    found = re.match(r"(\d+) fiches?\b", page.locator(STATUS).inner_text())
    assert found, page.locator(STATUS).inner_text()
    return int(found.group(1))


def search(page, server: str, query: str = "énergie", address: str = "recherche.html") -> int:  # type: ignore[no-untyped-def]
    page.goto(server + address)
    page.wait_for_selector("form[data-pret='oui']")
    page.locator("#terreau-recherche-champ").fill(query)
    page.wait_for_function(f"() => document.querySelector({STATUS!r}).textContent.includes('« {query} »')")
    return count(page)


def on_screen(page, locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def chip_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    buttons = page.locator("#terreau-actifs button").all()
    return [b.get_attribute("aria-label") or b.inner_text() for b in buttons]


def test_on_a_phone_the_count_and_three_results_show_without_scrolling(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    total = search(phone, server)
    assert total >= 3
    assert on_screen(phone, phone.locator(STATUS))
    titles = phone.locator("#terreau-recherche-resultats > li > a")
    assert all(on_screen(phone, titles.nth(i)) for i in range(3)), [
        titles.nth(i).bounding_box() for i in range(3)
    ]
    assert phone.evaluate("() => scrollY") == 0
    # The facets wait behind one button.
    toggle = phone.get_by_role("button", name="Filtrer", exact=True)
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not phone.locator("#terreau-filtres").is_visible()


def test_filtrer_opens_the_facets_and_a_chip_removes_the_filter(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    total = search(phone, server)
    toggle = phone.locator("#terreau-filtrer")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert phone.evaluate("() => document.activeElement.id") == "terreau-filtres-titre"
    panel = phone.locator("#terreau-filtres")
    panel.locator("summary", has_text="Taille de la commune").click()
    panel.get_by_label("Moins de 500 habitants").check()
    phone.wait_for_function("() => !document.querySelector('#terreau-actifs').hidden")
    small = count(phone)
    assert 0 < small < total
    assert chip_names(phone) == [f"Retirer le filtre {SMALL}"]
    # Seen as « Filtrer (1) », heard as « Filtrer (1 filtre actif) ».
    assert phone.get_by_role("button", name="Filtrer (1 filtre actif)").is_visible()
    assert "communes=moins-500" in phone.url
    # « Voir les N fiches » closes the facets and gives the focus back to « Filtrer ».
    phone.get_by_role("button", name=f"Voir les {small} fiches").click()
    assert toggle.get_attribute("aria-expanded") == "false" and not panel.is_visible()
    assert phone.evaluate("() => document.activeElement.id") == "terreau-filtrer"
    chip = phone.get_by_role("button", name=f"Retirer le filtre {SMALL}")
    assert on_screen(phone, chip) and chip.inner_text().endswith("✕")
    chip.click()
    phone.wait_for_function(f"() => document.querySelector({STATUS!r}).textContent.startsWith('{total} ')")
    assert chip_names(phone) == [] and "communes" not in phone.url
    assert phone.locator("#terreau-filtrer").text_content() == "Filtrer"
    assert phone.evaluate("() => document.activeElement.id") == "terreau-filtrer"


def focus_reaches(page: Page, element_id: str) -> None:
    """Wait (2 s at most) for the keyboard focus to be on ``element_id``; the script moves it
    after redrawing, so reading it at once races with the page."""
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below then says where it is
        page.wait_for_function(f"() => document.activeElement.id === {element_id!r}", timeout=2_000)
    assert page.evaluate("() => document.activeElement.id") == element_id


def test_the_phone_filters_work_with_the_keyboard_alone(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + "recherche.html")
    phone.wait_for_selector("form[data-pret='oui']")
    phone.locator("#terreau-recherche-champ").focus()
    phone.keyboard.type("énergie")
    phone.wait_for_function(f"() => document.querySelector({STATUS!r}).textContent.includes('« énergie »')")
    total = count(phone)
    phone.keyboard.press("Tab")  # « Rechercher »
    phone.keyboard.press("Tab")
    focus_reaches(phone, "terreau-filtrer")
    phone.keyboard.press("Enter")
    assert phone.evaluate("() => document.activeElement.closest('#terreau-filtres') !== null")
    for _ in range(5):  # the heading, then « Type de fiche » (open), then its first box
        phone.keyboard.press("Tab")
        if phone.evaluate("() => document.activeElement.id === 'terreau-f-type-methode'"):
            break
    assert phone.evaluate("() => document.activeElement.id") == "terreau-f-type-methode"
    phone.keyboard.press("Space")
    phone.wait_for_function("() => location.search.includes('type=methode')")
    methods = count(phone)
    assert methods < total
    phone.keyboard.press("Escape")
    assert not phone.locator("#terreau-filtres").is_visible()
    focus_reaches(phone, "terreau-filtrer")
    phone.keyboard.press("Tab")  # the status is not focusable: straight to the chip
    assert phone.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        "Retirer le filtre Type de fiche : Méthode"
    )
    phone.keyboard.press("Enter")
    phone.wait_for_function(f"() => document.querySelector({STATUS!r}).textContent.startsWith('{total} ')")
    focus_reaches(phone, "terreau-filtrer")  # moved once the results are redrawn, a moment after the status


def test_tout_effacer_removes_every_filter(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    total = search(phone, server, address="recherche.html?communes=moins-500&cout=faible")
    assert chip_names(phone) == [
        f"Retirer le filtre {SMALL}",
        "Retirer le filtre Coût : Coût faible",
        "Tout effacer",
    ]
    assert phone.get_by_role("button", name="Filtrer (2 filtres actifs)").is_visible()
    assert phone.locator("#terreau-filtrer [aria-hidden='true']").inner_text().strip() == "(2)"
    phone.get_by_role("button", name="Tout effacer").click()
    phone.wait_for_function("() => document.querySelector('#terreau-actifs').hidden")
    assert count(phone) > total
    assert phone.locator("#terreau-filtres input:checked").count() == 0


def test_on_a_desktop_facets_and_results_stand_side_by_side(server: str, desktop) -> None:  # type: ignore[no-untyped-def]
    search(desktop, server)
    assert not desktop.locator("#terreau-filtrer").is_visible()
    facets = desktop.locator("#terreau-filtres").bounding_box()
    first = desktop.locator("#terreau-recherche-resultats > li > a").first
    result = first.bounding_box()
    assert facets is not None and result is not None
    assert facets["x"] + facets["width"] <= result["x"]  # a column on the left
    assert facets["y"] < result["y"] + result["height"]  # beside, not above
    assert on_screen(desktop, first) and on_screen(desktop, desktop.locator(STATUS))
    assert not desktop.get_by_role("button", name=re.compile("^Voir les")).is_visible()
    # Plain disclosures, not the theme's « note » boxes with a pencil that reads as « edit ».
    look = desktop.evaluate(
        "() => { const s = document.querySelector('.terreau-facette > summary');"
        " return [getComputedStyle(s, '::before').display,"
        " getComputedStyle(s.parentElement).borderLeftWidth]; }"
    )
    assert look == ["none", "0px"]
    # Ticking a box there filters at once, with its chip above the results.
    desktop.locator("#terreau-f-type-action").check()
    desktop.wait_for_function("() => !document.querySelector('#terreau-actifs').hidden")
    assert chip_names(desktop) == ["Retirer le filtre Type de fiche : Fiche action"]


def test_a_listing_opens_the_finder_filtered_on_its_kind(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + "actions/index.html")
    link = phone.get_by_role("link", name=re.compile(r"^Filtrer ces \d+ fiches$"))
    n = int(re.findall(r"\d+", link.inner_text())[0])
    link.click()
    phone.wait_for_selector("form[data-pret='oui']")
    phone.wait_for_function(f"() => document.querySelector({STATUS!r}).textContent.startsWith('{n} fiches')")
    assert phone.locator("#terreau-f-type-action").is_checked()
    assert chip_names(phone) == ["Retirer le filtre Type de fiche : Fiche action"]


def test_the_open_phone_filters_pass_axe(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    with sized(browser, 360, 740, bypass_csp=True) as page:
        search(page, server, address="recherche.html?cout=faible&communes=moins-500")
        page.locator("#terreau-filtrer").click()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
        assert len(result["passes"]) > 10


def test_without_javascript_the_finder_explains_itself(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    with sized(browser, 360, 740, java_script_enabled=False) as page:
        page.goto(server + "recherche.html")
        assert "ont besoin de JavaScript" in page.locator(STATUS).inner_text()
        assert not page.locator("#terreau-filtres").is_visible()
        assert not page.locator("#terreau-filtrer").is_visible()

"""The mayor's tasks on her phone (360×740), click by click, in chromium: from the home page
to energy actions, to the collective survey, to a small commune's field record, and her
commune's name filling in its size — over HTTP and from a folder (file://).
(The kit of three sheets built from card pages: tests/test_kit.py, at the same size.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from terreau.core import communes
from terreau.core.catalogue import Catalogue, build
from terreau.core.models import Action

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    yield context.new_page()
    context.close()


def open_home(page, address: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(address)
    page.wait_for_selector("#terreau-depart[data-pret='oui']", state="attached")


def in_view(page, locator) -> bool:  # type: ignore[no-untyped-def]
    """Wholly inside the screen, below the sticky header: seen without scrolling."""
    box = locator.bounding_box()
    header = page.locator(".md-header").bounding_box()
    if not (box and header):
        return False
    return box["y"] >= header["height"] and box["y"] + box["height"] <= PHONE["height"]


def test_energy_bills_give_three_energy_actions_in_view_in_one_tap(  # type: ignore[no-untyped-def]
    server: str, phone, catalogue: Catalogue
) -> None:
    open_home(phone, server + "index.html")
    phone.get_by_role("link", name="Nos factures d'énergie explosent").click()  # 1 tap
    items = phone.locator("#terreau-conseils ol > li")
    items.first.wait_for()
    phone.wait_for_timeout(200)  # the scroll to the answer
    energy = {c.url for c in catalogue.of_model(Action) if c.meta.axe == "resilience-energetique"}
    seen = []
    for i in range(items.count()):
        item = items.nth(i)
        if not in_view(phone, item):
            continue
        href = item.locator("a.terreau-suggestion__titre").get_attribute("href") or ""
        facts = item.locator(".terreau-faits").inner_text()
        if href.replace(server, "") in energy and "Coût : " in facts and "Porté par : " in facts:
            seen.append(href)
    assert len(seen) >= 3, seen


def test_knowing_residents_needs_leads_to_the_collective_survey_in_two_taps(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    open_home(phone, server + "index.html")
    phone.get_by_role("link", name="Savoir ce dont les habitants ont besoin").click()  # 1
    first = phone.locator("#terreau-conseils ol > li").first
    first.wait_for()
    phone.wait_for_timeout(200)
    survey = phone.locator("#terreau-conseils").get_by_role("link", name="Enquête collective", exact=True)
    assert in_view(phone, survey)
    survey.click()  # 2
    phone.wait_for_url("**/methodes/enquete-collective.html")
    assert phone.locator("h1").inner_text() == "Enquête collective"


def test_a_small_communes_record_with_its_population_in_two_taps(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    luc = communes.get("11209")
    assert luc is not None and luc.population is not None and luc.population < 2000
    open_home(phone, server + "index.html")
    phone.get_by_role("link", name="Nos factures d'énergie explosent").click()  # 1
    field = phone.locator("#terreau-terrain li", has_text="Luc-sur-Aude")
    field.wait_for()
    assert f"Aude · {luc.population} habitants" in field.inner_text()
    field.get_by_role("link").click()  # 2
    phone.wait_for_url("**/retours/luc-sur-aude-energie-citoyenne.html")
    assert f"{luc.population} habitants" in phone.locator("article").inner_text()


@pytest.mark.parametrize("over", ["http", "file"])
def test_the_communes_name_fills_its_size_and_departement(over: str, server: str, site: Path, phone) -> None:  # type: ignore[no-untyped-def]
    address = server + "index.html" if over == "http" else (site / "index.html").as_uri()
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    open_home(phone, address)
    phone.get_by_role("link", name="Le dernier commerce va fermer").click()
    phone.locator("#terreau-conseils ol > li").first.wait_for()
    field = phone.get_by_label("Nom de la commune")
    field.fill("luc sur aude")  # as people type it: no capitals, no hyphens
    state = phone.locator("#terreau-commune-etat", has_text="habitants")
    state.wait_for()
    assert state.inner_text().startswith("Luc-sur-Aude (Aude) : 257 habitants")
    assert phone.locator("#terreau-q-taille").input_value() == "moins-500"
    # Only the communes whose names start with « l » were loaded, from the site itself.
    loaded = [u for u in requests if "/communes-" in u]
    assert sorted(u.rsplit("/", 1)[1] for u in loaded) == ["communes-departements.js", "communes-l.js"]
    assert all(u.startswith(address.rsplit("/", 1)[0]) for u in requests)
    # A name several communes share asks which one.
    field.fill("Saint-Martin")
    phone.locator("#terreau-commune-etat", has_text="portent ce nom").wait_for()
    # Kept for the next visit.
    phone.reload()
    phone.wait_for_selector("#terreau-depart[data-pret='oui']", state="attached")
    if over == "http":  # file:// keeps nothing in some browsers: then nothing is restored
        assert phone.get_by_label("Nom de la commune").input_value() == "Luc-sur-Aude (Aude)"


def test_without_javascript_each_situation_has_its_own_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "index.html")
    page.get_by_role("link", name="Nos factures d'énergie explosent").click()
    page.wait_for_url("**/trouver/factures-energie.html")
    assert page.locator("h1").inner_text().startswith("Nos factures d'énergie explosent")
    first = page.locator(".terreau-suggestions li").first
    assert "Coût : " in first.inner_text() and "Porté par : " in first.inner_text()
    assert page.locator("#terreau-terrain").count() == 1
    context.close()

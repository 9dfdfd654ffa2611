"""Find by need, in chromium: the home questions, the facets and their counts, the address,
accent-insensitive and typo-tolerant search, evidence on card pages, and no JavaScript at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from terreau.core.catalogue import Catalogue, build
from terreau.core.vocabulary import vocabulary
from terreau.derive import finder

pytestmark = pytest.mark.browser

STATUS = "document.getElementById('terreau-recherche-etat').textContent"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")


def expected_count(catalogue: Catalogue, **wanted: list[str]) -> int:
    """How many cards have, for every facet given, at least one of the wanted values."""
    count = 0
    for card in catalogue.cards.values():
        values = finder.facet_values(card, catalogue)
        if all(set(values[f]) & set(v) for f, v in wanted.items()):
            count += 1
    return count


def wait_status(page, text: str) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"() => {STATUS}.includes({text!r})")
    return str(page.evaluate(f"() => {STATUS}"))


def home(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "index.html")
    page.wait_for_selector("#terreau-depart[data-pret='oui']", state="attached")


def test_a_situation_leads_to_the_surveys_and_a_parcours_in_two_clicks(server: str, page) -> None:  # type: ignore[no-untyped-def]
    home(page, server)
    page.get_by_role("link", name="Impliquer les habitants").click()  # 1
    advice = page.locator("#terreau-conseils")
    advice.locator("li").first.wait_for()
    assert page.locator("#terreau-reponse-titre").inner_text() == "Impliquer les habitants"
    assert page.get_by_role("link", name="Impliquer les habitants").get_attribute("aria-current") == "true"
    titles = advice.locator("li a.terreau-suggestion__titre").all_inner_texts()
    assert titles[:3] == ["Exposition évolutive", "Enquête collective", "Porte-à-porte des besoins"]
    parcours = "Démarrer une démarche de résilience dans une commune de moins de 1 000 habitants"
    assert parcours in titles
    assert "situation=impliquer" in page.url  # a reload or a shared link shows the same answer
    advice.get_by_role("link", name="Porte-à-porte des besoins", exact=True).click()  # 2
    page.wait_for_url("**/methodes/porte-a-porte-des-besoins.html")


def test_every_answer_changes_the_advice_like_python(server: str, page, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    home(page, server)
    page.get_by_role("link", name="Faire le bilan de ce que nous avons lancé").click()
    page.locator("#terreau-conseils li").first.wait_for()
    for name, value in (("taille", "moins-500"), ("porteur", "elus"), ("cout", "nul")):
        page.locator(f"#terreau-q-{name}").select_option(value)
    cards, _ = finder.suggest(catalogue, finder.Question("evaluer", "moins-500", "elus", None, "nul"))
    expected = [s.card.meta.titre for s in cards]
    assert expected, "the question has an answer"
    page.wait_for_function(
        "n => document.querySelectorAll('#terreau-conseils ol li').length === n", arg=len(expected)
    )
    shown = page.locator("#terreau-conseils ol li a.terreau-suggestion__titre").all_inner_texts()
    assert shown == expected


def test_each_facet_narrows_the_results_with_correct_counts(server: str, page, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "recherche.html")
    wait_status(page, f"{len(catalogue.cards)} fiches")
    methods = expected_count(catalogue, type=["methode"])
    assert page.locator(".terreau-compte[data-facette='type'][data-valeur='methode']").text_content() == (
        f"({methods})"
    )
    page.locator("#terreau-f-type-methode").check()
    wait_status(page, f"{methods} fiches")
    both = expected_count(catalogue, type=["methode"], besoins=["mobiliser"])
    mobilise = page.locator(".terreau-compte[data-facette='besoins'][data-valeur='mobiliser']")
    assert mobilise.text_content() == f"({both})"
    page.locator("#terreau-f-besoins-mobiliser").check()
    wait_status(page, f"{both} fiche")
    small = expected_count(catalogue, type=["methode"], besoins=["mobiliser"], communes=["moins-500"])
    small_count = page.locator(".terreau-compte[data-facette='communes'][data-valeur='moins-500']")
    assert small_count.text_content() == f"({small})"
    # Within one facet, values add up (or); across facets, they narrow (and).
    page.locator("#terreau-f-type-outil").check()
    either = expected_count(catalogue, type=["methode", "outil"], besoins=["mobiliser"])
    wait_status(page, f"{either} fiche")
    assert "type=methode" in page.url and "type=outil" in page.url and "besoins=mobiliser" in page.url


def test_the_address_restores_a_filtered_view(server: str, page, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "recherche.html?q=questionnaire&type=outil")
    status = wait_status(page, "« questionnaire »")
    assert page.locator("#terreau-recherche-champ").input_value() == "questionnaire"
    assert page.locator("#terreau-f-type-outil").is_checked()
    assert not page.locator("#terreau-f-type-methode").is_checked()
    kinds = page.locator("#terreau-recherche-resultats .terreau-resultat__type").all_text_contents()
    assert kinds and set(kinds) == {"Fiche outil"}
    assert status.startswith(f"{len(kinds)} fiche") or "affichées" in status


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("energie", "Réinvestir les économies d'énergie de la commune"),
        ("reemploi", "Ressourcerie et ateliers de réemploi"),
        ("sante", "S'engager dans un contrat local de santé"),
        ("residense", "Résidence de territoire longue et immersive"),  # one letter wrong
    ],
)
def test_accents_and_a_typo_do_not_matter(server: str, page, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "recherche.html")
    page.wait_for_selector("form[data-pret='oui']")
    page.locator("#terreau-recherche-champ").fill(query)
    wait_status(page, f"« {query} »")
    titles = page.locator("#terreau-recherche-resultats li a").all_inner_texts()
    assert expected in titles[:3], titles[:5]


def test_the_finder_works_with_the_keyboard_alone(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "recherche.html")
    page.wait_for_selector("form[data-pret='oui']")
    page.locator("#terreau-recherche-champ").focus()
    page.keyboard.type("jardin")
    wait_status(page, "« jardin »")
    for _ in range(10):  # from the field, through the button, to the first facet box
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id === 'terreau-f-type-methode'"):
            break
    assert page.evaluate("() => document.activeElement.id") == "terreau-f-type-methode"
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none"
    page.keyboard.press("Space")
    assert page.locator("#terreau-f-type-methode").is_checked()
    page.wait_for_function("() => location.search.includes('type=methode')")


def test_a_card_shows_its_evidence_and_what_others_learned(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "methodes/porte-a-porte-des-besoins.html")
    badge = page.locator(".terreau-preuves").inner_text()
    # Léaz (2018), Le Fraysse (2019), Combloux (2020), Lunas (2021), Ferney-Voltaire (until October 2023).
    assert "5 retours d'expérience" in badge and "le plus récent : octobre 2023" in badge
    learned = page.locator("#terreau-appris + ul")
    assert "Léaz : premier porte-à-porte des besoins" in learned.inner_text()
    assert "à partir de décembre 2018" in learned.inner_text()


def test_without_javascript_the_home_page_links_to_a_page_per_situation(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(server + "index.html")
    assert not page.locator("#terreau-depart").is_visible()
    page.get_by_role("link", name="Impliquer les habitants").click()
    assert page.url.endswith("trouver/impliquer.html")
    suggestions = page.locator(".terreau-suggestions li > a.terreau-suggestion__titre").all_inner_texts()
    assert "Enquête collective" in suggestions
    assert page.get_by_role(
        "link", name="Démarrer une démarche de résilience dans une commune de moins de 1 000 habitants"
    ).first.is_visible()
    context.close()


def test_the_map_places_feedback_by_departement(site: Path) -> None:
    html = (site / "retours/index.html").read_text("utf-8")
    assert '<svg viewBox="0 0 600 560" role="img"' in html
    assert "<strong>Ain (01)</strong>" in html and "Léaz : premier porte-à-porte des besoins" in html
    assert html.count('class="terreau-carte__fond"') + html.count('class="terreau-carte__lieu"') == 96


def test_a_feedback_record_is_found_by_the_size_of_its_communes() -> None:
    """« Retour d'expérience » + a size: a record counts by its communes' population."""
    catalogue = build(ROOT / "tests/fixtures/base")
    record = catalogue.cards["retour-essai"]
    populations = [c.population for c in record.meta.lieu.communes]  # type: ignore[union-attr]
    assert populations == [70000]
    assert finder.facet_values(record, catalogue)["communes"] == ["plus-10000"]
    sizes = vocabulary("taille_commune")
    assert [sizes.size_of(n) for n in (0, 499, 500, 1999, 2000, 9999, 10000)] == [
        "moins-500", "moins-500", "500-2000", "500-2000", "2000-10000", "2000-10000", "plus-10000",
    ]  # fmt: skip

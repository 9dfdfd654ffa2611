"""Kits: a trainer ticks cards in the finder and prints one booklet (cover, contents, the
cards in order, page numbers), or prints a parcours the same way."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def test_five_ticked_cards_print_as_one_booklet(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "recherche.html?q=atelier")
    page.wait_for_function(
        "() => document.getElementById('terreau-recherche-etat').textContent.includes('« atelier »')"
    )
    results = page.locator("#terreau-recherche-resultats li")
    chosen = [results.nth(i).locator("a").inner_text() for i in range(5)]
    for i in range(5):
        results.nth(i).get_by_label(f"Ajouter « {chosen[i]} » au kit à imprimer").check()
    assert page.url.count("%2C") == 4  # the kit is kept in the address too
    page.get_by_role("link", name="Imprimer le kit (5 fiches)").click()
    page.wait_for_selector("#terreau-kit[data-pret='oui']")
    assert page.locator(".terreau-kit__sommaire li").all_inner_texts() == chosen
    titles = page.locator(".terreau-kit__titre").all_inner_texts()
    assert titles == [f"{i + 1}. {t}" for i, t in enumerate(chosen)]
    assert page.get_by_role("button", name="Imprimer le kit").is_visible()
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 6  # the cover (with the contents), then at least a page per card
    assert "Kit de fiches Terreau" in pages[0] and "Sommaire" in pages[0]
    for n, text in enumerate(pages, start=1):
        assert re.search(rf"Page {n} / {len(pages)}", text), n
    starts = [next(i for i, t in enumerate(pages) if f"{k + 1}. {chosen[k][:15]}" in t) for k in range(5)]
    assert starts == sorted(starts)


def test_a_parcours_prints_as_a_booklet_from_the_browser(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "parcours/demarrer-moins-de-1000-habitants.html")
    page.get_by_role("link", name="Imprimer ce parcours en livret depuis le navigateur").click()
    page.wait_for_selector("#terreau-kit[data-pret='oui']")
    cover = page.locator(".terreau-kit__couverture").inner_text()
    assert "Démarrer une démarche de résilience" in cover and "5 fiches" in cover
    assert page.locator(".terreau-kit__sommaire li").first.inner_text() == "Exposition évolutive"


CARDS = {
    "methodes/enquete-collective.html": "enquete-collective",
    "outils/guide-entretien-semi-directif.html": "guide-entretien-semi-directif",
    "outils/modele-questionnaire-enquete.html": "modele-questionnaire-enquete",
}
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FRENCH_DATE = rf"\b(1er|\d{{1,2}}) ({MONTHS}) 20\d\d\b"


def kit_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#terreau-kit-liste .terreau-kit__nom").all_inner_texts()


def test_a_kit_built_from_card_pages_is_reordered_kept_shared_and_printed(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 360, "height": 740})
    titles = []
    for n, path in enumerate(CARDS, start=1):
        page.goto(server + path)
        titles.append(page.locator("h1").first.inner_text().replace("¶", "").strip())
        add = page.get_by_role("button", name="Ajouter au kit")
        assert add.get_attribute("aria-pressed") == "false"
        add.click()
        toggle = page.locator(".terreau-kit-fiche__bouton")
        assert toggle.inner_text() == "Retirer du kit" and toggle.get_attribute("aria-pressed") == "true"
        assert page.get_by_role("link", name=f"Voir le kit ({n})").is_visible()
    # Navigation: another page, then back to a card already in the kit.
    page.goto(server + "recherche.html")
    page.wait_for_selector("#terreau-recherche[data-pret='oui']")
    page.goto(server + "methodes/enquete-collective.html")
    assert page.get_by_role("button", name="Retirer du kit").get_attribute("aria-pressed") == "true"
    page.get_by_role("link", name="Voir le kit (3)").click()
    page.wait_for_selector("#terreau-kit[data-pret='oui']")
    assert kit_names(page) == titles

    page.get_by_role("button", name=f"Monter « {titles[2]} »").click()
    assert kit_names(page) == [titles[0], titles[2], titles[1]]
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == f"Monter « {titles[2]} »"  # focus follows the moved sheet
    page.get_by_role("button", name=f"Retirer « {titles[0]} »").click()
    kept = [titles[2], titles[1]]
    assert kit_names(page) == kept
    page.get_by_label("Titre du kit").fill("Atelier enquête du 12 mars")
    page.reload()
    page.wait_for_selector("#terreau-kit[data-pret='oui']")
    assert kit_names(page) == kept
    page.goto(server + "index.html")
    page.goto(server + "kit.html")  # from the browser's storage alone
    page.wait_for_selector("#terreau-kit[data-pret='oui']")
    assert kit_names(page) == kept
    assert page.get_by_label("Titre du kit").input_value() == "Atelier enquête du 12 mars"

    page.get_by_role("button", name="Partager ce kit").click()
    shared = page.get_by_label("Adresse à partager").input_value()
    assert "fiches=modele-questionnaire-enquete%2Cguide-entretien-semi-directif" in shared
    fresh = page.context.browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740})
    try:
        other = fresh.new_page()
        other.goto(shared)
        other.wait_for_selector("#terreau-kit[data-pret='oui']")
        assert kit_names(other) == kept
        assert other.get_by_label("Titre du kit").input_value() == "Atelier enquête du 12 mars"
    finally:
        fresh.close()

    page.emulate_media(media="print")
    before_cover = page.evaluate(
        """() => {
          const cover = document.querySelector('.terreau-kit__couverture');
          return [...document.querySelectorAll('body *')]
            .filter(el => !el.contains(cover))
            .filter(el => el.compareDocumentPosition(cover) & Node.DOCUMENT_POSITION_FOLLOWING)
            .filter(el => el.getClientRects().length && el.innerText && el.innerText.trim())
            .map(el => el.tagName + '.' + el.className);
        }"""
    )
    assert before_cover == []  # the cover comes first on paper
    cover = page.locator(".terreau-kit__couverture").inner_text()
    assert "Atelier enquête du 12 mars" in cover and re.search(FRENCH_DATE, cover)
    assert "Textes sous licence CC BY-SA 4.0 — Terreau" in cover
    assert page.locator(".terreau-kit__sommaire li").all_inner_texts() == kept
    for hidden in (".md-header", ".md-sidebar--primary", "#terreau-kit-gestion", "h1"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("button:visible").count() == 0
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    pages = [p.extract_text() for p in reader.pages]
    assert "Atelier enquête du 12 mars" in pages[0] and re.search(FRENCH_DATE, pages[0])
    assert "CC BY-SA 4.0" in pages[0]
    summary = page.locator(".terreau-kit__fiche .terreau-fiche__resume").first.inner_text()[:30]
    assert summary not in pages[0]  # the cover holds page 1 alone, the first card starts page 2
    assert summary in pages[1] and "1. " + kept[0][:15] in pages[1]


def test_the_kit_is_reordered_with_the_keyboard_alone(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(server + "kit.html?fiches=" + ",".join(CARDS.values()))
    page.wait_for_selector("#terreau-kit[data-pret='oui']")
    before = kit_names(page)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Monter « {before[2]} »":
            break
    else:
        raise AssertionError("« Monter » of the last sheet is not reached with the keyboard")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # focus stayed on the moved sheet's « Monter »
    assert kit_names(page) == [before[2], before[0], before[1]]
    # At the top « Monter » is disabled: focus went to its « Descendre ».
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Descendre « {before[2]} »"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # « Retirer »
    assert kit_names(page) == [before[0], before[1]]


def test_without_storage_the_kit_lives_in_the_address(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR")
    try:
        context.add_init_script(
            "Object.defineProperty(window, 'localStorage', {get() { throw new Error('refusé'); }});"
        )
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server + "outils/guide-entretien-semi-directif.html")
        pg.get_by_role("button", name="Ajouter au kit").click()
        pg.get_by_role("link", name="Voir le kit (1)").click()
        pg.wait_for_selector("#terreau-kit[data-pret='oui']")
        assert len(kit_names(pg)) == 1
        assert errors == []
    finally:
        context.close()

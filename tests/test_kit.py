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
    assert page.get_by_role("button", name="Imprimer le livret").is_visible()
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 7  # cover, contents, then at least a page per card
    assert "Kit de fiches Terreau" in pages[0]
    assert "Sommaire" in pages[1]
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

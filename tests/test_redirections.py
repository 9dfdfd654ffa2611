"""Merged cards: their old address still leads to the card kept, and two cards that read
alike are flagged unless one says why they must both stay."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, build_site
from terreau.core.catalogue import build
from terreau.core.redirects import read

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_old_address_of_the_corpus_leads_to_a_card(docs: Path) -> None:
    catalogue = build(docs)
    redirects, problems = read(docs, "docs/")
    assert problems == [] and redirects, "docs/redirections.yml se lit sans problème"
    for r in redirects:
        assert r.old not in catalogue.cards
        assert r.new in catalogue.cards


def test_the_old_address_is_a_french_page_that_leads_to_the_card_kept(
    docs: Path, tmp_path: Path, page: object
) -> None:
    site = tmp_path / "site"
    build_site(docs, site)
    old = site / "actions" / "podcast-transition-commune.html"
    html = old.read_text("utf-8")
    target = "../methodes/mise-en-recit-podcast.html"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<link rel="canonical"' in html
    assert (
        "Cette fiche a été fusionnée avec « Mise en récit et podcast » le 30 novembre 2026 : "
        f'<a href="{target}">aller à la fiche</a>' in html
    )
    # Never offered as a page of its own: not in the sitemap, the search index or the listings.
    assert "podcast-transition-commune" not in (site / "sitemap.xml").read_text("utf-8")
    for index in (site / "assets/terreau/recherche").rglob("*"):
        if index.is_file():
            assert "podcast-transition-commune" not in index.read_text("utf-8", errors="replace")
    assert "redirections.yml" not in {p.name for p in site.rglob("*")}
    # Kept in the offline archive: a bookmark into the unpacked folder works too.
    with zipfile.ZipFile(site / "terreau-hors-ligne.zip") as archive:
        assert any(n.endswith("actions/podcast-transition-commune.html") for n in archive.namelist())
    # From a folder (file://), the browser ends on the card kept.
    page.goto(old.as_uri())  # type: ignore[attr-defined]
    page.wait_for_url("**/methodes/mise-en-recit-podcast.html")  # type: ignore[attr-defined]
    assert page.locator("h1").first.inner_text().startswith("Mise en récit")  # type: ignore[attr-defined]


def test_near_duplicates_can_be_silenced_with_a_reason(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "base", docs)
    card = (docs / "methodes" / "methode-essai.md").read_text("utf-8")
    copy = docs / "methodes" / "methode-essai-copie.md"
    copy.write_text(card, "utf-8")
    assert [p.code for p in build(docs).problems] == ["FICHES_PROCHES", "FICHES_PROCHES"]
    # The reviewer's check (terreau valider, pull requests); the site build skips it.
    assert build(docs, review=False).problems == []
    silenced = card.replace(
        "relu_le:", "ignorer: [FICHES_PROCHES]\nraison: Deux variantes voulues.\nrelu_le:"
    )
    copy.write_text(silenced, "utf-8")
    assert build(docs).problems == []


@pytest.mark.parametrize("old", ["methodes/methode-essai", "actions/action-essai"])
def test_a_redirect_from_a_live_card_is_an_error(tmp_path: Path, old: str) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "base", docs)
    (docs / "redirections.yml").write_text(
        f"- ancienne: {old}\n  nouvelle: outil-essai\n  date: 2026-11-30\n", "utf-8"
    )
    assert [p.code for p in build(docs).problems] == ["REDIRECTION_ACTIVE"]


def test_near_duplicates_are_found_without_comparing_every_pair() -> None:
    """The check compares only cards sharing an uncommon word of their title, summary or
    keywords (every pair would take minutes at 5,000 cards): on the shipped corpus it finds
    every pair that comparing every pair finds, down to well below the warning's threshold."""
    from terreau.core import content_checks

    cards = list(build(ROOT / "docs").cards.values())
    quick = content_checks.proximity(cards, floor=0.2)
    every = content_checks.proximity(cards, floor=0.2, every_pair=True)
    assert len(every) >= 10
    assert [(round(s, 9), a.id, b.id) for s, a, b in quick] == [
        (round(s, 9), a.id, b.id) for s, a, b in every
    ]

"""The glossary (core/data/glossaire.yml): its page, the links to it from every page, and
the plain words of the public pages (no forge jargon, maintainers' pages out of the menu)."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from conftest import ROOT, build_site
from terreau.core import pages
from terreau.site import glossary
from test_golden import lay_out

HREF = "glossaire.html"


def links_of(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="terreau-glossaire" href="([^"]+)">([^<]*)</a>', html)


def unlinked(html: str) -> str:
    """``html`` without the glossary links (their words kept)."""
    return re.sub(r'<a class="terreau-glossaire" href="[^"]+">([^<]*)</a>', r"\1", html)


def article(html: str) -> str:
    match = re.search(r"<article\b.*?</article>", html, re.DOTALL)
    assert match is not None
    return match.group(0)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped docs/, built without PDFs."""
    site = tmp_path_factory.mktemp("glossaire-site")
    build_site(ROOT / "docs", site, pdf=False)
    return site


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/base/ with a card whose text says « compostabilité » twice."""
    docs = lay_out(tmp_path_factory.mktemp("glossaire-docs") / "docs")
    card = docs / "methodes" / "methode-essai.md"
    card.write_text(
        card.read_text("utf-8")
        + "\n## Pour aller plus loin\n\nLa Compostabilité de cette méthode est bonne ; "
        "la compostabilité se lit aussi en fin de fiche.\n",
        "utf-8",
    )
    site = tmp_path_factory.mktemp("glossaire-out")
    build_site(docs, site, pdf=False)
    return site


# -- the glossary page ---------------------------------------------------------------------


def test_glossary_page_lists_every_term_with_its_anchor(full_site: Path) -> None:
    page = (full_site / HREF).read_text("utf-8")
    assert glossary.terms(), "the data file has terms"
    for term in glossary.terms():
        assert f'<dt id="{term.anchor}">{htmllib.escape(term.term, quote=False)}</dt>' in page.replace(
            "&#39;", "'"
        ), term.term
    anchors = [t.anchor for t in glossary.terms()]
    assert len(set(anchors)) == len(anchors), "one anchor per term"
    assert 10 <= len(anchors) <= 15


def test_glossary_is_in_the_menu(full_site: Path) -> None:
    home = (full_site / "index.html").read_text("utf-8")
    assert 'href="glossaire.html"' in home


# -- links from the pages ------------------------------------------------------------------


def test_first_occurrence_on_a_card_is_linked_and_not_the_second(fixture_site: Path) -> None:
    page = article((fixture_site / "methodes" / "methode-essai.html").read_text("utf-8"))
    found = [(href, word) for href, word in links_of(page) if href.endswith("#compostabilite")]
    assert found == [("../glossaire.html#compostabilite", "Compostabilité")]
    assert "la compostabilité se lit aussi" in page  # the second one, left as it is
    # The header's « Maturité » label leads to the entry too.
    assert 'href="../glossaire.html#maturite">Maturité</a></dt>' in page


def test_a_page_links_to_the_glossary_relative_to_itself(full_site: Path) -> None:
    page = article((full_site / "a-propos.html").read_text("utf-8"))
    assert ("glossaire.html#compostabilite", "compostabilité") in links_of(page)
    assert not links_of(article((full_site / HREF).read_text("utf-8"))), "no link to itself"


def test_hostile_markup_gets_no_link_where_none_belongs() -> None:
    html = (
        "<p title=\"compostabilité\" data-x='a > maturité'>rien</p>"
        '<h2 id="compostabilite">Compostabilité</h2>'
        '<p><a href="x.html">la compostabilité</a> <code>maturité</code></p>'
        "<pre><code>compostabilité</code></pre>"
        "<!-- compostabilité -->"
        "<p>compostabilités, recompostabilité, maturités, inmaturité</p>"
        "<p><a href='y'><em>maturité</em></a> <kbd>parcours</kbd></p>"
        "<p>La compostabilité, puis la MATURITÉ, puis compostabilité et maturite.</p>"
    )
    linked = glossary.link(html, "methodes/m.html")
    assert links_of(linked) == [
        ("../glossaire.html#compostabilite", "compostabilité"),
        ("../glossaire.html#maturite", "MATURITÉ"),
    ]
    # Everything else is kept byte for byte.
    assert unlinked(linked) == html


def test_unclosed_or_odd_markup_is_kept() -> None:
    for html in ["", "<p>", "texte seul", "a < b et compostabilité", "<a href='x'>maturité", "</a>maturité"]:
        linked = glossary.link(html, "index.html")
        assert unlinked(linked) == html
    assert links_of(glossary.link("<a href='x'>maturité", "index.html")) == []
    assert links_of(glossary.link("a < b et compostabilité", "index.html")) == [
        ("glossaire.html#compostabilite", "compostabilité")
    ]


def test_forms_with_typographic_apostrophes_and_spaces() -> None:
    linked = glossary.link("<p>Nos retours d’expérience et nos fiches&nbsp;outils.</p>", "index.html")
    assert [w for _h, w in links_of(linked)] == ["retours d’expérience", "fiches&nbsp;outils"]


# -- plain words on public pages -----------------------------------------------------------

JARGON = re.compile(
    r"\b(?:forges?|forks?|demandes? de fusion|merge requests?|pull requests?)\b"
    # « dépôt » as a code repository; a bread or drop-off « dépôt » is plain French.
    r"|\b(?:du|au|le|son|ce|un) dépôt\b(?! de\b| d['’])",
    re.IGNORECASE,
)


def public_pages(site: Path) -> list[Path]:
    hidden = {"contribuer.html", *(m.replace(".md", ".html") for m in pages.MAINTAINERS)}
    found = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel in hidden or rel.startswith(("contribuer/", "assets/", "404")):
            continue
        if 'http-equiv="refresh"' in path.read_text("utf-8")[:2000]:  # a merged card's old address
            continue
        found.append(path)
    return found


def test_no_forge_jargon_on_public_pages(full_site: Path) -> None:
    checked = public_pages(full_site)
    assert len(checked) > 150
    bad = []
    for path in checked:
        text = visible_text(article(path.read_text("utf-8")))
        bad += [f"{path.relative_to(full_site)}: {m.group(0)}" for m in JARGON.finditer(text)]
    assert not bad, bad


def test_jargon_pattern_catches_and_spares() -> None:
    assert JARGON.search("ouvrez un ticket sur la forge du projet")
    assert JARGON.search("l'historique du dépôt")
    assert JARGON.search("une demande de fusion")
    assert not JARGON.search("un dépôt de pain et un lieu de dépôt, au dépôt d'ordures")


def test_modifier_cette_page_on_cards_only(full_site: Path) -> None:
    home = article((full_site / "index.html").read_text("utf-8"))
    assert "Modifier cette page" not in home and "Partager un retour" in home
    assert "Modifier cette page" not in (full_site / "a-propos.html").read_text("utf-8")
    card = (full_site / "methodes" / "enquete-collective.html").read_text("utf-8")
    assert ">Modifier cette page</a>" in card


def test_maintainers_pages_are_out_of_the_menu_and_linked_from_contribuer(full_site: Path) -> None:
    home = (full_site / "index.html").read_text("utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', home, re.DOTALL)
    menu = nav.group(0) if nav else home
    contribuer = article((full_site / "contribuer.html").read_text("utf-8"))
    for maintainer in pages.MAINTAINERS:
        href = maintainer.replace(".md", ".html")
        assert f'href="{href}"' not in menu, href
        assert f'href="{href}"' in contribuer, href
        assert (full_site / href).is_file()
    assert 'href="contribuer.html"' in menu

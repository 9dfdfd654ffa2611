"""A real `mkdocs build`: a page per card with its metadata block, the search files, no leaks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PUBLISHED, ROOT, build_site
from markupsafe import escape
from mkdocs.exceptions import Abort
from terreau.core import parallel
from terreau.core.catalogue import build
from terreau.core.models import Action


def card_pages(site: Path) -> dict[str, str]:
    catalogue = build(ROOT / "docs")
    return {cid: (site / card.url).read_text("utf-8") for cid, card in catalogue.cards.items()}


def test_every_card_has_a_page_with_its_metadata_block(site: Path) -> None:
    pages = card_pages(site)
    assert len(pages) >= 10
    for cid, html in pages.items():
        assert 'class="terreau-fiche ' in html, cid
        assert '<html lang="fr"' in html, cid


def test_method_page_shows_what_a_mayor_needs(site: Path) -> None:
    html = (site / "methodes/enquete-collective.html").read_text("utf-8")
    assert '<h1 id="terreau-titre">Enquête collective</h1>' in html
    for label, value in [
        ("Durée", "2 à 4 mois"),
        ("Coût", "Coût faible (moins de 1 000 €)"),
        ("Qui porte", "Association, Collectif d&#39;habitants, Élus"),
        ("Taille du groupe", "10 à 30 personnes"),
        ("Maturité", "Expérimenté"),
    ]:
        # A label may link to the glossary (« Maturité »).
        assert re.search(rf"<dt>(<a [^>]*>)?{label}(</a>)?</dt>\s*<dd>{re.escape(value)}</dd>", html), label
    # What field feedback does not say (its communes' population) is not shown as « non renseigné ».
    assert "Mise en pratique :" in html and "non renseigné" not in html
    # Steps link to the tool sheets they use, and the tool sheet links back.
    assert 'href="../outils/guide-entretien-semi-directif.html"' in html
    tool = (site / "outils/guide-entretien-semi-directif.html").read_text("utf-8")
    assert 'href="../methodes/enquete-collective.html"' in tool


def test_action_page_shows_its_place_in_the_axis_tree(site: Path) -> None:
    html = (site / "actions/proteines-vegetales-restauration-collective.html").read_text()
    assert re.search(r"<dt>Axe</dt>\s*<dd>Résilience alimentaire</dd>", html)
    assert re.search(r"<dt>Objectif</dt>\s*<dd>Manger plus végétal et moins transformé</dd>", html)
    axis = (site / "axes/resilience-alimentaire.html").read_text("utf-8")
    assert "../actions/proteines-vegetales-restauration-collective.html" in axis


def test_feedback_page_links_to_the_card_it_used(site: Path) -> None:
    html = (site / "retours/boischaut-sud-enquete-collective.html").read_text("utf-8")
    assert 'href="../methodes/enquete-collective.html"' in html
    assert "http://www.adar-civam.fr/demarche-boischaut-sud-transition/" in html


def test_every_page_runs_terreau_js_before_the_themes_script(site: Path) -> None:
    """On every page (at every depth), the head script comes before the stylesheets, with the
    Content-Security-Policy before it, and terreau.js before mkdocs-material's bundle."""
    pages = 0
    for path in site.rglob("*.html"):
        html = path.read_text("utf-8")
        if "assets/javascripts/bundle." not in html:
            continue  # redirect pages, print fragments: no theme
        pages += 1
        head = html[: html.index("</head>")]
        assert head.index('http-equiv="Content-Security-Policy"') < head.index("md-base.js"), path
        assert head.index("md-base.js") < head.index('rel="stylesheet"'), path
        assert html.index("assets/terreau/terreau.js") < html.index("assets/javascripts/bundle."), path
    assert pages > 200


def test_search_files_are_served_with_the_site(site: Path) -> None:
    for name in (
        "moteur.js",
        "terreau.js",
        "md-base.js",
        "lunr/lunr-fr.js",
        "recherche/facettes.js",
        "recherche/index-0.js",
        "recherche/fiches-0.js",
    ):
        assert (site / "assets/terreau" / name).stat().st_size > 0, name
    table = (site / "assets/terreau/recherche/facettes.js").read_text("utf-8")
    assert table.startswith("window.TERREAU_FACETTES={")
    shard = (site / "assets/terreau/recherche/index-0.js").read_text("utf-8")
    assert shard.startswith("(window.TERREAU_TRANCHES=window.TERREAU_TRANCHES||{})[0]={")
    assert '"termes":[' in shard and '"postes":[' in shard and '"fiches":[' in shard


def test_pages_load_nothing_from_another_host(site: Path) -> None:
    for html_file in site.rglob("*.html"):
        html = html_file.read_text("utf-8")
        tags = re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html)
        for tag in tags:
            if re.search(r'rel="(?:canonical|alternate)"', tag):
                continue  # an address, not a request
            for url in re.findall(r'(?:src|href|srcset)="([^"]+)"', tag):
                assert not re.match(r"(?:https?:)?//", url), (html_file, tag)
    assert "fonts.googleapis" not in "".join(p.read_text("utf-8") for p in site.rglob("*.html"))


def test_listing_pages_list_every_card_of_their_kind(site: Path) -> None:
    html = (site / "methodes/index.html").read_text("utf-8")
    assert "Enquête collective" in html and "Exposition évolutive" in html


def test_build_fails_listing_every_invalid_card(
    docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    m = docs / "methodes/enquete-collective.md"
    m.write_text(m.read_text("utf-8").replace("axes: []", "axe: []"), "utf-8")
    (docs / "outils/vide.md").write_text("", "utf-8")
    with pytest.raises(Abort):
        build_site(docs, tmp_path / "site")
    message = caplog.text
    assert "2 problème(s) dans 2 fichier(s)" in message
    assert "methodes/enquete-collective.md:" in message and "CHAMP_INCONNU axe" in message
    assert "outils/vide.md:1: FICHIER_VIDE" in message


def test_hostile_markdown_is_rendered_inert(docs: Path, tmp_path: Path) -> None:
    m = docs / "methodes/enquete-collective.md"
    m.write_text(
        m.read_text("utf-8") + "\n<script>alert(1)</script>\n"
        '<img src="x" onerror="alert(2)">\n[clic](javascript:alert(3))\n'
        '<iframe src="https://exemple.org"></iframe>\n',
        "utf-8",
    )
    build_site(docs, tmp_path / "site")
    html = (tmp_path / "site/methodes/enquete-collective.html").read_text("utf-8")
    body = html[html.index('class="terreau-fiche ') :]
    for needle in ("alert(1)", "onerror", "javascript:", "<iframe"):
        assert needle not in body, needle


def test_root_files_are_as_the_owner_asked() -> None:
    for name in (
        "mkdocs.yml",
        "pyproject.toml",
        "docs",
        "tools",
        "schemas",
        "scripts",
        "tests",
        "LICENSE-CC-BY-SA",
        "README.md",
    ):
        assert (ROOT / name).exists(), name
    assert "Attribution-ShareAlike 4.0 International Public License" in (ROOT / "LICENSE-CC-BY-SA").read_text(
        "utf-8"
    )


def test_feedback_page_shows_its_self_evaluation_grid(docs: Path, tmp_path: Path) -> None:
    base = (ROOT / "tests/fixtures/base/retours/retour-essai.md").read_text("utf-8")
    (docs / "retours/retour-essai.md").write_text(
        base.replace("fiches: [methode-essai]", "fiches: [enquete-collective]"), "utf-8"
    )
    build_site(docs, tmp_path / "site")
    html = (tmp_path / "site/retours/retour-essai.html").read_text("utf-8")
    assert "Notes données par Association d&#39;essai" in html
    assert re.search(r"<th scope=\"row\">Coopération entre acteurs</th><td>3 / 3 — Pleinement</td>", html)
    assert re.search(r"<th scope=\"row\">Pérennité</th><td>0 / 3 — Pas du tout</td>", html)
    assert "Ajaccio (code INSEE 2A004, 70\u202f000 habitants (2021))" in html


def test_same_sources_build_the_same_bytes(tmp_path: Path, site: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The session's site was built by `terreau construire` with child processes; this one in
    # a single process, with a fresh cache: the PDFs are laid out again, not copied.
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    again = tmp_path / "again"
    build_site(ROOT / "docs", again, pdf=True, cache=tmp_path / "cache", site_url=PUBLISHED)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert not any(str(site).encode() in data for data in first.values())


def test_broken_internal_link_fails_the_build_naming_the_file(
    docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    m = docs / "methodes/enquete-collective.md"
    m.write_text(m.read_text("utf-8") + "\nVoir [la fiche](../outils/inexistante.md).\n", "utf-8")
    with pytest.raises(Abort):
        build_site(docs, tmp_path / "site")
    assert "methodes/enquete-collective.md" in caplog.text
    assert "inexistante.md" in caplog.text


def test_broken_anchor_fails_the_build(docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    m = docs / "methodes/enquete-collective.md"
    m.write_text(m.read_text("utf-8") + "\nVoir [plus haut](#section-absente).\n", "utf-8")
    with pytest.raises(Abort):
        build_site(docs, tmp_path / "site")
    assert "section-absente" in caplog.text


def test_every_action_shows_its_field_examples_or_asks_for_one(site: Path) -> None:
    """An action's sourced field examples (front matter « exemples ») are on its page, each
    with its source; an action with neither example nor feedback record says so and links
    to the form, with that action ticked."""
    catalogue = build(ROOT / "docs")
    asking = 0
    for card in catalogue.of_model(Action):
        html = (site / card.url).read_text("utf-8")
        for example in card.meta.exemples:
            assert f"<strong>{escape(example.lieu)}</strong>" in html, card.id
            if example.source.url:
                assert f'href="{escape(example.source.url)}"' in html, card.id
        if not card.meta.exemples and 'id="terreau-appris"' not in html:
            assert f'raconter.html?fiche={card.id}">racontez le vôtre</a>' in html, card.id
            asking += 1
    assert 0 < asking < len(catalogue.of_model(Action))

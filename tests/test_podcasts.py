"""« Écouter d'autres communes » (core/data/podcasts.yml): every entry names a real episode
with its title, producer, date and link; the page shows them by theme; the podcast cards
lead to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, build_site
from pydantic import ValidationError
from terreau.core import podcasts

ENTRY = """
themes:
  - id: recits
    titre: Des récits
ecoutes:
  - titre: Un épisode
    producteur: Une radio
    date: "{date}"
    lien: https://exemple.org/episode
    resume: Ce que l'épisode raconte.
    theme: {theme}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped docs/, built without PDFs."""
    out = tmp_path_factory.mktemp("podcasts-site")
    build_site(ROOT / "docs", out, pdf=False)
    return out


def test_every_entry_has_a_title_a_producer_a_date_and_a_link() -> None:
    entries = podcasts.listening().ecoutes
    assert 8 <= len(entries) <= 15, "the page lists 8 to 15 episodes or series"
    for e in entries:
        assert e.titre.strip() and e.producteur.strip() and e.resume.strip()
        assert re.fullmatch(podcasts.DATE[1:-1], e.date), e.titre
        assert e.lien.startswith("https://"), e.titre
        assert all(url.startswith("https://") for url in e.sources), e.titre


def test_no_entry_is_listed_twice_and_every_theme_has_entries() -> None:
    listening = podcasts.listening()
    links = [e.lien for e in listening.ecoutes]
    assert len(links) == len(set(links))
    assert [t.id for t, _entries in listening.by_theme()] == [t.id for t in listening.themes]


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        ("2020-07-30", "30 juillet 2020"),
        ("2021-05", "mai 2021"),
        ("2022", "2022"),
        ("2019-11-01", "1er novembre 2019"),
    ],
)
def test_a_date_is_shown_as_precisely_as_it_is_known(date: str, shown: str) -> None:
    assert podcasts.read(ENTRY.format(date=date, theme="recits")).ecoutes[0].date_fr == shown


@pytest.mark.parametrize("date", ["2020-13", "2020-02-30", "30/07/2020", "juillet 2020", ""])
def test_an_impossible_or_vague_date_is_refused(date: str) -> None:
    with pytest.raises(ValidationError):
        podcasts.read(ENTRY.format(date=date, theme="recits"))


def test_an_entry_without_producer_or_with_an_unknown_theme_is_refused() -> None:
    with pytest.raises(ValidationError):
        podcasts.read(ENTRY.format(date="2020", theme="inconnu"))
    with pytest.raises(ValidationError):
        podcasts.read(ENTRY.format(date="2020", theme="recits").replace("    producteur: Une radio\n", ""))
    with pytest.raises(ValidationError):  # unknown keys are typos
        podcasts.read(ENTRY.format(date="2020", theme="recits") + "    auteur: Quelqu'un\n")


def test_the_page_shows_every_entry_by_theme_with_its_link_and_date(site: Path) -> None:
    page = (site / "podcasts.html").read_text("utf-8")
    listening = podcasts.listening()
    for theme, entries in listening.by_theme():
        assert f'<h2 id="{theme.id}">{theme.titre}</h2>' in page
        for e in entries:
            assert f'href="{e.lien}" rel="noopener noreferrer nofollow"' in page.replace("&amp;", "&")
            assert f'<time datetime="{e.date}">{e.date_fr}</time>' in page
    assert 'href="podcasts.html"' in (site / "index.html").read_text("utf-8"), "the page is in the menu"


CARDS = ["methodes/mise-en-recit-podcast.html", "outils/guide-enregistrement-podcast.html"]


@pytest.mark.parametrize("card", CARDS)
def test_the_podcast_cards_lead_to_the_page(site: Path, card: str) -> None:
    assert 'href="../podcasts.html"' in (site / card).read_text("utf-8")

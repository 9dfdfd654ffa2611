"""What the offline archives hold: the whole site, and one smaller archive per axis and per
kind of card, each a site of its own (its cards and their PDFs, the shared assets, an entry
page, and a page for the links that leave it). archive.py writes them; this module says what
goes in and renders the pages that only the archives have."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import jinja2

from terreau.core import pages
from terreau.core.catalogue import Catalogue, points_to
from terreau.core.loader import AnyCard
from terreau.core.models import FOLDERS, Action, Axe, Parcours
from terreau.core.vocabulary import vocabulary
from terreau.derive.search_index import fold
from terreau.site import address as published
from terreau.site import archive, hosting
from terreau.site.render import size_label

OFFLINE_PAGE = pages.OFFLINE[0].removesuffix(".md") + ".html"
# Pages of the site every archive carries, so that no link of its cards' pages leads out of it
# for them: the words the cards link to, and the page that lists the archives (the footer's).
SHARED_PAGES = (
    (pages.GLOSSARY.removesuffix(".md") + ".html", "Glossaire"),
    (OFFLINE_PAGE, pages.OFFLINE[1]),
)
# Where the list of archives goes in the page « Emporter le commun hors ligne »: the page as
# the generator wrote it (and as the archives hold it) says where to download them; the
# built site's copy gets the links and their sizes once the archives are written.
LIST_START, LIST_END = "<!--terreau-archives-->", "<!--/terreau-archives-->"
KINDS = ("methode", "outil", "action", "retour", "parcours")


@dataclass(frozen=True)
class Offer:
    """One archive as the page « Emporter le commun hors ligne » presents it."""

    name: str  # the zip's file name, at the site's root
    title: str
    summary: str  # what it holds, after « Contenu : »


def whole(catalogue: Catalogue, pdf: bool) -> Offer:
    return Offer(
        archive.NAME,
        "Le commun complet",
        f"tout le site : les {len(catalogue.cards)} fiches, la recherche, « Par où commencer ? »"
        + (", les données ouvertes et les PDF" if pdf else " et les données ouvertes"),
    )


def parts(catalogue: Catalogue, env: jinja2.Environment, site_url: str, pdf: bool) -> list[archive.Part]:
    """One archive per axis (the axis page, its actions, the cards these point to) and one per
    kind of card (its listing page and its cards), in the page's order: axes, then kinds."""
    found = []
    for axis in catalogue.of_model(Axe):
        actions: list[AnyCard] = [c for c in catalogue.of_model(Action) if c.meta.axe == axis.id]
        pointed = {ref for action in actions for ref in points_to(action)} - {c.id for c in actions}
        needed = [catalogue.cards[ref] for ref in sorted(pointed) if ref in catalogue.cards]
        summary = (
            f"la page de l'axe, ses fiches actions ({len(actions)}) et les fiches vers lesquelles "
            f"elles renvoient ({len(needed)})"
        )
        if pdf:
            summary += ", avec leurs PDF"
        found.append(
            _part(
                env,
                site_url,
                pdf,
                f"terreau-{axis.id}",
                axis.meta.titre,
                summary,
                [
                    ("L'axe", [axis]),
                    ("Ses fiches actions", actions),
                    ("Les fiches vers lesquelles elles renvoient", needed),
                ],
                [],
            )
        )
    for kind in KINDS:
        listing, title = pages.LISTINGS[kind]
        cards = catalogue.of_kind(kind)
        if not cards:  # a commons without parcours yet: no empty archive
            continue
        summary = f"les {title.lower()} ({len(cards)}) et leur liste" + (", avec leurs PDF" if pdf else "")
        found.append(
            _part(
                env,
                site_url,
                pdf,
                f"terreau-{FOLDERS[kind]}",
                title,
                summary,
                [(title, cards)],
                [_html(listing)],
            )
        )
    return found


def _html(uri: str) -> str:
    return str(PurePosixPath(uri).with_suffix(".html"))


def _part(
    env: jinja2.Environment,
    site_url: str,
    pdf: bool,
    folder: str,
    title: str,
    summary: str,
    sections: list[tuple[str, list[AnyCard]]],
    extra_pages: list[str],
) -> archive.Part:
    """An archive of ``sections`` (a title, its cards), its pages rendered."""
    members = {*(href for href, _title in SHARED_PAGES), *extra_pages}
    for card in (card for _title, cards in sections for card in cards):
        members.add(card.url)
        if pdf:  # a card's PDF and a parcours' booklet, when the build makes them
            members.add(pages.card_pdf(card.url))
            if isinstance(card.meta, Parcours):
                members.add(pages.booklet_pdf(card.id))
    online = published.online(site_url)
    kinds = vocabulary("type").terms
    context = {
        "csp": hosting.CSP,
        "styles": archive.STYLES,
        "title": title,
        "summary": summary,
        "whole": archive.NAME,
        "online": online,
        "entry": archive.ENTRY,
    }
    entry = env.get_template("hors_ligne_entree.html").render(
        **context,
        groups=[
            {
                "title": section,
                "cards": [
                    {"href": c.url, "titre": c.meta.titre, "type": kinds[c.kind].libelle}
                    for c in sorted(cards, key=lambda c: (fold(c.meta.titre).lower(), c.id))
                ],
                "mixed": len({c.kind for c in cards}) > 1,
            }
            for section, cards in sections
            if cards
        ],
        shared=[{"href": href, "titre": title} for href, title in SHARED_PAGES],
    )
    absent = env.get_template("hors_ligne_absente.html")
    own = {
        archive.ENTRY: entry,
        archive.ABSENT: absent.render(**context, kit=False),
        archive.KIT: absent.render(**context, kit=True, pdf=pdf),
    }
    return archive.Part(f"{folder}.zip", folder, tuple(sorted(members)), own, title, summary)


def offers(catalogue: Catalogue, found: list[archive.Part], pdf: bool) -> list[Offer]:
    """Every archive the page lists: the whole one first."""
    return [whole(catalogue, pdf), *(Offer(p.name, p.title, p.summary) for p in found)]


def listing(env: jinja2.Environment, found: list[Offer], sizes: dict[str, int] | None, site_url: str) -> str:
    """The list of archives: with their links and sizes on the built site (``sizes``), or, as
    the archives hold the page, where to download them."""
    online = published.online(site_url)
    rows = [
        {
            "name": o.name,
            "title": o.title,
            "summary": o.summary,
            "size": size_label(sizes[o.name]) if sizes else "",
        }
        for o in found
    ]
    html = env.get_template("hors_ligne_liste.html").render(rows=rows, online=online, page=OFFLINE_PAGE)
    return LIST_START + html + LIST_END


def with_sizes(page: str, list_html: str) -> str:
    """The page « Emporter le commun hors ligne » with its list replaced."""
    start, end = page.find(LIST_START), page.find(LIST_END)
    if start < 0 or end < start:
        return page
    return page[:start] + list_html + page[end + len(LIST_END) :]

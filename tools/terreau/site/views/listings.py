"""Listing pages: every card of one kind, grouped the way a mayor looks for it, each line
with the few facts that decide whether to open the card."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from terreau.core import communes
from terreau.core.catalogue import Catalogue
from terreau.core.loader import AnyCard
from terreau.core.models import Action, Axe, Outil, Parcours, Pratique, Retour
from terreau.core.vocabulary import vocabulary
from terreau.derive import finder, places
from terreau.derive.search_index import fold
from terreau.site.render import duration, labels, thousands

UNKNOWN_SIZE = "Taille non renseignée"
# The facets offered as quick links to the finder at the top of a listing.
QUICK_FILTERS = ("communes", "cout")
# The facet a listing is already grouped by (its headings and « Aller à » say it).
GROUPED_BY = {"action": "axes", "outil": "besoins", "retour": "communes"}
# Kinds whose summary stays on each line: few cards, and the summary is what tells them apart.
WITH_SUMMARY = {"methode", "parcours", "axe"}


@dataclass
class Group:
    """A heading and its cards, or its subgroups (actions: axis, then orientation)."""

    title: str
    cards: list[AnyCard] = field(default_factory=list)
    subgroups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cards) + sum(g.count for g in self.subgroups)


def groups(catalogue: Catalogue, kind: str) -> list[Group]:
    """The cards of one kind in reading order: actions by axis then orientation (the axis
    cards' order), tools by their main need, feedback records by the size of their communes;
    other kinds in one untitled group, by title."""
    cards = [c for c in finder.ordered(catalogue) if c.kind == kind]
    if kind == "action":
        return _by_axis(catalogue, cards)
    if kind == "outil":
        return _by_need(cards)
    if kind == "retour":
        return _by_size(catalogue, cards)
    return [Group("", cards)]


def _by_axis(catalogue: Catalogue, cards: list[AnyCard]) -> list[Group]:
    found = []
    for axis in catalogue.of_model(Axe):
        mine = [c for c in cards if isinstance(c.meta, Action) and c.meta.axe == axis.id]
        branches = [
            Group(o.titre, [c for c in mine if isinstance(c.meta, Action) and c.meta.orientation == o.id])
            for o in axis.meta.orientations
        ]
        group = Group(axis.meta.titre, subgroups=[b for b in branches if b.cards])
        if group.count:
            found.append(group)
    return found


def _by_need(cards: list[AnyCard]) -> list[Group]:
    """Each tool once, under its main need (contributors list it first, and the finder
    ranks it so): a tool under each of its needs would make the page twice as long."""
    found = [
        Group(term.question or term.libelle, [c for c in cards if _needs(c)[:1] == [need]])
        for need, term in vocabulary("besoins").terms.items()
    ]
    return [g for g in found if g.cards]


def _needs(card: AnyCard) -> list[str]:
    return list(getattr(card.meta, "besoins", []))


def _by_size(catalogue: Catalogue, cards: list[AnyCard]) -> list[Group]:
    """A record under every size of its communes (one about a village and a small town
    speaks to both); records without a known population last."""
    sizes = vocabulary("taille_commune")
    found = [
        Group(term.libelle, [c for c in cards if size in finder.facet_values(c, catalogue)["communes"]])
        for size, term in sizes.terms.items()
    ]
    found.append(Group(UNKNOWN_SIZE, [c for c in cards if not finder.facet_values(c, catalogue)["communes"]]))
    return [g for g in found if g.cards]


def quick_filters(catalogue: Catalogue, kind: str) -> list[tuple[finder.Facet, list[tuple[str, str, int]]]]:
    """The facets offered as links to the finder above a listing, with their values
    (identifier, label, number of cards of this kind) that keep at least one card."""
    if kind == "axe":
        return []
    cards = catalogue.of_kind(kind)
    found = []
    for facet in finder.FACETS:
        if facet.id not in QUICK_FILTERS or GROUPED_BY.get(kind) == facet.id:
            continue
        values = []
        for value, label in finder.facet_choices(facet, catalogue):
            n = sum(1 for c in cards if value in finder.facet_values(c, catalogue)[facet.id])
            if n:
                values.append((value, label, n))
        # A value that keeps most cards narrows nothing: the facet is offered only when one
        # of its values keeps at most half of them.
        if values and min(n for _v, _l, n in values) * 2 <= len(cards):
            found.append((facet, values))
    return found


def anchor(title: str) -> str:
    """A group's anchor: « Résilience alimentaire » → « resilience-alimentaire »."""
    return re.sub(r"[^a-z0-9]+", "-", fold(title).lower()).strip("-")


def facts(card: AnyCard) -> list[str]:
    """The line under a card's title: cost, duration and who carries it; for a feedback
    record, where (place, département) and how many inhabitants."""
    m = card.meta
    if isinstance(m, Retour):
        return _where(m)
    out = []
    if isinstance(m, Pratique):
        out.append(labels("cout", [m.cout]))
    if isinstance(m, Pratique | Parcours):
        out.append(duration(m.duree))
        out.append("Qui porte : " + labels("porteurs", m.porteurs))
    if isinstance(m, Axe):
        out.append(f"{len(m.orientations)} orientations")
    return out


def _where(m: Retour) -> list[str]:
    known = places.departements()
    out = [m.lieu.nom]
    # « Léaz (Ain) » already says its département.
    out += [
        known[code]["nom"]
        for code in communes.departements_of(m.lieu.communes)
        if code in known and known[code]["nom"] not in m.lieu.nom
    ]
    # The record's own figure, else the official list's.
    people = finder.record_population(m)
    if len(m.lieu.communes) == 1 and people is not None:
        out.append(f"{thousands(people)} habitants")
    elif len(m.lieu.communes) > 1:
        out.append(f"{len(m.lieu.communes)} communes")
    return out


def also(card: AnyCard) -> str:
    """A tool's other needs, named under its main one."""
    if not isinstance(card.meta, Outil) or len(card.meta.besoins) < 2:
        return ""
    return "Aussi pour : " + labels("besoins", card.meta.besoins[1:]).lower()

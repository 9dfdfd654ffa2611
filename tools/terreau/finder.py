"""What the finder and « Par où commencer ? » need: facets, compact search data, suggestions.

The browser downloads, before its first result, only the facet table (one small integer
per card and facet) and the index shards its query needs; card titles and summaries come
in chunks, for the results it shows. Everything is ordered by a card's position in
``ordered(catalogue)``: alphabetical by title, so that a list filtered by facets alone is
already sorted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from terreau import search_index
from terreau.catalogue import Catalogue
from terreau.loader import Card
from terreau.models import Duree, Retour
from terreau.search_index import fold
from terreau.vocabulary import vocabulary

CHUNK = 100  # cards per metadata chunk
SHARD_BYTES = 60_000  # postings per index shard, before compression
DAYS = {
    "minute": 1 / 1440,
    "heure": 1 / 24,
    "demi-journee": 0.5,
    "jour": 1,
    "semaine": 7,
    "mois": 30,
    "an": 365,
}


@dataclass(frozen=True)
class Facet:
    id: str
    label: str
    vocabulary: str


FACETS = [
    Facet("type", "Type de fiche", "type"),
    Facet("axes", "Axe de résilience", ""),
    Facet("besoins", "Besoin", "besoins"),
    Facet("porteurs", "Qui porte", "porteurs"),
    Facet("publics", "Public", "publics"),
    Facet("communes", "Taille de la commune", "taille_commune"),
    Facet("duree", "Durée", "classe_duree"),
    Facet("cout", "Coût", "cout"),
    Facet("difficulte", "Difficulté", "difficulte"),
    Facet("maturite", "Maturité", "maturite"),
]


def ordered(catalogue: Catalogue) -> list[Card]:
    return sorted(catalogue.cards.values(), key=lambda c: (fold(c.meta.titre).lower(), c.id))


def duration_class(d: Duree) -> str:
    days = (d.max or d.min) * DAYS[d.unite]
    if days <= 1:
        return "journee"
    if days <= 31:
        return "mois"
    return "semestre" if days <= 183 else "long"


def facet_values(card: Card, catalogue: Catalogue) -> dict[str, list[str]]:
    """The values of every facet for one card (empty where a facet does not apply)."""
    m = card.meta
    axes = list(getattr(m, "axes", []))
    if card.kind == "action":
        axes = [m.axe]
    if card.kind == "axe":
        axes = [card.id]
    return {
        "type": [card.kind],
        "axes": axes,
        "besoins": list(getattr(m, "besoins", [])),
        "porteurs": list(getattr(m, "porteurs", [])),
        "publics": list(getattr(m, "publics", [])),
        "communes": list(getattr(m, "communes", [])) if card.kind != "retour" else [],
        "duree": [duration_class(m.duree)] if hasattr(m, "duree") else [],
        "cout": [m.cout] if hasattr(m, "cout") else [],
        "difficulte": [m.difficulte] if hasattr(m, "difficulte") else [],
        "maturite": [m.maturite] if hasattr(m, "maturite") else [],
    }


def facet_choices(facet: Facet, catalogue: Catalogue) -> list[tuple[str, str]]:
    if facet.id == "axes":
        return [(c.id, c.meta.titre) for c in catalogue.of_kind("axe")]
    return [(t.id, t.libelle) for t in vocabulary(facet.vocabulary).terms.values()]


@dataclass
class Evidence:
    """What field feedback says about a card: how often, how recently, how small a commune."""

    retours: list[Card] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.retours)

    @property
    def latest(self) -> str | None:
        periods = [r.meta.periode.fin or r.meta.periode.debut for r in self.retours]
        return max(periods) if periods else None

    @property
    def small_commune(self) -> bool | None:
        """Tried in a commune under 2,000 inhabitants: yes, no, or unknown (no population)."""
        populations = [
            c.population for r in self.retours for c in r.meta.lieu.communes if c.population is not None
        ]
        if not populations:
            return None
        return min(populations) < 2000


def evidence(catalogue: Catalogue) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {cid: Evidence() for cid in catalogue.cards}
    for card in catalogue.of_kind("retour"):
        meta: Retour = card.meta
        for ref in meta.fiches:
            if ref in found:
                found[ref].retours.append(card)
    return found


def facet_table(cards: list[Card], catalogue: Catalogue) -> dict[str, Any]:
    """The facets as columns of bit masks: bit i set when the card has the facet's i-th value."""
    facets = []
    for facet in FACETS:
        choices = facet_choices(facet, catalogue)
        bit = {value: 1 << i for i, (value, _) in enumerate(choices)}
        codes = []
        for card in cards:
            mask = 0
            for value in facet_values(card, catalogue)[facet.id]:
                mask |= bit[value]
            codes.append(mask)
        facets.append({"id": facet.id, "libelle": facet.label, "valeurs": choices, "codes": codes})
    proof = evidence(catalogue)
    return {
        "n": len(cards),
        "morceau": CHUNK,
        "facettes": facets,
        "retours": [proof[c.id].count for c in cards],
    }


def chunks(cards: list[Card]) -> list[list[list[str]]]:
    """Title, address, kind and summary of the cards, CHUNK at a time, in position order."""
    kind = vocabulary("type")
    rows = [[c.meta.titre, c.url, kind.label(c.kind), c.meta.resume, c.kind] for c in cards]
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


def labels(card: Card) -> list[str]:
    """Facet labels indexed as words: « élus » finds the cards elected officials carry."""
    meta = card.meta
    words = [vocabulary("type").label(card.kind)]
    for vocab in ("besoins", "porteurs", "publics"):
        words += [vocabulary(vocab).label(v) for v in getattr(meta, vocab, [])]
    return words


def search_data(catalogue: Catalogue) -> tuple[list[Card], list[str], list[dict[str, Any]]]:
    """The cards in position order, and the index cut into shards (first terms, shards)."""
    cards = ordered(catalogue)
    serialized = search_index.build(cards, labels).serialize()
    starts, shards = search_index.split(serialized, SHARD_BYTES)
    return cards, starts, shards


def files(catalogue: Catalogue) -> dict[str, str]:
    """The finder's files, by name: facet table, index shards, card chunks."""
    cards, starts, shards = search_data(catalogue)
    table = facet_table(cards, catalogue)
    table |= {"tranches": starts, "vides": sorted(search_index.stop_words())}
    out = {"facettes.js": search_index.script("TERREAU_FACETTES", table)}
    for k, shard in enumerate(shards):
        out[f"index-{k}.js"] = search_index.script("TERREAU_TRANCHES", shard, key=k)
    for k, chunk in enumerate(chunks(cards)):
        out[f"fiches-{k}.js"] = search_index.script("TERREAU_FICHES", chunk, key=k)
    return out

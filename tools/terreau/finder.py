"""What the finder and « Par où commencer ? » need: facets, compact search data, suggestions.

The browser downloads, before its first result, only the facet table (one small integer
per card and facet) and the index shards its query needs; card titles and summaries come
in chunks, for the results it shows. Everything is ordered by a card's position in
``ordered(catalogue)``: alphabetical by title, so that a list filtered by facets alone is
already sorted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from terreau import search_index
from terreau.catalogue import Catalogue
from terreau.loader import Card
from terreau.models import Duree, Retour
from terreau.pages import NEEDS as NEEDS
from terreau.search_index import fold
from terreau.vocabulary import vocabulary

CHUNK = 20  # cards per metadata chunk: the top results of a query touch few, small files
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
    return catalogue.memo(
        "ordered", lambda: sorted(catalogue.cards.values(), key=lambda c: (fold(c.meta.titre).lower(), c.id))
    )


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
    position = {c.id: i for i, c in enumerate(cards)}
    needs = list(vocabulary("besoins").terms)
    return {
        "n": len(cards),
        "morceau": CHUNK,
        "facettes": facets,
        "retours": [proof[c.id].count for c in cards],
        # For « Par où commencer ? »: each card's main need (listed first), and the parcours.
        "besoin1": [
            needs.index(c.meta.besoins[0]) if getattr(c.meta, "besoins", None) else -1 for c in cards
        ],
        "parcours": [
            [position[p.id], [position[s.fiche] for s in p.meta.etapes]]
            for p in catalogue.of_kind("parcours")
        ],
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


def search_data(catalogue: Catalogue) -> tuple[list[Card], list[str], Iterator[str]]:
    """The cards in position order, and the index cut into shards (first terms, JSON texts)."""
    cards = ordered(catalogue)
    starts, shards = search_index.build_shards(cards, labels, SHARD_BYTES)
    return cards, starts, shards


def write(catalogue: Catalogue, folder: Path) -> None:
    """The finder's files, written to ``folder``: facet table, index shards, card chunks."""
    folder.mkdir(parents=True, exist_ok=True)
    cards, starts, shards = search_data(catalogue)
    table = facet_table(cards, catalogue)
    table |= {"tranches": starts, "vides": sorted(search_index.stop_words())}
    (folder / "facettes.js").write_text(search_index.script("TERREAU_FACETTES", table), "utf-8")
    for k, shard in enumerate(shards):
        text = search_index.script_text("TERREAU_TRANCHES", shard, key=k)
        (folder / f"index-{k}.js").write_text(text, "utf-8")
    for k, chunk in enumerate(chunks(cards)):
        text = search_index.script("TERREAU_FICHES", chunk, key=k)
        (folder / f"fiches-{k}.js").write_text(text, "utf-8")


# --- « Par où commencer ? » ---------------------------------------------------------------

ORDER = {
    "cout": ["nul", "faible", "moyen", "eleve"],
    "duree": ["journee", "mois", "semestre", "long"],
    "maturite": ["idee", "experimente", "eprouve"],
    "difficulte": ["exigeante", "moyenne", "facile"],
}


@dataclass(frozen=True)
class Question:
    """What a visitor answers on the home page; None means « peu importe »."""

    besoin: str
    taille: str | None = None
    porteur: str | None = None
    duree: str | None = None  # the longest duration class acceptable
    cout: str | None = None  # the highest cost acceptable


@dataclass
class Suggestion:
    card: Card
    score: int
    reasons: list[str]


def _score(
    card: Card, q: Question, values: dict[str, list[str]], proofs: int, routes: list[str]
) -> Suggestion | None:
    """Score one card for a question (assets/terreau.js scores the same way)."""
    if q.besoin not in values["besoins"]:
        return None
    if q.cout and values["cout"] and ORDER["cout"].index(values["cout"][0]) > ORDER["cout"].index(q.cout):
        return None
    if (
        q.duree
        and values["duree"]
        and (ORDER["duree"].index(values["duree"][0]) > ORDER["duree"].index(q.duree))
    ):
        return None
    reasons = [f"répond au besoin « {vocabulary('besoins').label(q.besoin)} »"]
    # Contributors list a card's main need first.
    score = 12 if values["besoins"][0] == q.besoin else 10
    if q.taille and q.taille in values["communes"]:
        # A card meant for a few sizes of commune fits better than one meant for all.
        score += 3 + (2 if len(values["communes"]) <= 2 else 0)
        reasons.append(f"convient aux communes « {vocabulary('taille_commune').label(q.taille)} »")
    if q.porteur and q.porteur in values["porteurs"]:
        score += 3
        reasons.append(f"peut être portée par : {vocabulary('porteurs').label(q.porteur).lower()}")
    if values["cout"]:
        # To start, the cheaper and simpler the better.
        score += 2 * (3 - ORDER["cout"].index(values["cout"][0]))
        reasons.append(vocabulary("cout").label(values["cout"][0]).lower())
    if values["difficulte"]:
        score += ORDER["difficulte"].index(values["difficulte"][0])
    maturity = ORDER["maturite"].index(values["maturite"][0]) if values["maturite"] else 0
    score += maturity
    if maturity == 2:
        reasons.append("éprouvée sur le terrain")
    score += min(proofs, 3)
    if proofs:
        reasons.append(f"{proofs} retour{'s' if proofs > 1 else ''} d'expérience")
    if routes:
        # A card that parcours for this need go through is a good first step.
        score += 2 * len(routes)
        reasons.append("étape du parcours « " + routes[0] + " »")
    if card.kind == "methode":
        score += 2
    return Suggestion(card, score, reasons)


def suggest(catalogue: Catalogue, q: Question, limit: int = 3) -> tuple[list[Suggestion], Suggestion | None]:
    """A few cards (methods first) and one parcours for a question, each with its reasons."""
    proof = evidence(catalogue)
    sizes = list(vocabulary("taille_commune").terms)
    fitting = [
        p
        for p in catalogue.of_kind("parcours")
        if q.besoin in p.meta.besoins and (not q.taille or q.taille in p.meta.communes)
    ]
    cards = ordered(catalogue)
    position = {c.id: i for i, c in enumerate(cards)}
    steps_of: dict[str, list[str]] = {}
    for p in sorted(fitting, key=lambda p: position[p.id]):
        for step in p.meta.etapes:
            steps_of.setdefault(step.fiche, []).append(p.meta.titre)
    scored: list[Suggestion] = []
    routes: list[Suggestion] = []
    for card in cards:
        if card.kind not in ("methode", "outil", "parcours"):
            continue
        values = facet_values(card, catalogue)
        found = _score(card, q, values, proof[card.id].count, steps_of.get(card.id, []))
        if found is None:
            continue
        if card.kind == "parcours":
            # At equal score, the parcours meant for the smallest communes comes first.
            largest = max((sizes.index(s) for s in card.meta.communes), default=len(sizes))
            found.score = found.score * 10 - largest
            routes.append(found)
        else:
            scored.append(found)
    scored.sort(key=lambda s: -s.score)  # stable: ties stay in alphabetical order
    routes.sort(key=lambda s: -s.score)
    return scored[:limit], (routes[0] if routes else None)

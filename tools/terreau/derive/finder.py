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

from terreau.core import atomic, communes
from terreau.core.catalogue import Catalogue
from terreau.core.loader import AnyCard, Card
from terreau.core.models import Action, Axe, CardModel, Duree, Methode, Outil, Parcours, Retour
from terreau.core.pages import NEEDS as NEEDS
from terreau.core.vocabulary import vocabulary
from terreau.derive import search_index
from terreau.derive.search_index import fold

CHUNK = 20  # cards per metadata chunk: the top results of a query touch few, small files
SHARD_BYTES = 60_000  # postings per index shard, before compression


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


def ordered(catalogue: Catalogue) -> list[AnyCard]:
    return catalogue.memo(
        "ordered", lambda: sorted(catalogue.cards.values(), key=lambda c: (fold(c.meta.titre).lower(), c.id))
    )


def duration_class(d: Duree) -> str:
    """The class of the longest duration given (vocabulary classe_duree, in its order)."""
    unit = vocabulary("unite_duree").terms[d.unite].minutes
    assert unit is not None, "every duration unit says its length in vocabulaires.yml"
    minutes = (d.max or d.min) * unit
    classes = list(vocabulary("classe_duree").terms.values())
    return next(c.id for c in classes if c.minutes_max is None or minutes <= c.minutes_max)


def facet_values(card: AnyCard, catalogue: Catalogue) -> dict[str, list[str]]:
    """The values of every facet for one card (empty where a facet does not apply)."""
    m = card.meta
    axes = list(m.axes) if isinstance(m, Methode | Outil) else []
    if isinstance(m, Action):
        axes = [m.axe]
    if isinstance(m, Axe):
        axes = [card.id]
    return {
        "type": [card.kind],
        "axes": axes,
        "besoins": list(getattr(m, "besoins", [])),
        "porteurs": list(getattr(m, "porteurs", [])),
        "publics": list(getattr(m, "publics", [])),
        "communes": _sizes(m),
        "duree": [duration_class(m.duree)] if hasattr(m, "duree") else [],
        "cout": [m.cout] if hasattr(m, "cout") else [],
        "difficulte": [m.difficulte] if hasattr(m, "difficulte") else [],
        "maturite": [m.maturite] if hasattr(m, "maturite") else [],
    }


def _sizes(meta: CardModel) -> list[str]:
    """The commune sizes a card is for; for a feedback record, the sizes of its communes,
    from their population (« Moins de 500 » finds the village records)."""
    if isinstance(meta, Retour):
        sizes = vocabulary("taille_commune")
        known = (communes.population(c) for c in meta.lieu.communes)
        found = {sizes.size_of(p.habitants) for p in known if p is not None}
        return [s for s in sizes.terms if s in found]
    return list(getattr(meta, "communes", []))


def facet_choices(facet: Facet, catalogue: Catalogue) -> list[tuple[str, str]]:
    if facet.id == "axes":
        return [(c.id, c.meta.titre) for c in catalogue.of_model(Axe)]
    return [(t.id, t.libelle) for t in vocabulary(facet.vocabulary).terms.values()]


@dataclass
class Evidence:
    """What field feedback says about a card: how often, how recently, how small a commune."""

    retours: list[Card[Retour]] = field(default_factory=list)

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
        known = (communes.population(c) for r in self.retours for c in r.meta.lieu.communes)
        populations = [p.habitants for p in known if p is not None]
        if not populations:
            return None
        return min(populations) < 2000


def evidence(catalogue: Catalogue) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {cid: Evidence() for cid in catalogue.cards}
    for card in catalogue.of_model(Retour):
        meta: Retour = card.meta
        for ref in meta.fiches:
            if ref in found:
                found[ref].retours.append(card)
    return found


def facet_table(cards: list[AnyCard], catalogue: Catalogue) -> dict[str, Any]:
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


def chunks(cards: list[AnyCard]) -> list[list[list[str]]]:
    """Title, address, kind and summary of the cards, CHUNK at a time, in position order."""
    kind = vocabulary("type")
    rows = [[c.meta.titre, c.url, kind.label(c.kind), c.meta.resume, c.kind] for c in cards]
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


def labels(card: AnyCard) -> list[str]:
    """Facet labels indexed as words: « élus » finds the cards elected officials carry."""
    meta = card.meta
    words = [vocabulary("type").label(card.kind)]
    for vocab in ("besoins", "porteurs", "publics"):
        words += [vocabulary(vocab).label(v) for v in getattr(meta, vocab, [])]
    return words


def search_data(catalogue: Catalogue) -> tuple[list[AnyCard], list[str], Iterator[str]]:
    """The cards in position order, and the index cut into shards (first terms, JSON texts)."""
    cards = ordered(catalogue)
    starts, shards = search_index.build_shards(cards, labels, SHARD_BYTES)
    return cards, starts, shards


def write(catalogue: Catalogue, folder: Path) -> None:
    """The finder's files, written to ``folder``: facet table, index shards, card chunks."""
    folder.mkdir(parents=True, exist_ok=True)
    cards, starts, shards = search_data(catalogue)
    table = facet_table(cards, catalogue)
    table |= {
        "tranches": starts,
        "vides": sorted(search_index.stop_words()),
        "requete": search_index.EXPANSION,
    }
    atomic.write_text(folder / "facettes.js", search_index.script("TERREAU_FACETTES", table))
    for k, shard in enumerate(shards):
        atomic.write_text(
            folder / f"index-{k}.js", search_index.script_text("TERREAU_TRANCHES", shard, key=k)
        )
    for k, chunk in enumerate(chunks(cards)):
        atomic.write_text(folder / f"fiches-{k}.js", search_index.script("TERREAU_FICHES", chunk, key=k))
    for need, table in advice_tables(catalogue).items():
        atomic.write_text(
            folder / f"conseils-{need}.js", search_index.script("TERREAU_CONSEILS", table, key=need)
        )


# --- « Par où commencer ? » ---------------------------------------------------------------


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
    card: AnyCard
    score: int
    reasons: list[str]
    cout: list[str] = field(default_factory=list)  # the card's cost and duration class, to filter
    duree: list[str] = field(default_factory=list)


def _score(
    card: AnyCard, need: str, taille: str | None, porteur: str | None, values: dict[str, list[str]],
    proofs: int, routes: list[str],
) -> Suggestion | None:  # fmt: skip
    """Score one card for a need, a size and a carrier (cost and time only filter: _fits)."""
    if need not in values["besoins"]:
        return None
    cost = vocabulary("cout")
    reasons = [f"répond au besoin « {vocabulary('besoins').label(need)} »"]
    # Contributors list a card's main need first.
    score = 12 if values["besoins"][0] == need else 10
    if taille and taille in values["communes"]:
        # A card meant for a few sizes of commune fits better than one meant for all.
        score += 3 + (2 if len(values["communes"]) <= 2 else 0)
        reasons.append(f"convient aux communes « {vocabulary('taille_commune').label(taille)} »")
    if porteur and porteur in values["porteurs"]:
        score += 3
        reasons.append(f"peut être portée par : {vocabulary('porteurs').label(porteur).lower()}")
    if values["cout"]:
        # To start, the cheaper and simpler the better.
        score += 2 * (3 - cost.rank(values["cout"][0]))
        reasons.append(cost.label(values["cout"][0]).lower())
    if values["difficulte"]:
        score += 2 - vocabulary("difficulte").rank(values["difficulte"][0])  # the easier the better
    maturity = vocabulary("maturite").rank(values["maturite"][0]) if values["maturite"] else 0
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
    return Suggestion(card, score, reasons, values["cout"][:1], values["duree"][:1])


def _fits(s: Suggestion, q: Question) -> bool:
    """Within the budget and the time the visitor has (« peu importe »: anything)."""
    cost, length = vocabulary("cout"), vocabulary("classe_duree")
    if q.cout and s.cout and cost.rank(s.cout[0]) > cost.rank(q.cout):
        return False
    return not (q.duree and s.duree and length.rank(s.duree[0]) > length.rank(q.duree))


@dataclass
class _Context:
    """What every question asks of the catalogue, computed once."""

    cards: list[AnyCard]
    values: dict[str, dict[str, list[str]]]
    proofs: dict[str, int]

    @classmethod
    def of(cls, catalogue: Catalogue) -> _Context:
        cards = [c for c in ordered(catalogue) if c.kind in ("methode", "outil", "parcours")]
        proof = evidence(catalogue)
        return cls(
            cards, {c.id: facet_values(c, catalogue) for c in cards}, {c.id: proof[c.id].count for c in cards}
        )


def _ranked(
    context: _Context, catalogue: Catalogue, need: str, taille: str | None, porteur: str | None
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Cards (methods and tools) and parcours for a need, size and carrier, best first,
    before the budget and time filters."""
    sizes = list(vocabulary("taille_commune").terms)
    steps_of: dict[str, list[str]] = {}
    for p in context.cards:
        route = p.meta
        if isinstance(route, Parcours) and need in route.besoins and (not taille or taille in route.communes):
            for step in route.etapes:
                steps_of.setdefault(step.fiche, []).append(route.titre)
    scored: list[Suggestion] = []
    routes: list[Suggestion] = []
    for card in context.cards:
        found = _score(
            card,
            need,
            taille,
            porteur,
            context.values[card.id],
            context.proofs[card.id],
            steps_of.get(card.id, []),
        )
        if found is None:
            continue
        if isinstance(card.meta, Parcours):
            # At equal score, the parcours meant for the smallest communes comes first.
            largest = max((sizes.index(s) for s in card.meta.communes), default=len(sizes))
            found.score = found.score * 10 - largest
            routes.append(found)
        else:
            scored.append(found)
    scored.sort(key=lambda s: -s.score)  # stable: ties stay in alphabetical order
    routes.sort(key=lambda s: -s.score)
    return scored, routes


def _choose(
    ranked: tuple[list[Suggestion], list[Suggestion]], q: Question, limit: int
) -> tuple[list[Suggestion], Suggestion | None]:
    scored, routes = ranked
    cards = [s for s in scored if _fits(s, q)][:limit]
    route = next((s for s in routes if _fits(s, q)), None)
    return cards, route


def suggest(catalogue: Catalogue, q: Question, limit: int = 3) -> tuple[list[Suggestion], Suggestion | None]:
    """A few cards (methods first) and one parcours for a question, each with its reasons."""
    context = _Context.of(catalogue)
    return _choose(_ranked(context, catalogue, q.besoin, q.taille, q.porteur), q, limit)


def advice_tables(catalogue: Catalogue, limit: int = 3) -> dict[str, dict[str, Any]]:
    """Every answer « Par où commencer ? » can give, worked out here so that the browser only
    looks it up (no copy of the scoring in JavaScript). For each need: the reasons' texts
    once, and for each key « taille|porteur|durée|coût » ("" for « peu importe ») the cards
    and the parcours, as [position, [reason numbers]]."""
    context = _Context.of(catalogue)
    position = {c.id: i for i, c in enumerate(ordered(catalogue))}
    sizes = ["", *vocabulary("taille_commune").terms]
    carriers = ["", *(v for v, _ in vocabulary("porteurs").questions())]
    lengths = ["", *vocabulary("classe_duree").terms]
    costs = ["", *(v for v, _ in vocabulary("cout").questions())]
    tables: dict[str, dict[str, Any]] = {}
    for need, _label in NEEDS:
        reasons: dict[str, int] = {}

        def row(s: Suggestion, reasons: dict[str, int] = reasons) -> list[Any]:
            return [position[s.card.id], [reasons.setdefault(r, len(reasons)) for r in s.reasons]]

        answers: dict[str, Any] = {}
        for taille in sizes:
            for porteur in carriers:
                ranked = _ranked(context, catalogue, need, taille or None, porteur or None)
                for duree in lengths:
                    for cout in costs:
                        q = Question(need, taille or None, porteur or None, duree or None, cout or None)
                        cards, route = _choose(ranked, q, limit)
                        answers[f"{taille}|{porteur}|{duree}|{cout}"] = [
                            [row(s) for s in cards],
                            row(route) if route else None,
                        ]
        tables[need] = {"raisons": list(reasons), "reponses": answers}
    return tables

"""What the finder and « Par où commencer ? » need: facets, compact search data, suggestions.

The browser downloads, before its first result, only the facet table (one small integer
per card and facet) and the index shards its query needs; card titles and summaries come
in chunks, for the results it shows. Everything is ordered by a card's position in
``ordered(catalogue)``: alphabetical by title, so that a list filtered by facets alone is
already sorted.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from terreau.core import atomic, communes
from terreau.core.catalogue import Catalogue
from terreau.core.loader import AnyCard, Card
from terreau.core.models import Action, Axe, CardModel, Duree, Methode, Outil, Parcours, Retour
from terreau.core.situations import Situation, situations
from terreau.core.vocabulary import duration, vocabulary
from terreau.derive import search_index
from terreau.derive.places import departements as places_departements
from terreau.derive.search_index import fold

CHUNK = 20  # cards per metadata chunk: the top results of a query touch few, small files
CODE_OFFSET = 48  # a facet mask m travels as the character chr(48 + m): « 0 » for none
FIRST = 20  # results on the search page's first screen (PAGE in assets/terreau.js)
SHARD_BYTES = 20_000  # postings per index shard, before compression


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
    """The facets as columns of bit masks: bit i set when the card has the facet's i-th value.

    A column travels as a string, one character per card (its mask plus « decalage »): the
    browser reads a 5,000-card table in a fraction of the time an array of numbers takes.
    """
    facets = []
    for facet in FACETS:
        choices = facet_choices(facet, catalogue)
        # Masks stay below the surrogates (U+D800), which a string cannot hold alone.
        assert len(choices) <= 15, f"facette {facet.id} : plus de 15 valeurs"
        bit = {value: 1 << i for i, (value, _) in enumerate(choices)}
        codes = []
        for card in cards:
            mask = 0
            for value in facet_values(card, catalogue)[facet.id]:
                mask |= bit[value]
            codes.append(chr(CODE_OFFSET + mask))
        facets.append({"id": facet.id, "libelle": facet.label, "valeurs": choices, "codes": "".join(codes)})
    proof = evidence(catalogue)
    return {
        "n": len(cards),
        "morceau": CHUNK,
        "decalage": CODE_OFFSET,
        "facettes": facets,
        "retours": [proof[c.id].count for c in cards],
    }


def chunks(cards: list[AnyCard]) -> list[list[list[str]]]:
    """Title, address, kind and summary of the cards, CHUNK at a time, in position order."""
    rows = [[*row(c), c.meta.resume, c.kind] for c in cards]
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


def row(card: AnyCard) -> list[str]:
    """What a result shows before its summary: title, address, kind (also in the shards)."""
    return [card.meta.titre, card.url, vocabulary("type").label(card.kind)]


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
    starts, shards = search_index.build_shards(cards, labels, SHARD_BYTES, row, FIRST)
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
        "echelle": search_index.SCALE,
    }
    atomic.write_text(folder / "facettes.js", search_index.script("TERREAU_FACETTES", table))
    for k, shard in enumerate(shards):
        atomic.write_text(
            folder / f"index-{k}.js", search_index.script_text("TERREAU_TRANCHES", shard, key=k)
        )
    for k, chunk in enumerate(chunks(cards)):
        atomic.write_text(folder / f"fiches-{k}.js", search_index.script("TERREAU_FICHES", chunk, key=k))
    for key, text in commune_files().items():
        atomic.write_text(folder / f"communes-{key}.js", text)
    for situation, table in advice_tables(catalogue).items():
        atomic.write_text(
            folder / f"conseils-{situation}.js",
            search_index.script("TERREAU_CONSEILS", table, key=situation),
        )


def commune_key(name: str) -> str:
    """The file a commune's name is in: its first letter once folded (terreau.js: same rule)."""
    first = communes.fold(name)[:1]
    return first if first.isascii() and first.isalnum() else "autres"


def commune_files() -> dict[str, str]:
    """The official list of communes for « Nom de la commune » on the home page, as scripts
    loaded only once someone types there: one per first letter, « code|nom|population »
    lines; and the départements' names."""
    lines: dict[str, list[str]] = {}
    for c in communes.communes().values():
        population = "" if c.population is None else str(c.population)
        lines.setdefault(commune_key(c.nom), []).append(f"{c.code}|{c.nom}|{population}")
    files = {
        key: search_index.script("TERREAU_COMMUNES", "\n".join(rows), key=key) for key, rows in lines.items()
    }
    names = {code: d["nom"] for code, d in places_departements().items()}
    files["departements"] = search_index.script("TERREAU_COMMUNES", names, key="departements")
    return files


# --- « Par où commencer ? » ---------------------------------------------------------------

SUGGESTIONS = 5  # cards suggested per answer: three fit on a phone's first screen


@dataclass(frozen=True)
class Question:
    """What a visitor answers on the home page; None means « peu importe »."""

    situation: str
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


def key_facts(card: AnyCard) -> list[tuple[str, str]]:
    """What a mayor weighs first, as (label, value): cost in euros, how long, who carries it."""
    m = card.meta
    facts = []
    if isinstance(m, Action | Methode | Outil):
        amount = vocabulary("cout").terms[m.cout].montant
        if amount:
            facts.append(("Coût", amount))
    if isinstance(m, Action | Methode | Outil | Parcours):
        facts.append(("Durée", duration(m.duree)))
    porteurs = getattr(m, "porteurs", [])
    if porteurs:
        names = [vocabulary("porteurs").label(p) for p in porteurs]
        facts.append(("Porté par", ", ".join(n[0].lower() + n[1:] for n in names)))
    return facts


def _match(context: _Context, card: AnyCard, s: Situation) -> tuple[int, list[str]] | None:
    """How well a card answers a situation, and why; None when it does not."""
    m, values = card.meta, context.values[card.id]
    score, reasons = 0, []
    if card.id in s.d_abord:
        # Far above what the other answers add (at most ~30), so that their order holds.
        score = 1000 - 50 * s.d_abord.index(card.id)
        reasons.append("proposée en premier pour cette situation")
    if isinstance(m, Action) and m.axe in s.axes and (not s.axes[m.axe] or m.orientation in s.axes[m.axe]):
        score = max(score, 20)
        reasons.append(f"action de l'orientation « {context.orientations[(m.axe, m.orientation)]} »")
    elif isinstance(m, Methode | Outil) and set(m.axes) & set(s.axes):
        score = max(score, 12)
        axis = next(a for a in m.axes if a in s.axes)
        reasons.append(f"concerne l'axe « {context.axes[axis]} »")
    needs = [n for n in values["besoins"] if n in s.besoins]
    if needs:
        # Contributors list a card's main need first.
        score = max(score, 12 if values["besoins"][0] in s.besoins else 10)
        reasons.append(f"répond au besoin « {vocabulary('besoins').label(needs[0])} »")
    return (score, reasons) if score else None


def _score(
    card: AnyCard, matched: tuple[int, list[str]], taille: str | None, porteur: str | None,
    values: dict[str, list[str]], proofs: int, routes: list[str],
) -> Suggestion:  # fmt: skip
    """Score one card that answers the situation, for a size and a carrier (cost and time
    only filter: _fits)."""
    cost = vocabulary("cout")
    score, reasons = matched[0], list(matched[1])
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
        # A card that parcours for this situation go through is a good first step.
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
    proofs: dict[str, list[Card[Retour]]]
    axes: dict[str, str]  # axis id → title
    orientations: dict[tuple[str, str], str]  # (axis, orientation) → title

    index: dict[str, AnyCard] = field(init=False)  # id → card
    routes: list[AnyCard] = field(init=False)  # the parcours, in catalogue order

    def __post_init__(self) -> None:
        self.index = {c.id: c for c in self.cards}
        self.routes = [c for c in self.cards if isinstance(c.meta, Parcours)]

    @classmethod
    def of(cls, catalogue: Catalogue) -> _Context:
        """Worked out once per catalogue (every situation page and the tables ask)."""
        return catalogue.worked_out("finder", lambda: cls._of(catalogue))

    @classmethod
    def _of(cls, catalogue: Catalogue) -> _Context:
        kinds = ("action", "methode", "outil", "parcours")
        cards = [c for c in ordered(catalogue) if c.kind in kinds]
        proof = evidence(catalogue)
        axes = catalogue.of_model(Axe)
        return cls(
            cards,
            {c.id: facet_values(c, catalogue) for c in cards},
            {c.id: proof[c.id].retours for c in cards},
            {a.id: a.meta.titre for a in axes},
            {(a.id, o.id): o.titre for a in axes for o in a.meta.orientations},
        )


def _matched(context: _Context, s: Situation) -> dict[str, tuple[int, list[str]]]:
    """The cards (not parcours) that answer a situation, whatever the refining questions."""
    return {
        c.id: m for c in context.cards if not isinstance(c.meta, Parcours) and (m := _match(context, c, s))
    }


def _ranked(
    context: _Context,
    s: Situation,
    taille: str | None,
    porteur: str | None,
    matched: dict[str, tuple[int, list[str]]] | None = None,
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Cards (actions, methods, tools) and parcours for a situation, size and carrier, best
    first, before the budget and time filters (``matched``: _matched's, when already known)."""
    sizes = list(vocabulary("taille_commune").terms)
    if matched is None:
        matched = _matched(context, s)
    steps_of: dict[str, list[str]] = {}
    route_reasons: dict[str, tuple[int, list[str]]] = {}
    for p in context.routes:
        route = p.meta
        assert isinstance(route, Parcours)
        if taille and taille not in route.communes:
            continue
        steps = [step.fiche for step in route.etapes if step.fiche in matched]
        needs = [n for n in route.besoins if n in s.besoins]
        if needs or len(steps) >= 2:
            why = (
                f"répond au besoin « {vocabulary('besoins').label(needs[0])} »"
                if needs
                else (f"{len(steps)} de ses étapes répondent à cette situation")
            )
            route_reasons[p.id] = (12 if needs else 10, [why])
            for step in steps:
                steps_of.setdefault(step, []).append(route.titre)
    scored: list[Suggestion] = []
    routes: list[Suggestion] = []
    for card in (context.index[i] for i in [*matched, *route_reasons]):  # each in catalogue order
        found = matched.get(card.id) or route_reasons[card.id]
        one = _score(
            card, found, taille, porteur, context.values[card.id], len(context.proofs[card.id]),
            steps_of.get(card.id, []),
        )  # fmt: skip
        if isinstance(card.meta, Parcours):
            # At equal score, the parcours meant for the smallest communes comes first.
            largest = max((sizes.index(x) for x in card.meta.communes), default=len(sizes))
            one.score = one.score * 10 - largest
            routes.append(one)
        else:
            scored.append(one)
    scored.sort(key=lambda x: -x.score)  # stable: ties stay in alphabetical order
    routes.sort(key=lambda x: -x.score)
    return scored, routes


def _choose(
    ranked: tuple[list[Suggestion], list[Suggestion]], q: Question, limit: int
) -> tuple[list[Suggestion], Suggestion | None]:
    scored, routes = ranked
    cards = list(itertools.islice((s for s in scored if _fits(s, q)), limit))
    route = next((s for s in routes if _fits(s, q)), None)
    return cards, route


def suggest(
    catalogue: Catalogue, q: Question, limit: int = SUGGESTIONS
) -> tuple[list[Suggestion], Suggestion | None]:
    """A few cards and one parcours for a question, each with its reasons."""
    context = _Context.of(catalogue)
    situation = next(s for s in situations() if s.id == q.situation)
    return _choose(_ranked(context, situation, q.taille, q.porteur), q, limit)


@dataclass
class Answer:
    """What a situation's own page shows, from one ranking."""

    suggestions: list[Suggestion]
    route: Suggestion | None
    cards: list[AnyCard]  # every card (not parcours) that answers the situation, best first
    records: list[Card[Retour]]  # the feedback records about them


def answer(catalogue: Catalogue, situation: Situation, limit: int = SUGGESTIONS) -> Answer:
    """A situation answered without any refining question (its page without JavaScript)."""
    context = _Context.of(catalogue)
    ranked = _ranked(context, situation, None, None)
    suggestions, route = _choose(ranked, Question(situation.id), limit)
    cards = [s.card for s in ranked[0]]
    return Answer(suggestions, route, cards, _field_records(context, cards))


def _field_records(context: _Context, cards: list[AnyCard]) -> list[Card[Retour]]:
    """The feedback records about these cards, smallest commune first (the commons is for
    small communes; a record without a known population comes last)."""
    found: dict[str, Card[Retour]] = {}
    for card in cards:
        for record in context.proofs[card.id]:
            found.setdefault(record.id, record)
    return sorted(found.values(), key=lambda r: (record_population(r.meta) or 10**9, r.id))


def record_population(record: Retour) -> int | None:
    """The smallest population among a record's communes, when known."""
    known = [p.habitants for c in record.lieu.communes if (p := communes.population(c))]
    return min(known) if known else None


def advice_tables(catalogue: Catalogue, limit: int = SUGGESTIONS) -> dict[str, dict[str, Any]]:
    """Every answer « Par où commencer ? » can give, worked out here so that the browser only
    looks it up (no copy of the scoring in JavaScript). For each situation: the reasons'
    texts once; for each key « taille|porteur|durée|coût » ("" for « peu importe ») the cards
    and the parcours, as [position, [reason numbers]]; the key facts and field records of the
    cards shown; and the records about the situation's cards, with their département and
    population, which the page orders by the visitor's commune."""
    context = _Context.of(catalogue)
    position = {c.id: i for i, c in enumerate(ordered(catalogue))}
    sizes = ["", *vocabulary("taille_commune").terms]
    carriers = ["", *(v for v, _ in vocabulary("porteurs").questions())]
    lengths = ["", *vocabulary("classe_duree").terms]
    costs = ["", *(v for v, _ in vocabulary("cout").questions())]
    tables: dict[str, dict[str, Any]] = {}
    for situation in situations():
        reasons: dict[str, int] = {}
        shown: dict[str, AnyCard] = {}

        def row(
            s: Suggestion, reasons: dict[str, int] = reasons, shown: dict[str, AnyCard] = shown
        ) -> list[Any]:
            shown[s.card.id] = s.card
            return [position[s.card.id], [reasons.setdefault(r, len(reasons)) for r in s.reasons]]

        answers: dict[str, Any] = {}
        answering: list[AnyCard] = []
        matched = _matched(context, situation)
        for taille in sizes:
            for porteur in carriers:
                ranked = _ranked(context, situation, taille or None, porteur or None, matched)
                if not (taille or porteur):  # the ranking without refining: every card
                    answering = [s.card for s in ranked[0]]
                for duree in lengths:
                    for cout in costs:
                        q = Question(
                            situation.id, taille or None, porteur or None, duree or None, cout or None
                        )
                        cards, route = _choose(ranked, q, limit)
                        answers[f"{taille}|{porteur}|{duree}|{cout}"] = [
                            [row(s) for s in cards],
                            row(route) if route else None,
                        ]
        records = _field_records(context, answering)
        tables[situation.id] = {
            "raisons": list(reasons),
            "reponses": answers,
            "faits": {
                str(position[cid]): [f"{label} : {value}" for label, value in key_facts(card)]
                for cid, card in shown.items()
            },
            "exemples": {
                str(position[cid]): [position[r.id] for r in context.proofs.get(cid, [])]
                for cid in shown
                if context.proofs.get(cid)
            },
            "retours": [
                [
                    position[r.id],
                    communes.departements_of(r.meta.lieu.communes),
                    record_population(r.meta),
                ]
                for r in records
            ],  # fmt: skip
        }
    return tables

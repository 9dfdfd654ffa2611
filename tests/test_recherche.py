"""French search: accent-insensitive, stemmed, lunr's scores, and the same answers in Python and
in the browser's engine."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from terreau.core.catalogue import build
from terreau.core.situations import situations
from terreau.core.vocabulary import vocabulary
from terreau.derive import finder, search_index
from terreau.site.build import LUNR_LANGUAGE

# The search-quality set: a French query, and the card a person expects in the top three.
QUERIES = [
    ("energie", "economies-energie-reinvesties"),
    ("énergie", "economies-energie-reinvesties"),
    ("ENERGETIQUE", "resilience-energetique"),
    ("alimentaire", "projet-alimentaire-territorial"),
    ("alimentation cantine", "proteines-vegetales-restauration-collective"),
    ("enquête collective", "enquete-collective"),
    ("enquete collective", "enquete-collective"),
    ("entretiens semi-directifs", "guide-entretien-semi-directif"),
    ("exposition", "exposition-evolutive"),
    ("légumineuses", "proteines-vegetales-restauration-collective"),
    ("Boischaut", "boischaut-sud-enquete-collective"),
    ("sante", "soutenir-maison-de-sante"),
    ("questionaire", "modele-questionnaire-enquete"),  # one letter missing
    ("reemploi", "ressourcerie-atelier-reemploi"),
    ("ressourcerie", "ressourcerie-atelier-reemploi"),
    ("mobiliser les habitants", "demarrer-moins-de-1000-habitants"),
    ("porte à porte", "porte-a-porte-des-besoins"),
    ("jardin partagé", "jardins-partages"),
    ("budget participatif", "budget-participatif"),
    ("fresque du climat", "atelier-sensibilisation-climat"),
    ("podcast", "mise-en-recit-podcast"),
    ("tirage au sort", "convention-citoyenne-tiree-au-sort"),
    ("maison de santé", "soutenir-maison-de-sante"),
    ("eau potable", "eau-potable-en-cas-de-coupure"),
    ("panneaux solaires", "toitures-solaires-batiments-publics"),
    ("commerce", "commerce-multiservice-communal"),
    ("repair café", "cafe-reparation"),
    ("compost", "compostage-partage"),
    ("rgpd consentement", "note-consentement-rgpd"),
    ("world café", "world-cafe"),
    ("diagnostic", "diagnostic-partage"),
    ("évaluer la démarche", "auto-evaluation-capitalisation"),
    ("plan communal de sauvegarde", "exercice-plan-communal-sauvegarde"),
    ("isolement des personnes âgées", "visites-convivialite-aines-isoles"),
    ("PLU terres agricoles", "proteger-terres-agricoles-plu"),
    ("chaufferie bois", "chaufferie-bois-batiments-publics"),
    ("nouveaux habitants", "accueil-nouveaux-habitants"),
    ("balade sensible", "balade-sensible"),
    ("Kingersheim", "kingersheim-democratie-participative"),
    ("Léaz", "leaz-porte-a-porte"),
    ("résidence", "residence-longue-immersive"),
    ("residense", "residence-longue-immersive"),  # one letter wrong
    ("factures d'énergie", "suivi-consommations-energie"),
    ("médecin qui part", "soutenir-maison-de-sante"),
    ("cantine", "aines-a-la-cantine"),
    ("sécheresse", "gestion-econome-eau-agricole"),
    ("personnes âgées isolées", "visites-convivialite-aines-isoles"),
]


def site_data(site: Path, name: str) -> object:
    """A data file of the built site, read back from its script wrapper."""
    text = (site / "assets/terreau/recherche" / name).read_text("utf-8")
    return (
        json.loads(text.split("=", 1)[1].rsplit(";", 1)[0].replace("<\\/", "</"))
        if text.startswith("window.")
        else json.loads(text.split("]=", 1)[1].rsplit(";", 1)[0].replace("<\\/", "</"))
    )


class Built:
    """The search data exactly as the browser gets it, queried from Python."""

    def __init__(self, site: Path) -> None:
        table = site_data(site, "facettes.js")
        shards = [site_data(site, f"index-{k}.js") for k in range(len(table["tranches"]))]
        self.index = search_index.ShardedIndex(table["tranches"], shards)
        self.ids = [
            Path(row[1]).stem
            for k in range(-(-table["n"] // table["morceau"]))
            for row in site_data(site, f"fiches-{k}.js")
        ]

    def search(self, text: str, limit: int = 10) -> list[str]:
        return [self.ids[pos] for pos, _ in self.index.search(text)[:limit]]


@pytest.fixture(scope="module")
def index(site: Path) -> Built:
    return Built(site)


def test_the_quality_set_asks_for_every_need_and_every_kind_of_card() -> None:
    """The search-quality set covers what a mayor looks for: a query for each need of
    « Par où commencer ? » and for each kind of card, so that no part of the commons goes
    unmeasured."""
    catalogue = build(ROOT / "docs")
    expected = [catalogue.cards[card_id] for _query, card_id in QUERIES]
    assert {c.kind for c in expected} >= {"methode", "outil", "action", "retour", "parcours"}
    needs = {need for c in expected for need in getattr(c.meta, "besoins", [])}
    assert needs >= set(vocabulary("besoins").terms)


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_query_ranks_the_expected_card_in_the_top_three(index: Built, query: str, expected: str) -> None:
    assert expected in index.search(query, limit=3)


def test_alimentaire_finds_alimentation(index: Built) -> None:
    # The stem of « alimentaire » is not the stem of « alimentation »: the shorter-stem prefix
    # clause is what brings « Mobiliser autour de l'alimentation » up.
    assert "mobiliser-autour-de-l-alimentation" in index.search("alimentaire")


def test_a_term_many_cards_hold_is_not_widened(index: Built) -> None:
    """« compost » is widened to « compostage », « composteur », not to « composition » or
    « composé »: every card found says compost."""
    catalogue = build(ROOT / "docs")
    found = index.search("compost", limit=5)
    assert found and "compostage-partage" in found
    for card_id in found:
        card = catalogue.cards[card_id]
        text = " ".join([card.meta.titre, card.meta.resume, *getattr(card.meta, "mots_cles", []), card.body])
        assert "compost" in search_index.fold(text.lower()), card_id


@pytest.mark.xfail(
    strict=True,
    reason="measured, not reached: no field or kind boost puts both in the top 5 while the "
    "quality set passes; « habitants » in titles outweighs the facet label « Mobiliser »",
)
def test_mobiliser_les_habitants_finds_the_surveys(index: Built) -> None:
    found = index.search("mobiliser les habitants", limit=5)
    assert "enquete-collective" in found and "porte-a-porte-des-besoins" in found


def test_stop_words_alone_find_nothing(index: Built) -> None:
    assert index.search("le la des") == []


def test_accents_are_folded_before_stemming() -> None:
    assert search_index.analyse("Énergie énergie ENERGIE energie") == ["energ"] * 4
    assert search_index.analyse("Œuvre") == search_index.analyse("oeuvre")


def node_answers(site: Path, queries: list[str], words: list[str]) -> dict[str, list]:
    result = subprocess.run(
        ["node", str(ROOT / "tests/js/interroger.js"), str(site)],  # lunr and the engine as shipped
        input=json.dumps({"requetes": queries, "mots": words}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_lunr_js_ranks_like_python(site: Path, index: Built) -> None:
    queries = [q for q, _ in QUERIES]
    answers = node_answers(site, queries, [])["resultats"]
    for query, (_, expected), js in zip(queries, QUERIES, answers, strict=True):
        python = index.index.search(query)
        assert expected in [index.ids[pos] for pos, _ in js[:3]], query
        assert [pos for pos, _ in js] == [pos for pos, _ in python], query
        assert [s for _, s in js] == pytest.approx([s for _, s in python], abs=1e-5), query


def test_a_sharded_index_ranks_like_a_single_one(site: Path) -> None:
    cards = finder.ordered(build(ROOT / "docs"))
    whole = search_index.ShardedIndex(*_parsed(search_index.build_shards(cards, finder.labels, 10**9)))
    starts, shards = _parsed(search_index.build_shards(cards, finder.labels, 2_000))
    assert len(whole.shards) == 1 and len(shards) > 5
    cut = search_index.ShardedIndex(starts, shards)
    for query, _ in QUERIES:
        # Shard scores are added, so the order may differ past the first results, and between
        # two first results that the whole index scores within 5 % of each other.
        found, best = [p for p, _ in cut.search(query)][:2], whole.search(query)[:2]
        assert set(found) == {p for p, _ in best}, query
        if found != [p for p, _ in best]:
            assert best[1][1] >= 0.95 * best[0][1], (query, best)


def _parsed(built: tuple[list[str], Iterator[str]]) -> tuple[list[str], list[dict[str, Any]]]:
    starts, texts = built
    return starts, [json.loads(t) for t in texts]


def test_lunr_js_and_python_analyse_every_word_of_the_corpus_alike(site: Path) -> None:
    catalogue = build(ROOT / "docs")
    text = " ".join(c.body + " " + c.meta.titre + " " + c.meta.resume for c in catalogue.cards.values())
    vocabulary = sorted(set(search_index.words(text)))
    assert len(vocabulary) > 500
    js = node_answers(site, [], vocabulary)["racines"]
    python = [" ".join(search_index.analyse(w)) for w in vocabulary]
    mismatches = [(w, p, j) for w, p, j in zip(vocabulary, python, js, strict=True) if p != j]
    assert mismatches == []


MKDOCS_LUNR = Path(str(resources.files("mkdocs"))) / "contrib/search/templates/search/lunr.js"
MATERIAL_LUNR = Path(str(resources.files("material"))) / "templates/assets/javascripts/lunr/min"


def shipped_lunr(site: Path) -> str:
    """The one file the browser loads for lunr.js and its French support."""
    return (site / "assets/terreau/lunr/lunr-fr.js").read_text("utf-8")


def test_lunr_js_comes_from_installed_packages(site: Path) -> None:
    """The French support is shipped as the package has it, after lunr.js; nothing comes from
    a CDN. Each part ends with « ; », so that the next one is not read as its continuation."""
    shipped = shipped_lunr(site)
    support, french = ((MATERIAL_LUNR / n).read_text("utf-8").rstrip() for n in LUNR_LANGUAGE)
    assert shipped.endswith(f"{support};\n{french};\n")
    assert [p.name for p in (site / "assets/terreau/lunr").iterdir()] == ["lunr-fr.js"]


QUESTIONS = [
    finder.Question(situation.id, taille, porteur, duree, cout)
    for situation in situations()
    for taille, porteur, duree, cout in [
        (None, None, None, None),
        ("500-2000", None, None, None),
        ("moins-500", "elus", None, "faible"),
        ("2000-10000", "association", "semestre", "nul"),
        ("500-2000", "collectif-habitants", "journee", None),
    ]
]


def test_the_home_page_looks_up_what_python_worked_out(site: Path) -> None:
    """The browser does not score: it reads the answer finder.suggest gives, written at build
    time for every combination of answers (tested here on a spread of them)."""
    catalogue = build(ROOT / "docs")
    cards = finder.ordered(catalogue)
    for question in QUESTIONS:
        script = (site / f"assets/terreau/recherche/conseils-{question.situation}.js").read_text("utf-8")
        table = json.loads(script.split("=", 2)[2].rstrip(";\n"))
        key = "|".join(v or "" for v in (question.taille, question.porteur, question.duree, question.cout))
        shown, route = table["reponses"][key]
        expected, expected_route = finder.suggest(catalogue, question)
        view = [[cards[pos].id, [table["raisons"][i] for i in why]] for pos, why in shown]
        assert view == [[s.card.id, s.reasons] for s in expected], question
        route_view = [cards[route[0]].id, [table["raisons"][i] for i in route[1]]] if route else None
        assert route_view == ([expected_route.card.id, expected_route.reasons] if expected_route else None)
    combinations = 5 * 4 * 5 * 4  # sizes, carriers, durations and budgets, « peu importe » included
    assert len(table["reponses"]) == combinations


def test_a_mayor_who_wants_to_mobilise_a_village_gets_the_surveys_and_a_parcours() -> None:
    cards, route = finder.suggest(build(ROOT / "docs"), finder.Question("impliquer", "500-2000"))
    ids = [s.card.id for s in cards]
    assert "enquete-collective" in ids and "porte-a-porte-des-besoins" in ids
    assert route is not None and route.card.id == "demarrer-moins-de-1000-habitants"


def _lunr_index(cards: list[Any]) -> Any:
    """lunr's own index of the cards, made by lunr.py's Builder running a pipeline word by
    word: the reference the shards and the scorer are checked against."""
    from lunr.builder import Builder
    from lunr.pipeline import Pipeline

    def stop(token: Any, i: int | None = None, tokens: Any = None) -> Any:
        return None if search_index.fold(str(token)) in search_index.stop_words() else token

    def fold(token: Any, i: int | None = None, tokens: Any = None) -> Any:
        return token.update(lambda s, metadata=None: search_index.fold(s))

    def stem(token: Any, i: int | None = None, tokens: Any = None) -> Any:
        return token.update(lambda s, metadata=None: search_index.stem(s))

    reference = Builder()
    for label, fn in (("terreau-vides", stop), ("terreau-plier", fold), ("stemmer-fr", stem)):
        Pipeline.registered_functions.pop(label, None)
        Pipeline.register_function(fn, label)
        reference.pipeline.add(fn)
        reference.search_pipeline.add(fn)
    reference.ref("ref")
    for name, boost in search_index.FIELDS.items():
        reference.field(name, boost=boost)
    for position, card in enumerate(cards):
        meta = card.meta
        extra = [*getattr(meta, "mots_cles", []), *finder.labels(card)]
        reference.add(
            {
                "ref": str(position),
                "titre": search_index.words(meta.titre),
                "mots": search_index.words(" ".join(extra)),
                "resume": search_index.words(meta.resume),
                "texte": search_index.words(search_index._plain(card.body)),
            },
            {"boost": search_index.KIND_BOOST[card.kind]},
        )
    return reference.build()


@pytest.fixture(scope="module")
def lunr_reference() -> tuple[list[Any], Any]:
    cards = finder.ordered(build(ROOT / "docs"))
    return cards, _lunr_index(cards)


@pytest.mark.parametrize("max_bytes", [2_000, finder.SHARD_BYTES, 10**9])
def test_the_shards_hold_lunrs_scores_cut_by_term_ranges(
    max_bytes: int, lunr_reference: tuple[list[Any], Any]
) -> None:
    """build_shards works out the scores without lunr's Builder; lunr's own index, its field
    scores added card by card and cut by term ranges, must give the very same shards, byte
    for byte as the browser gets them."""
    cards, reference = lunr_reference
    starts, shards = search_index.build_shards(cards, finder.labels, max_bytes, finder.row, finder.FIRST)
    texts = list(shards)
    expected_starts, expected = _split(reference.serialize(), max_bytes, cards)
    assert starts == expected_starts
    assert texts == [
        json.dumps(s, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for s in expected
    ]


def _split(
    serialized: dict[str, Any], max_bytes: int, cards: list[Any]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The reference: lunr's serialized index as shards of whole term ranges.

    For each term, sorted, the cards holding it: (position less the previous one, the sum of
    the card's field scores in thousandths). A shard closes once it holds about ``max_bytes``
    of postings, and carries the row of the ``finder.FIRST`` best cards of each of its terms.
    Returns the first term of each shard, and the shards.
    """
    by_index = {postings["_index"]: term for term, postings in serialized["invertedIndex"]}
    held: dict[str, dict[int, int]] = {term: {} for term in by_index.values()}
    for field_ref, values in serialized["fieldVectors"]:
        position = int(field_ref.split("/")[1])
        for i in range(0, len(values), 2):
            scores = held[by_index[values[i]]]
            scores[position] = scores.get(position, 0) + round(values[i + 1] * 1000)
    postings: dict[str, list[int]] = {}
    for term, scores in held.items():
        flat, previous = [], 0
        for position in sorted(scores):
            flat += [position - previous, scores[position]]
            previous = position
        postings[term] = flat
    groups: list[list[str]] = [[]]
    size = 0
    for term in sorted(held):
        if groups[-1] and size >= max_bytes:
            groups.append([])
            size = 0
        groups[-1].append(term)
        size += len(json.dumps(postings[term], separators=(",", ":"))) + len(term) + 4
    shards = []
    for group in groups:
        best = set()
        for term in group:
            best |= set(sorted(held[term], key=lambda p, t=term: (-held[t][p], p))[: finder.FIRST])
        shards.append(
            {
                "termes": group,
                "postes": [postings[term] for term in group],
                "fiches": [[p, *finder.row(cards[p])] for p in sorted(best)],
            }
        )
    starts = [group[0] if group else "" for group in groups]
    starts[0] = ""
    return starts, shards


def test_the_scores_are_lunrs(lunr_reference: tuple[list[Any], Any]) -> None:
    """The shards are read without lunr (in the browser too): the same query, asked of
    lunr.py's own index term by term as the search asks it, ranks the same cards with the same
    scores."""
    from lunr.query import Query

    cards, reference = lunr_reference
    starts, shards = search_index.build_shards(cards, finder.labels, 10**9)
    ours = search_index.ShardedIndex(starts, [json.loads(s) for s in shards])
    queries = [q for q, _ in QUERIES] + ["energie climat", "composte", "alimentaton", "agir ensemble"]
    for text in queries:
        asked: dict[str, list[search_index.Clause]] = {}
        for clause in search_index.query_clauses(text, ours.cards_with):
            asked.setdefault(clause.of, []).append(clause)
        scores: dict[int, float] = {}
        for clauses in asked.values():
            query = reference.create_query()
            for c in clauses:
                query.term(
                    c.term,
                    use_pipeline=False,
                    boost=c.boost,
                    wildcard=Query.WILDCARD_TRAILING if c.prefix else Query.WILDCARD_NONE,
                    edit_distance=1 if c.typo else 0,
                )
            for result in reference.query(query):
                scores[int(result["ref"])] = scores.get(int(result["ref"]), 0.0) + result["score"]
        lunr = sorted(((p, round(s, 6)) for p, s in scores.items()), key=lambda ps: (-ps[1], ps[0]))
        found = ours.search(text)
        assert [p for p, _ in found] == [p for p, _ in lunr], text
        assert [s for _, s in found] == pytest.approx([s for _, s in lunr], abs=2e-6), text


def test_one_edit_is_lunrs_fuzzy_match() -> None:
    for a, b, expected in [
        ("questionnair", "questionnair", True),
        ("questionair", "questionnair", True),  # a letter added
        ("residens", "resident", True),  # replaced
        ("reisdent", "resident", True),  # two neighbours swapped
        ("residen", "resident", True),  # the last letter removed
        ("esident", "resident", True),  # the first
        ("rseidetn", "resident", False),
        ("resid", "resident", False),
    ]:
        assert search_index.one_edit(a, b) is expected, (a, b)
        assert search_index.one_edit(b, a) is expected, (b, a)


def test_lunr_js_is_shipped_without_comments_but_with_its_licence(site: Path) -> None:
    french = sum(len((MATERIAL_LUNR / n).read_text("utf-8")) for n in LUNR_LANGUAGE)
    shipped = shipped_lunr(site)
    original = MKDOCS_LUNR.read_text("utf-8")
    assert len(shipped) - french < len(original) / 2
    assert shipped.startswith("/**\n * lunr - http://lunrjs.com") and "@license MIT" in shipped[:300]

"""French search: accent-insensitive, stemmed, and the same answers in Python and in lunr.js."""

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
    names = ("lunr.js", "lunr.stemmer.support.min.js", "lunr.fr.min.js")
    lunr = {name: site / "assets/terreau/lunr" / name for name in names}  # as shipped
    result = subprocess.run(
        [
            "node",
            str(ROOT / "tests/js/interroger.js"),
            str(site),
            str(lunr["lunr.js"]),
            str(lunr["lunr.stemmer.support.min.js"]),
            str(lunr["lunr.fr.min.js"]),
        ],
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


def test_lunr_js_comes_from_installed_packages(site: Path) -> None:
    """The French support is shipped as the package has it; nothing comes from a CDN."""
    for name in ("lunr.stemmer.support.min.js", "lunr.fr.min.js"):
        assert (site / "assets/terreau/lunr" / name).read_bytes() == (MATERIAL_LUNR / name).read_bytes()


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


@pytest.mark.parametrize("max_bytes", [2_000, finder.SHARD_BYTES, 10**9])
def test_the_shards_are_exactly_lunrs_index_cut_by_term_ranges(max_bytes: int) -> None:
    """build_shards writes the index without lunr's Builder; lunr's own Builder, running the
    pipeline word by word, then cut by term ranges, must give the very same shards, byte
    for byte as the browser gets them."""
    from lunr.builder import Builder

    search_index.register_pipeline()
    cards = finder.ordered(build(ROOT / "docs"))
    starts, shards = search_index.build_shards(cards, finder.labels, max_bytes)
    texts = list(shards)
    reference = Builder()
    for _label, fn in search_index.PIPELINE:
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
    expected_starts, expected = _split(reference.build().serialize(), max_bytes)
    assert starts == expected_starts
    assert texts == [
        json.dumps(s, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for s in expected
    ]


def _split(serialized: dict[str, Any], max_bytes: int) -> tuple[list[str], list[dict[str, Any]]]:
    """The reference: lunr's serialized index, cut into shards of whole term ranges.

    Terms are sorted; a shard closes once it holds about ``max_bytes`` of postings. Each shard
    is a complete lunr index (its own term numbering, the field vectors restricted to its
    terms): the browser loads only the shards a query needs (see ``shards_of``). Returns the
    first term of each shard, and the shards.
    """
    inverted = serialized["invertedIndex"]
    groups: list[list[Any]] = [[]]
    size = 0
    for entry in inverted:
        if groups[-1] and size >= max_bytes:
            groups.append([])
            size = 0
        groups[-1].append(entry)
        size += len(json.dumps(entry, separators=(",", ":")))
    shard_of_term: dict[int, tuple[int, int]] = {}
    for shard, group in enumerate(groups):
        for local, entry in enumerate(group):
            shard_of_term[entry[1]["_index"]] = (shard, local)
    vectors: list[list[Any]] = [[] for _ in groups]
    for field_ref, values in serialized["fieldVectors"]:
        parts: list[list[tuple[int, float]]] = [[] for _ in groups]
        for i in range(0, len(values), 2):
            shard, local = shard_of_term[values[i]]
            parts[shard].append((local, values[i + 1]))
        for shard, part in enumerate(parts):
            if part:
                # lunr's vectors must be sorted by term number (it merges them in order).
                flat = [x for pair in sorted(part) for x in pair]
                vectors[shard].append([field_ref, flat])
    shards = []
    for shard, group in enumerate(groups):
        renumbered = [[term, {**postings, "_index": local}] for local, (term, postings) in enumerate(group)]
        shards.append(
            {
                "version": serialized["version"],
                "fields": serialized["fields"],
                "fieldVectors": vectors[shard],
                "invertedIndex": renumbered,
                "pipeline": serialized["pipeline"],
            }
        )
    starts = [group[0][0] if group else "" for group in groups]
    starts[0] = ""
    return starts, shards


def test_lunr_js_is_shipped_without_comments_but_with_its_licence(site: Path) -> None:
    shipped = (site / "assets/terreau/lunr/lunr.js").read_text("utf-8")
    original = MKDOCS_LUNR.read_text("utf-8")
    assert len(shipped) < len(original) / 2
    assert shipped.startswith("/**\n * lunr - http://lunrjs.com") and "@license MIT" in shipped[:300]

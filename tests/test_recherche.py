"""French search: accent-insensitive, stemmed, and the same answers in Python and in lunr.js."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from conftest import ROOT
from terreau import search_index
from terreau.catalogue import build
from terreau.plugin import TerreauPlugin, _lunr_files

QUERIES = [
    # (query, card that must come first)
    ("energie", "resilience-energetique"),
    ("énergie", "resilience-energetique"),
    ("ENERGETIQUE", "resilience-energetique"),
    ("alimentaire", "resilience-alimentaire"),
    ("alimentation cantine", "proteines-vegetales-restauration-collective"),
    ("enquête collective", "enquete-collective"),
    ("entretiens semi-directifs", "guide-entretien-semi-directif"),
    ("exposition", "exposition-evolutive"),
    ("légumineuses", "proteines-vegetales-restauration-collective"),
    ("Boischaut", "boischaut-sud-enquete-collective"),
    ("sante", "resilience-sanitaire"),
    ("questionaire", "enquete-collective"),  # one letter missing
]


@pytest.fixture(scope="module")
def index() -> object:
    catalogue = build(ROOT / "docs")
    return search_index.build(catalogue, TerreauPlugin._labels)


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_query_finds_the_expected_card_first(index: object, query: str, expected: str) -> None:
    assert search_index.search(index, query)[0] == expected  # type: ignore[arg-type]


def test_alimentaire_finds_alimentation(index: object) -> None:
    found = search_index.search(index, "alimentaire")  # type: ignore[arg-type]
    # « Plus de protéines végétales à la cantine » says « alimentation », never « alimentaire ».
    assert "proteines-vegetales-restauration-collective" in found


def test_stop_words_alone_find_nothing(index: object) -> None:
    assert search_index.search(index, "le la des") == []  # type: ignore[arg-type]


def test_accents_are_folded_before_stemming() -> None:
    assert search_index.analyse("Énergie énergie ENERGIE energie") == ["energ"] * 4
    assert search_index.analyse("Œuvre") == search_index.analyse("oeuvre")


def node_answers(site: Path, queries: list[str], words: list[str]) -> dict[str, list]:
    lunr = _lunr_files()
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


def test_lunr_js_ranks_like_python(site: Path, index: object) -> None:
    queries = [q for q, _ in QUERIES]
    answers = node_answers(site, queries, [])["resultats"]
    for query, (_, expected), js in zip(queries, QUERIES, answers, strict=True):
        python = search_index.search(index, query, limit=3)  # type: ignore[arg-type]
        assert js[:1] == [expected], query
        assert js[:3] == python, query


def test_lunr_js_and_python_analyse_every_word_of_the_corpus_alike(site: Path) -> None:
    catalogue = build(ROOT / "docs")
    text = " ".join(c.body + " " + c.meta.titre + " " + c.meta.resume for c in catalogue.cards.values())
    vocabulary = sorted(set(search_index.words(text)))
    assert len(vocabulary) > 500
    js = node_answers(site, [], vocabulary)["racines"]
    python = [" ".join(search_index.analyse(w)) for w in vocabulary]
    mismatches = [(w, p, j) for w, p, j in zip(vocabulary, python, js, strict=True) if p != j]
    assert mismatches == []


def test_lunr_js_comes_from_installed_packages() -> None:
    files = _lunr_files()
    assert str(files["lunr.js"]).startswith(str(resources.files("mkdocs")))
    assert str(files["lunr.fr.min.js"]).startswith(str(resources.files("material")))

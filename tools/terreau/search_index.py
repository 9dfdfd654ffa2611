"""The French search index: built in Python with lunr.py, queried by lunr.js in the browser.

Text goes through the same steps on both sides, under the same pipeline labels:
split into words (letters and digits), drop French stop words (``terreau-vides``),
fold accents and ligatures (``terreau-plier``: « Énergie » → « energie »), then the
French Snowball stemmer (``stemmer-fr``: lunr.fr.js in the browser, the Snowball
project's own Python port here; they agree word for word, which a test checks).
Folding comes before stemming so that a word typed with or without its accents
reaches the stemmer identically.

A query is expanded the same way on both sides (see ``query_clauses`` and
assets/moteur.js): the exact stem first, then a shorter stem as a prefix so that
« alimentaire » meets « alimentation », then a one-letter typo allowance.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import snowballstemmer
from lunr.builder import Builder
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query

from terreau.catalogue import Catalogue
from terreau.loader import Card

FIELDS = {"titre": 10, "mots": 4, "resume": 3, "texte": 1}
# A generic query should reach the how-to cards before the records that mention them.
KIND_BOOST = {"methode": 1.5, "axe": 1.3, "parcours": 1.3, "outil": 1.2, "action": 1.2, "retour": 1.0}
_WORD = re.compile(r"[^\W_]+")
_MARKUP = re.compile(r"[#*_>`|\[\]()]|https?://\S+|<[^>]+>")


@cache
def stop_words() -> frozenset[str]:
    text = resources.files("terreau").joinpath("data/mots-vides.txt").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return frozenset(" ".join(lines).split())


def fold(text: str) -> str:
    """Remove accents and open ligatures: « Œuvre élue » → « oeuvre elue »."""
    text = text.replace("œ", "oe").replace("æ", "ae").replace("Œ", "OE").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Split text into lower-case words, as assets/moteur.js does."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


_stemmer = snowballstemmer.stemmer("french")


@cache
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def _stop(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return None if fold(str(token)) in stop_words() else token


def _fold(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return token.update(lambda s, metadata=None: fold(s))


def _stem(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return token.update(lambda s, metadata=None: stem(s))


PIPELINE = (("terreau-vides", _stop), ("terreau-plier", _fold), ("stemmer-fr", _stem))
for _label, _fn in PIPELINE:
    Pipeline.register_function(_fn, _label)


def analyse(text: str) -> list[str]:
    """The index terms of a text, as the search pipeline produces them."""
    terms = []
    for word in words(text):
        folded = fold(word)
        if folded in stop_words():
            continue
        terms.append(stem(folded))
    return terms


@dataclass(frozen=True)
class Clause:
    term: str
    boost: int
    prefix: bool = False
    typo: bool = False


def query_clauses(text: str) -> list[Clause]:
    """How a query is expanded; assets/moteur.js implements the same rules."""
    clauses: list[Clause] = []
    for term in dict.fromkeys(analyse(text)):
        clauses.append(Clause(term, 10))
        if len(term) >= 6:
            clauses.append(Clause(term[: max(5, len(term) - 3)], 2, prefix=True))
        elif len(term) >= 3:
            clauses.append(Clause(term, 3, prefix=True))
        if len(term) >= 5:
            clauses.append(Clause(term, 1, typo=True))
    return clauses


def _plain(markdown: str) -> str:
    return _MARKUP.sub(" ", markdown)


def document(card: Card, labels: Iterable[str]) -> dict[str, Any]:
    """The fields indexed for one card, already split into words."""
    meta = card.meta
    extra = [*getattr(meta, "mots_cles", []), *labels]
    return {
        "id": card.id,
        "titre": words(meta.titre),
        "mots": words(" ".join(extra)),
        "resume": words(meta.resume),
        "texte": words(_plain(card.body)),
    }


def build(catalogue: Catalogue, labels_of: Any) -> Index:
    """Build the lunr index of every card; ``labels_of(card)`` adds facet labels as words."""
    builder = Builder()
    for _label, fn in PIPELINE:
        builder.pipeline.add(fn)
        builder.search_pipeline.add(fn)
    builder.ref("id")
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    for card in sorted(catalogue.cards.values(), key=lambda c: c.id):
        builder.add(document(card, labels_of(card)), {"boost": KIND_BOOST[card.kind]})
    return builder.build()


def search(index: Index, text: str, limit: int = 10) -> list[str]:
    """Card identifiers best matching ``text``, best first (the browser's ranking)."""
    clauses = query_clauses(text)
    if not clauses:
        return []
    query = index.create_query()
    for c in clauses:
        query.term(
            c.term,
            use_pipeline=False,
            boost=c.boost,
            wildcard=Query.WILDCARD_TRAILING if c.prefix else Query.WILDCARD_NONE,
            edit_distance=1 if c.typo else 0,
        )
    return [r["ref"] for r in index.query(query)[:limit]]


def serialize(index: Index) -> str:
    """Deterministic, compact JSON of the index (what lunr.js's Index.load reads)."""
    return json.dumps(index.serialize(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def script(variable: str, payload: Any) -> str:
    """Data as a script that sets a global: loads over file:// where fetch() cannot."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # "</" inside a string must not close a script element if the file is ever inlined.
    body = body.replace("</", "<\\/")
    return f"window.{variable}={body};\n"

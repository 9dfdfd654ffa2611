"""The French search index: built in Python with lunr.py, queried by lunr.js in the browser.

Text goes through the same steps on both sides, under the same pipeline labels:
split into words (letters and digits), drop French stop words (``terreau-vides``),
fold accents and ligatures (``terreau-plier``: « Énergie » → « energie »), then the
French Snowball stemmer (``stemmer-fr``: lunr.fr.js in the browser, NLTK's here;
they agree word for word, which a test checks on the whole corpus).
Folding comes before stemming so that a word typed with or without its accents
reaches the stemmer identically.

A query is expanded the same way on both sides (see ``query_clauses`` and
assets/moteur.js): the exact stem first, then a shorter stem as a prefix so that
« alimentaire » meets « alimentation », then a one-letter typo allowance.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lunr.builder import Builder
from lunr.idf import idf as Idf
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query
from lunr.vector import Vector
from nltk.stem.snowball import FrenchStemmer

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


_stemmer = FrenchStemmer()


@cache
def stem(word: str) -> str:
    return str(_stemmer.stem(word))


def _stop(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return None if fold(str(token)) in stop_words() else token


def _fold(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return token.update(lambda s, metadata=None: fold(s))


def _stem(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return token.update(lambda s, metadata=None: stem(s))


PIPELINE = (("terreau-vides", _stop), ("terreau-plier", _fold), ("stemmer-fr", _stem))
for _label, _fn in PIPELINE:
    # lunr registers its own "stemmer-fr" when NLTK is installed; ours replaces it quietly.
    Pipeline.registered_functions.pop(_label, None)
    Pipeline.register_function(_fn, _label)


@cache
def term(word: str) -> str | None:
    """The index term of one lower-case word (None for a stop word); cached, words repeat."""
    folded = fold(word)
    return None if folded in stop_words() else stem(folded)


def analyse(text: str) -> list[str]:
    """The index terms of a text, as the search pipeline produces them."""
    return [t for t in map(term, words(text)) if t is not None]


class AnalysedBuilder(Builder):
    """lunr's builder, fed with terms already analysed: the same index, built much faster.

    lunr.Builder.add makes a Token object (and copies its metadata) for every word, then runs
    the pipeline on each; with ~900 words per card that dominated the build. Here each
    distinct word is analysed once (``term`` is cached) and the bookkeeping is the one of
    Builder.add, without metadata (Terreau keeps none).
    """

    def add_terms(self, ref: str, fields: dict[str, list[str]], boost: float) -> None:
        self._documents[ref] = {"boost": boost}
        self.document_count += 1
        for field_name in self._fields:
            terms = fields[field_name]
            field_ref = f"{field_name}/{ref}"
            counts: dict[str, int] = {}
            for t in terms:
                counts[t] = counts.get(t, 0) + 1
            self.field_term_frequencies[field_ref] = counts
            self.field_lengths[field_ref] = len(terms)
            for t in counts:
                posting = self.inverted_index.get(t)
                if posting is None:
                    posting = {name: {} for name in self._fields}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                    self.inverted_index[t] = posting
                posting[field_name][ref] = {}

    def _create_field_vectors(self) -> None:
        """lunr's BM25 field vectors, computed as lunr does, with each vector built at once
        from sorted pairs (lunr inserts term by term, a binary search and a list insert each)."""
        idf_of: dict[str, float] = {}
        vectors = {}
        k1, b = self._k1, self._b
        for field_ref, frequencies in self.field_term_frequencies.items():
            field_name, _, doc_ref = field_ref.partition("/")
            length = self.field_lengths[field_ref]
            norm = k1 * (1 - b + b * (length / self.average_field_length[field_name]))
            boost = self._fields[field_name].boost * self._documents[doc_ref].get("boost", 1)
            pairs = []
            for t, tf in frequencies.items():
                posting = self.inverted_index[t]
                idf = idf_of.get(t)
                if idf is None:
                    idf = idf_of[t] = Idf(posting, self.document_count)
                score = idf * ((k1 + 1) * tf) / (norm + tf)
                pairs.append((posting["_index"], round(score * boost, 3)))
            pairs.sort()
            vectors[field_ref] = Vector([x for pair in pairs for x in pair])
        self.field_vectors = vectors


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


def document(card: Card, labels: Iterable[str]) -> dict[str, list[str]]:
    """The index terms of each field of one card."""
    meta = card.meta
    extra = [*getattr(meta, "mots_cles", []), *labels]
    return {
        "titre": analyse(meta.titre),
        "mots": analyse(" ".join(extra)),
        "resume": analyse(meta.resume),
        "texte": analyse(_plain(card.body)),
    }


def build(cards: list[Card], labels_of: Any) -> Index:
    """The lunr index of ``cards``; a card's reference is its position in the list.

    Positions rather than identifiers keep the index small (every posting repeats its
    reference). ``labels_of(card)`` adds facet labels as words, so that « élus » finds the
    cards carried by elected officials.
    """
    builder = AnalysedBuilder()
    for _label, fn in PIPELINE:
        builder.pipeline.add(fn)
        builder.search_pipeline.add(fn)
    builder.ref("ref")
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    for position, card in enumerate(cards):
        builder.add_terms(str(position), document(card, labels_of(card)), KIND_BOOST[card.kind])
    return builder.build()


def split(serialized: dict[str, Any], max_bytes: int) -> tuple[list[str], list[dict[str, Any]]]:
    """Cut a serialized lunr index into shards of whole term ranges.

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


def shard_of(starts: list[str], term: str) -> int:
    """The shard holding ``term``: the last one whose first term sorts before it."""
    return max(0, bisect.bisect_right(starts, term) - 1)


def shards_of(starts: list[str], clause: Clause) -> list[int]:
    """The shards a clause must ask: its term's, or for a prefix every shard that may hold a
    term starting with it (a prefix's terms can straddle a shard boundary)."""
    first = shard_of(starts, clause.term)
    if not clause.prefix:
        return [first]
    return list(range(first, shard_of(starts, clause.term + "\uffff") + 1))


class ShardedIndex:
    """The shards the browser downloads, queried the same way (see assets/moteur.js)."""

    def __init__(self, starts: list[str], shards: list[dict[str, Any]]) -> None:
        self.starts = starts
        self.shards = [Index.load(s) for s in shards]

    def search(self, text: str) -> list[tuple[int, float]]:
        """(position, score) of matching cards, best first; ties by position."""
        by_shard: dict[int, list[Clause]] = {}
        for clause in query_clauses(text):
            for shard in shards_of(self.starts, clause):
                by_shard.setdefault(shard, []).append(clause)
        scores: dict[int, float] = {}
        for shard, clauses in sorted(by_shard.items()):
            index = self.shards[shard]
            query = index.create_query()
            for c in clauses:
                query.term(
                    c.term,
                    use_pipeline=False,
                    boost=c.boost,
                    wildcard=Query.WILDCARD_TRAILING if c.prefix else Query.WILDCARD_NONE,
                    edit_distance=1 if c.typo else 0,
                )
            for result in index.query(query):
                ref = int(result["ref"])
                scores[ref] = scores.get(ref, 0.0) + result["score"]
        # Rounded so that Python and JavaScript floats rank identically.
        return sorted(((r, round(s, 6)) for r, s in scores.items()), key=lambda rs: (-rs[1], rs[0]))


def script(variable: str, payload: Any, key: int | str | None = None) -> str:
    """Data as a script that sets a global (or one entry of a global registry).

    Scripts rather than JSON read with fetch(): they also load over file://.
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # "</" inside a string must not close a script element if the file is ever inlined.
    body = body.replace("</", "<\\/")
    if key is None:
        return f"window.{variable}={body};\n"
    index = json.dumps(key, ensure_ascii=False)
    return f"(window.{variable}=window.{variable}||{{}})[{index}]={body};\n"

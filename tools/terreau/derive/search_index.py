"""The French search index: built in Python with lunr.py, queried by lunr.js in the browser.

Text goes through the same steps on both sides, under the same pipeline labels:
split into words (letters and digits), drop French stop words (``terreau-vides``),
fold accents and ligatures (``terreau-plier``: « Énergie » → « energie »), then the
French Snowball stemmer (``stemmer-fr``: lunr.fr.js in the browser, NLTK's here;
they agree word for word, which a test checks on the whole corpus).
Folding comes before stemming so that a word typed with or without its accents
reaches the stemmer identically.

A query is expanded the same way on both sides (see ``query_clauses`` and
assets/moteur.js): the exact stem first; then, only for a term few cards hold, a prefix
(the stem itself, or a shorter stem for long terms, so that « alimentaire » meets
« alimentation ») and a one-letter typo allowance.
"""

from __future__ import annotations

import bisect
import io
import json
import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from terreau.core.loader import AnyCard
from terreau.core.words import fold, stop_words, words

FIELDS = {"titre": 10, "mots": 4, "resume": 3, "texte": 1}
# A generic query should reach the how-to cards before the records that mention them.
KIND_BOOST = {"methode": 1.5, "axe": 1.3, "parcours": 1.3, "outil": 1.2, "action": 1.2, "retour": 1.0}
_MARKUP = re.compile(r"[#*_>`|\[\]()]|https?://\S+|<[^>]+>")


@cache
def _stemmer() -> Any:
    # Imported on first use: the build's main process never stems (lunr and NLTK take a
    # fifth of a second to import).
    from nltk.stem.snowball import FrenchStemmer

    return FrenchStemmer()


@cache
def stem(word: str) -> str:
    return str(_stemmer().stem(word))


def _stop(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return None if fold(str(token)) in stop_words() else token


def _fold(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return token.update(lambda s, metadata=None: fold(s))


def _stem(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    return token.update(lambda s, metadata=None: stem(s))


PIPELINE = (("terreau-vides", _stop), ("terreau-plier", _fold), ("stemmer-fr", _stem))


@cache
def register_pipeline() -> None:
    """Give lunr.py the pipeline's functions under their labels (before it loads or builds
    an index that names them)."""
    from lunr.pipeline import Pipeline

    for label, fn in PIPELINE:
        # lunr registers its own "stemmer-fr" when NLTK is installed; ours replaces it quietly.
        Pipeline.registered_functions.pop(label, None)
        Pipeline.register_function(fn, label)


@cache
def term(word: str) -> str | None:
    """The index term of one lower-case word (None for a stop word); cached, words repeat."""
    folded = fold(word)
    return None if folded in stop_words() else stem(folded)


def analyse(text: str) -> list[str]:
    """The index terms of a text, as the search pipeline produces them."""
    return [t for t in map(term, words(text)) if t is not None]


@dataclass(frozen=True)
class Clause:
    term: str
    boost: int
    prefix: bool = False
    typo: bool = False
    of: str = ""  # the query term it widens (its own term for the exact clause)


# How a query is expanded, as data: shipped to the browser in the facet table
# (finder.write → « requete »), read by assets/moteur.js, so both sides use these numbers.
EXPANSION: dict[str, int] = {
    "exacte": 10,  # the exact stem
    # The clauses below widen a term only where its exact stem is held by few cards: the
    # prefix below « peu » cards (« compost », in 2 cards, meets « compostage »;
    # « mobiliser », in 64, stays itself), the typo below « faute_peu » (« questionaire »,
    # in none, meets « questionnaire »; « compost » does not meet « composé »).
    "peu": 20,
    "faute_peu": 1,
    # Long terms: a shorter stem as a prefix (« alimentaire » meets « alimentation »), the
    # stem less « coupe » letters, never shorter than « garde ». Shorter stems would meet
    # other words (« compost » cut to « compo » met « composition »).
    "prefixe_des": 8,
    "prefixe_coupe": 3,
    "prefixe_garde": 5,
    "prefixe_poids": 2,
    "court_des": 3,  # shorter terms: the stem itself as a prefix
    "court_poids": 3,
    "faute_des": 5,  # one letter off, for terms long enough
    "faute_poids": 1,
}


def query_clauses(text: str, cards_with: Callable[[str], int] | None = None) -> list[Clause]:
    """How a query is expanded (EXPANSION); assets/moteur.js follows the same steps.

    ``cards_with(term)`` is the number of cards holding the exact term (« peu »,
    « faute_peu »). Without it, every clause that may be asked (to know which shards to
    load).
    """
    r, clauses = EXPANSION, []
    for term in dict.fromkeys(analyse(text)):
        clauses.append(Clause(term, r["exacte"], of=term))
        held = 0 if cards_with is None else cards_with(term)
        if held >= r["peu"]:
            continue
        if len(term) >= r["prefixe_des"]:
            cut = term[: max(r["prefixe_garde"], len(term) - r["prefixe_coupe"])]
            clauses.append(Clause(cut, r["prefixe_poids"], prefix=True, of=term))
        elif len(term) >= r["court_des"]:
            clauses.append(Clause(term, r["court_poids"], prefix=True, of=term))
        if len(term) >= r["faute_des"] and held < r["faute_peu"]:
            clauses.append(Clause(term, r["faute_poids"], typo=True, of=term))
    return clauses


def _plain(markdown: str) -> str:
    return _MARKUP.sub(" ", markdown)


def document(card: AnyCard, labels: Iterable[str]) -> dict[str, list[str]]:
    """The index terms of each field of one card."""
    meta = card.meta
    extra = [*getattr(meta, "mots_cles", []), *labels]
    return {
        "titre": analyse(meta.titre),
        "mots": analyse(" ".join(extra)),
        "resume": analyse(meta.resume),
        "texte": analyse(_plain(card.body)),
    }


# lunr's BM25 parameters (lunr.Builder's defaults).
_K1 = 1.2
_B = 0.75


def build_shards(cards: list[AnyCard], labels_of: Any, max_bytes: int) -> tuple[list[str], Iterator[str]]:
    """The lunr index of ``cards``, cut into shards of whole term ranges, as JSON texts.

    A card's reference is its position in the list (every posting repeats it: positions
    keep the index small); ``labels_of(card)`` adds facet labels as words, so that « élus »
    finds the cards elected officials carry.

    Terms are sorted; a shard closes once it holds about ``max_bytes`` of postings. Each
    shard is a complete lunr index (its own term numbering, the field vectors restricted to
    its terms): the browser loads only the shards a query needs (see ``shards_of``).
    Returns the first term of each shard, and the shards one by one (a shard's text is made
    when it is asked for, and its part of the field vectors then dropped).

    This is the index lunr's own Builder makes, then cut (a test compares them), without
    lunr's per-posting dictionaries and token tree, which took a gigabyte at 5,000 cards:
    postings are arrays of positions, and each shard is written straight to text.
    """
    names = list(FIELDS)
    count = len(cards)
    ids: dict[str, int] = {}
    terms: list[str] = []
    # postings[f][term id]: positions of the cards whose field f holds the term.
    postings: list[list[array[int] | None]] = [[] for _ in names]
    # One entry per (card, field), card by card: term ids, their frequencies, the length.
    fields_of: list[tuple[array[int], array[int], int]] = []
    totals = [0] * len(names)
    for position, card in enumerate(cards):
        analysed = document(card, labels_of(card))
        for f, name in enumerate(names):
            tids, tfs = array("I"), array("I")
            for t, tf in Counter(analysed[name]).items():
                tid = ids.get(t)
                if tid is None:
                    tid = ids[t] = len(terms)
                    terms.append(t)
                    for column in postings:
                        column.append(None)
                found = postings[f][tid]
                if found is None:
                    found = postings[f][tid] = array("I")
                found.append(position)
                tids.append(tid)
                tfs.append(tf)
            fields_of.append((tids, tfs, len(analysed[name])))
            totals[f] += len(analysed[name])
    if not count:
        return [""], iter([_shard_text(names, "", [])])
    average = [total / count for total in totals]
    idf = []
    for tid in range(len(terms)):
        with_term = sum(len(column[tid] or ()) for column in postings)
        # lunr.idf, for a posting found in ``with_term`` (card, field) pairs.
        idf.append(math.log(1 + abs((count - with_term + 0.5) / (with_term + 0.5))))

    # Cut the sorted terms; a term's size is the length of its posting in lunr's JSON.
    groups: list[list[int]] = [[]]
    size = 0
    for tid in sorted(range(len(terms)), key=terms.__getitem__):
        if groups[-1] and size >= max_bytes:
            groups.append([])
            size = 0
        groups[-1].append(tid)
        size += _posting_size(terms[tid], tid, names, [column[tid] for column in postings])
    shard_of, local_of = array("I", [0]) * len(terms), array("I", [0]) * len(terms)
    for k, group in enumerate(groups):
        for local, tid in enumerate(group):
            shard_of[tid], local_of[tid] = k, local

    # Field vectors (lunr's BM25 scores), card by card and field by field, as lunr orders
    # them, each written to the shards its terms belong to.
    vectors = [io.StringIO() for _ in groups]
    started = bytearray(len(groups))
    for position, card in enumerate(cards):
        for f, name in enumerate(names):
            tids, tfs, length = fields_of[position * len(names) + f]
            norm = _K1 * (1 - _B + _B * (length / average[f]))
            boost = FIELDS[name] * KIND_BOOST[card.kind]
            parts: dict[int, list[tuple[int, float]]] = {}
            for tid, tf in zip(tids, tfs, strict=True):
                score = idf[tid] * ((_K1 + 1) * tf) / (norm + tf)
                parts.setdefault(shard_of[tid], []).append((local_of[tid], round(score * boost, 3)))
            for k, pairs in parts.items():
                pairs.sort()
                out = vectors[k]
                out.write(',["' if started[k] else '["')
                started[k] = 1
                out.write(f'{name}/{position}",[')
                out.write(",".join(f"{local},{score!r}" for local, score in pairs))
                out.write("]]")

    def shards() -> Iterator[str]:
        for k, group in enumerate(groups):
            inverted = [
                _posting_text(terms[tid], local, names, [column[tid] for column in postings])
                for local, tid in enumerate(group)
            ]
            yield _shard_text(names, vectors[k].getvalue(), inverted)
            vectors[k].close()

    starts = [terms[group[0]] if group else "" for group in groups]
    starts[0] = ""
    return starts, shards()


def _posting_size(term: str, tid: int, names: list[str], columns: list[array[int] | None]) -> int:
    """len(json.dumps([term, {field: {"ref": {}, …}, …, "_index": tid}], separators=(",", ":")))."""
    size = len(json.dumps(term)) + len(str(tid)) + len('[,{"_index":}]') + len(names)
    for name, refs in zip(names, columns, strict=True):
        size += len(name) + len('"":{}')
        if refs:
            size += sum(len(str(r)) + len('"":{},') for r in refs) - 1
    return size


def _posting_text(term: str, local: int, names: list[str], columns: list[array[int] | None]) -> str:
    """A term's entry in lunr's inverted index, as json.dumps(sort_keys=True) writes it."""
    fields = {name: sorted(map(str, refs or ())) for name, refs in zip(names, columns, strict=True)}
    body = ",".join(
        f'"{name}":{{' + ",".join(f'"{r}":{{}}' for r in fields[name]) + "}" for name in sorted(names)
    )
    return f'[{json.dumps(term, ensure_ascii=False)},{{"_index":{local},{body}}}]'


def _shard_text(names: list[str], vectors: str, inverted: list[str]) -> str:
    """One shard, as json.dumps(index, sort_keys=True, separators=(",", ":")) writes it."""
    pipeline = [label for label, _fn in PIPELINE]
    return "".join(
        [
            f'{{"fieldVectors":[{vectors}],"fields":{_compact(names)},',
            f'"invertedIndex":[{",".join(inverted)}],',
            f'"pipeline":{_compact(pipeline)},"version":{_compact(_lunr_version())}}}',
        ]
    )


def _lunr_version() -> str:
    from lunr import __TARGET_JS_VERSION__

    return str(__TARGET_JS_VERSION__)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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
        from lunr.index import Index

        register_pipeline()
        self.starts = starts
        self.shards = [Index.load(s) for s in shards]

    def cards_with(self, term: str) -> int:
        """How many cards hold ``term`` (in any field)."""
        posting = self.shards[shard_of(self.starts, term)].inverted_index.get(term, {})
        return len({ref for field, refs in posting.items() if field != "_index" for ref in refs})

    def search(self, text: str) -> list[tuple[int, float]]:
        """(position, score) of matching cards, best first; ties by position."""
        from lunr.query import Query

        # One lunr query per query term and shard: lunr divides a query's scores by the
        # length of its vector, so terms asked together would weigh differently depending
        # on the shards that hold them; asked apart, their scores add up the same however
        # the index is cut.
        by_shard: dict[tuple[int, int], list[Clause]] = {}
        stems: dict[str, int] = {}
        for clause in query_clauses(text, self.cards_with):
            of = stems.setdefault(clause.of, len(stems))
            for shard in shards_of(self.starts, clause):
                by_shard.setdefault((of, shard), []).append(clause)
        scores: dict[int, float] = {}
        for (_of, shard), clauses in sorted(by_shard.items()):
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
    return script_text(variable, body, key)


def script_text(variable: str, body: str, key: int | str | None = None) -> str:
    """``script``, for a payload already written as JSON text."""
    # "</" inside a string must not close a script element if the file is ever inlined.
    body = body.replace("</", "<\\/")
    if key is None:
        return f"window.{variable}={body};\n"
    index = json.dumps(key, ensure_ascii=False)
    return f"(window.{variable}=window.{variable}||{{}})[{index}]={body};\n"

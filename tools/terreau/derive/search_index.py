"""The French search index: lunr's BM25 scores, worked out here, read by assets/moteur.js.

Text goes through the same steps on both sides: split into words (letters and digits),
drop French stop words, fold accents and ligatures (« Énergie » → « energie »), then the
French Snowball stemmer (lunr.fr.js in the browser, NLTK's here; they agree word for word,
which a test checks on the whole corpus). Folding comes before stemming so that a word
typed with or without its accents reaches the stemmer identically.

A query is expanded the same way on both sides (see ``query_clauses`` and
assets/moteur.js): the exact stem first; then, only for a term few cards hold, a prefix
(the stem itself, or a shorter stem for long terms, so that « alimentaire » meets
« alimentation ») and a one-letter typo allowance. Both sides score alike (``ShardedIndex``):
lunr's query arithmetic over the raw postings, with no lunr index built in the browser.
"""

from __future__ import annotations

import bisect
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
# Scores are shipped as integers, in thousandths: lunr rounds each field's score to three
# decimals; a card's score for a term is the sum over its fields, added exactly.
SCALE = 1000


def build_shards(
    cards: list[AnyCard],
    labels_of: Any,
    max_bytes: int,
    row_of: Callable[[AnyCard], list[str]] | None = None,
    first: int = 20,
) -> tuple[list[str], Iterator[str]]:
    """lunr's BM25 index of ``cards``, cut into shards of whole term ranges, as JSON texts.

    A card's reference is its position in the list; ``labels_of(card)`` adds facet labels as
    words, so that « élus » finds the cards elected officials carry.

    The scores are lunr's (a test builds lunr's own index and compares), stored the way the
    browser reads them with no lunr object: for each term, sorted, the cards holding it as
    pairs (position, less the previous position; the sum of the card's field scores, in
    thousandths) — lunr's query vector divides by the same length in every field, so a card's
    field scores for a term can be added before the query. A shard closes once it holds
    about ``max_bytes`` of postings. With ``row_of``, each shard also carries the row
    (title, address, kind) of the ``first`` best cards of each of its terms, so that a query
    shows its first results without another file (see assets/terreau.js).
    Returns the first term of each shard, and the shards one by one.
    """
    names = list(FIELDS)
    count = len(cards)
    ids: dict[str, int] = {}
    terms: list[str] = []
    # held[term id]: how many (card, field) pairs hold the term (lunr's idf counts them).
    held: list[int] = []
    # One entry per (card, field), card by card: term ids, their frequencies, the length.
    fields_of: list[tuple[array[int], array[int], int]] = []
    totals = [0] * len(names)
    for card in cards:
        analysed = document(card, labels_of(card))
        for f, name in enumerate(names):
            tids, tfs = array("I"), array("I")
            for t, tf in Counter(analysed[name]).items():
                tid = ids.get(t)
                if tid is None:
                    tid = ids[t] = len(terms)
                    terms.append(t)
                    held.append(0)
                held[tid] += 1
                tids.append(tid)
                tfs.append(tf)
            fields_of.append((tids, tfs, len(analysed[name])))
            totals[f] += len(analysed[name])
    if not count:
        return [""], iter([_shard_text([], [], [])])
    average = [total / count for total in totals]
    # lunr.idf, for a term found in ``with_term`` (card, field) pairs.
    idf = [math.log(1 + abs((count - with_term + 0.5) / (with_term + 0.5))) for with_term in held]

    # scores[term id]: position → the sum of its field scores (lunr's, rounded to three
    # decimals), in thousandths.
    scores: list[dict[int, int]] = [{} for _ in terms]
    for position, card in enumerate(cards):
        for f, name in enumerate(names):
            tids, tfs, length = fields_of[position * len(names) + f]
            norm = _K1 * (1 - _B + _B * (length / average[f]))
            boost = FIELDS[name] * KIND_BOOST[card.kind]
            for tid, tf in zip(tids, tfs, strict=True):
                score = idf[tid] * ((_K1 + 1) * tf) / (norm + tf)
                by_card = scores[tid]
                by_card[position] = by_card.get(position, 0) + round(round(score * boost, 3) * SCALE)
    del fields_of

    # Cut the sorted terms; a term's size is the length of its posting's text.
    texts = [_posting_text(scores[tid]) for tid in range(len(terms))]
    groups: list[list[int]] = [[]]
    size = 0
    for tid in sorted(range(len(terms)), key=terms.__getitem__):
        if groups[-1] and size >= max_bytes:
            groups.append([])
            size = 0
        groups[-1].append(tid)
        size += len(texts[tid]) + len(terms[tid]) + 4

    def shards() -> Iterator[str]:
        for group in groups:
            rows: list[list[Any]] = []
            if row_of is not None:
                best = sorted({p for tid in group for p in _best(scores[tid], first)})
                rows = [[p, *row_of(cards[p])] for p in best]
            yield _shard_text([terms[tid] for tid in group], [texts[tid] for tid in group], rows)

    starts = [terms[group[0]] if group else "" for group in groups]
    starts[0] = ""
    return starts, shards()


def _best(held: dict[int, int], first: int) -> list[int]:
    """The ``first`` best cards for one term alone (ties: the earlier position), as a query
    ranks them."""
    return sorted(held, key=lambda p: (-held[p], p))[:first]


def _posting_text(held: dict[int, int]) -> str:
    """[position delta, score, …] for the cards holding a term, by position."""
    out, previous = [], 0
    for position in sorted(held):
        out.append(f"{position - previous},{held[position]}")
        previous = position
    return "[" + ",".join(out) + "]"


def _shard_text(terms: list[str], postings: list[str], rows: list[list[Any]]) -> str:
    """One shard, as json.dumps(shard, sort_keys=True, separators=(",", ":")) writes it."""
    return "".join(
        [
            f'{{"fiches":{_compact(rows)},',
            f'"postes":[{",".join(postings)}],',
            f'"termes":{_compact(terms)}}}',
        ]
    )


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


def one_edit(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` or one edit away: a letter added, removed, replaced, or two
    neighbours swapped (what lunr's fuzzy match with edit distance 1 accepts)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1])


class Shard:
    """One shard as the browser gets it: sorted terms, their postings, the rows it carries."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.terms: list[str] = data["termes"]
        self.postings: list[list[int]] = data["postes"]
        self.rows = {row[0]: row[1:] for row in data.get("fiches", [])}

    def find(self, term: str) -> int | None:
        i = bisect.bisect_left(self.terms, term)
        return i if i < len(self.terms) and self.terms[i] == term else None

    def matching(self, clause: Clause) -> list[int]:
        """The terms (their numbers, in order) a clause meets in this shard."""
        if clause.typo:
            return [i for i, t in enumerate(self.terms) if one_edit(t, clause.term)]
        if clause.prefix:
            first = last = bisect.bisect_left(self.terms, clause.term)
            while last < len(self.terms) and self.terms[last].startswith(clause.term):
                last += 1
            return list(range(first, last))
        found = self.find(clause.term)
        return [] if found is None else [found]

    def cards(self, i: int) -> Iterator[tuple[int, int]]:
        """(position, score in thousandths) of the cards holding term number ``i``."""
        posting, position = self.postings[i], 0
        for k in range(0, len(posting), 2):
            position += posting[k]
            yield position, posting[k + 1]


class ShardedIndex:
    """The shards the browser downloads, queried the same way (see assets/moteur.js)."""

    def __init__(self, starts: list[str], shards: list[dict[str, Any]]) -> None:
        self.starts = starts
        self.shards = [Shard(s) for s in shards]

    def cards_with(self, term: str) -> int:
        """How many cards hold ``term`` (in any field)."""
        shard = self.shards[shard_of(self.starts, term)]
        i = shard.find(term)
        return 0 if i is None else len(shard.postings[i]) // 2

    def search(self, text: str) -> list[tuple[int, float]]:
        """(position, score) of matching cards, best first; ties by position.

        lunr's scores, without lunr: for each query term and shard, the terms its clauses
        meet, each weighted by the sum of the boosts of the clauses that meet it; a card
        scores the weighted sum of its scores for those terms, divided by the length of the
        weights (lunr's query vector). A query term is asked of each shard apart, as lunr
        queries did (their scores add up the same however the index is cut).
        """
        by_shard: dict[tuple[int, int], list[Clause]] = {}
        stems: dict[str, int] = {}
        for clause in query_clauses(text, self.cards_with):
            of = stems.setdefault(clause.of, len(stems))
            for k in shards_of(self.starts, clause):
                by_shard.setdefault((of, k), []).append(clause)
        scores: dict[int, float] = {}
        for (_of, k), clauses in sorted(by_shard.items()):
            shard = self.shards[k]
            weights: dict[int, int] = {}
            for c in clauses:
                for i in shard.matching(c):
                    weights[i] = weights.get(i, 0) + c.boost
            if not weights:
                continue
            length = math.sqrt(sum(w * w for w in weights.values()))
            sums: dict[int, int] = {}
            for i, w in sorted(weights.items()):
                for position, score in shard.cards(i):
                    sums[position] = sums.get(position, 0) + w * score
            for position, total in sums.items():
                scores[position] = scores.get(position, 0.0) + total / SCALE / length
        # Rounded as JavaScript's Math.round does, so that both sides rank identically.
        return sorted(
            ((r, math.floor(s * 1e6 + 0.5) / 1e6) for r, s in scores.items()), key=lambda rs: (-rs[1], rs[0])
        )

    def row(self, position: int) -> list[str] | None:
        """The row a loaded shard carries for a card, if any."""
        for shard in self.shards:
            if position in shard.rows:
                return shard.rows[position]
        return None


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

"""Checks on what a card says, beyond its schema: no personal contact data, no external image,
no summary announcing another cost than the card's cost band, no action without an example
or a source, no legal reference without an official source, no two cards that read alike."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from terreau.core import yamlsafe
from terreau.core.problems import Problem, field_name, problem
from terreau.core.vocabulary import vocabulary
from terreau.core.words import fold, stop_words, words

if TYPE_CHECKING:
    from terreau.core.loader import AnyCard

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
# No look-behind here: it made the pattern ten times slower; the character before a match
# is checked in _phones() instead (a number inside a URL or a longer number is not a phone).
_PHONE = re.compile(r"(?:\+33[\s.]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
# What a number found is not a phone number after: a digit, or one of these (URL, longer number).
PHONE_NOT_AFTER = "/=."
# The patterns' sources, for the site's form, which checks as one types (same JS syntax).
EMAIL_PATTERN, PHONE_PATTERN = _EMAIL.pattern, _PHONE.pattern
_EXTERNAL_IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*<?\s*((?:[a-z][a-z0-9+.-]*:)?//[^)\s>]+)"
    r"|<img\b[^>]*?\bsrc\s*=\s*[\"']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)


def _strings(value: Any, path: yamlsafe.Path = ()) -> Iterator[tuple[yamlsafe.Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


def _emails(text: str) -> Iterator[re.Match[str]]:
    return _EMAIL.finditer(text) if "@" in text else iter(())


def _phones(text: str) -> Iterator[re.Match[str]]:
    for match in _PHONE.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        if not (before.isdigit() or before in PHONE_NOT_AFTER):
            yield match


# An e-mail address is told apart for sure (an error); a phone number is a guess among
# numbers (a warning a card can silence, with a reason).
_CONTACTS = ((_emails, "CONTACT_PERSONNEL"), (_phones, "TELEPHONE"))


# A summary speaks of cost in clauses such as « Coût faible à moyen », « Sans coût » or
# « Gratuit » (« coûtent peu » is not a band's name); a clause ends at a punctuation mark.
_CLAUSE_END = re.compile(r"[.;:,()]")
_COST_WORD = re.compile(r"\b(?:co[uû]ts?|gratuite?s?)\b", re.IGNORECASE)


def _named_bands(clause: str) -> list[str]:
    """The cost bands whose words (vocabulary cout, « mots_resume ») a clause uses."""
    return [
        band.id
        for band in vocabulary("cout").terms.values()
        if any(re.search(rf"\b{re.escape(word)}\b", clause, re.IGNORECASE) for word in band.mots_resume)
    ]


def cost_of_summary(parsed: yamlsafe.Parsed, src: str) -> list[Problem]:
    """A summary that names another cost band than the card's own field cout (a range of
    bands included: the card's box shows one band, the reader sees two different costs)."""
    summary, band = parsed.value.get("resume"), parsed.value.get("cout")
    bands = vocabulary("cout").terms
    if not isinstance(summary, str) or not isinstance(band, str) or band not in bands:
        return []
    for clause in _CLAUSE_END.split(summary):
        if not _COST_WORD.search(clause):
            continue
        named = _named_bands(clause)
        if named and named != [band]:
            words = " / ".join(f"« {w} »" for w in bands[band].mots_resume)
            line = parsed.line_of(("resume",), 1)
            return [
                problem(
                    src,
                    line,
                    "COUT_RESUME",
                    "resume",
                    annonce=" ".join(clause.split()),
                    cout=band,
                    libelle=bands[band].libelle,
                    mots=words,
                )
            ]
    return []


def action_without_example(parsed: yamlsafe.Parsed, src: str) -> list[Problem]:
    """An action with no field example and no source at all: nothing shows where it was done
    (the cost is the required field cout, checked by the model)."""
    card = parsed.value
    if card.get("type") != "action" or card.get("exemples") or card.get("sources"):
        return []
    return [problem(src, parsed.line_of(("type",), 1), "ACTION_SANS_EXEMPLE", "exemples")]


# A legal reference: an article of a code (« article L2251-3 », « articles R1321-22-1 »), a
# numbered law, decree or ordinance (« loi n° 2020-699 », « décret 2022-1720 »), a European
# directive (« directive (UE) 2020/2184 »), a code followed by an article.
_LEGAL = re.compile(
    r"\barticles?\s+[LRD]\.?\s?\d+(?:-\d+)*"
    r"|\b(?:loi|d[ée]cret|ordonnance)\s+(?:n[°o]\s*)?\d{2,4}-\d+"
    r"|\bdirective\s+(?:\((?:UE|CE|CEE)\)\s*)?(?:n[°o]\s*)?\d{2,4}/\d+"
    r"|\bcode\s+(?:g[ée]n[ée]ral\s+)?(?:de\s+la\s+|de\s+l['’]\s*|des?\s+|du\s+)?[\w-]+"
    r"(?:\s+[\w-]+){0,4}?,?\s+(?:articles?\s+)?[LRD]\.?\s?\d+(?:-\d+)*",
    re.IGNORECASE,
)
# Where the law itself can be read: the official sites, and the copy of Légifrance the
# corpus already cites (doctrine.fr's pages of codes, by Légifrance identifier).
_OFFICIAL = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:legifrance\.gouv\.fr|eur-lex\.europa\.eu|service-public\.fr|gouv\.fr)(?:[/:?#]|$)"
    r"|^https?://(?:www\.)?doctrine\.fr/l/texts/codes/LEGITEXT\d+/",
    re.IGNORECASE,
)


def legal_reference_without_source(
    parsed: yamlsafe.Parsed, body: str, body_line: int, src: str
) -> list[Problem]:
    """A card that cites a legal text while none of its sources is where the text is
    published officially: one warning, at the first reference (sources' own titles aside)."""
    sources = parsed.value.get("sources")
    urls = [s.get("url") for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []
    if any(isinstance(u, str) and _OFFICIAL.match(u) for u in urls):
        return []
    for path, text in _strings(parsed.value):
        if path[:1] == ("sources",) or "source" in path:
            continue
        found = _LEGAL.search(text)
        if found:
            return [_legal(src, parsed.line_of(path, 1), found, field_name(path))]
    found = _LEGAL.search(body)
    if found:
        return [_legal(src, body_line + body.count("\n", 0, found.start()), found)]
    return []


def _legal(src: str, line: int, found: re.Match[str], field: str = "") -> Problem:
    return problem(src, line, "LOI_SANS_SOURCE", field, reference=" ".join(found.group(0).split()))


def scan(parsed: yamlsafe.Parsed, body: str, body_line: int, src: str) -> list[Problem]:
    """Problems in the front matter values and the Markdown body, each at its own line."""
    problems = cost_of_summary(parsed, src) + action_without_example(parsed, src)
    problems += legal_reference_without_source(parsed, body, body_line, src)
    for path, text in _strings(parsed.value):
        for finder, code in _CONTACTS:
            found = next(finder(text), None)
            if found:
                line = parsed.line_of(path, 1)
                problems.append(problem(src, line, code, field_name(path), valeur=found.group(0)))
                break
    return sorted(problems + scan_body(body, body_line, src))


def scan_body(body: str, body_line: int, src: str, contacts: bool = True) -> list[Problem]:
    """Problems in a Markdown text: contact data (in cards; the site's own pages may give
    the commons' address) and images loaded from another host (everywhere)."""
    problems = []
    # The body is searched whole (one regex pass each), lines are counted only for matches.
    seen: set[int] = set()
    for finder, code in _CONTACTS if contacts else ():
        for match in finder(body):
            line = body_line + body.count("\n", 0, match.start())
            if line not in seen:
                seen.add(line)
                problems.append(problem(src, line, code, valeur=match.group(0)))
    for match in _EXTERNAL_IMAGE.finditer(body) if ("![" in body or "<img" in body.lower()) else ():
        line = body_line + body.count("\n", 0, match.start())
        problems.append(problem(src, line, "IMAGE_EXTERNE", url=match.group(1) or match.group(2)))
    return sorted(problems)


# -- Near-duplicate cards (FICHES_PROCHES) ---------------------------------------------------
# Two cards that say the same thing split their readers and their corrections. Issue 17 found
# such pairs whose titles differ (« Budget participatif » / « Réserver chaque année une
# enveloppe aux projets des habitants ») and whose summaries share only half their words: no
# measure on the title or the summary alone caught them without flagging many honest pairs (a
# method and its tool sheet). What gave them away is every part of the text at once, each word
# weighted by its rarity in the corpus (TF-IDF cosine): title, summary, keywords and body.
# Weights and threshold were chosen on the corpus of November 2026 (see the catalogue page).
_NEAR_WEIGHTS = {"titre": 1.0, "resume": 1.0, "mots_cles": 0.5, "texte": 2.0}
NEAR_THRESHOLD = 0.295
# A method and an action may tell one approach from two sides; a tool, a route or a record
# is compared only with its own kind (a tool sheet repeats its method's words, by design).
_COMPARED_TOGETHER = ({"methode", "action"}, {"outil"}, {"parcours"})
_STEM = 7  # words cut to 7 letters: « participatif » and « participative » count as one


def _card_words(text: str) -> Counter[str]:
    stop = stop_words()
    return Counter(w[:_STEM] for w in words(fold(text)) if len(w) > 2 and w not in stop)


def _weighted(bags: dict[str, Counter[str]]) -> dict[str, dict[str, float]]:
    """Each bag as a unit vector of TF-IDF weights, the rarity counted over all the bags."""
    counts = Counter(w for bag in bags.values() for w in bag)
    total = len(bags)
    vectors = {}
    for key, bag in bags.items():
        vector = {w: (1 + math.log(n)) * math.log(total / counts[w]) for w, n in bag.items()}
        norm = math.sqrt(sum(x * x for x in vector.values())) or 1.0
        vectors[key] = {w: x / norm for w, x in vector.items()}
    return vectors


def _dot(a: dict[Any, float], b: dict[Any, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def _pairs_above(
    vectors: dict[str, dict[Any, float]], floor: float, heads: dict[str, set[str]] | None
) -> list[tuple[float, str, str]]:
    """The pairs of vectors whose dot product reaches ``floor``. Comparing every pair costs
    minutes at 5,000 cards (12 million pairs); two cards that read alike share at least one
    uncommon word of their title, summary or keywords (``heads``), so only such pairs are
    compared — words found in more than 0.5 % of the cards (and more than 10) do not make
    pairs. On the shipped corpus this finds every pair the full comparison finds (a test)."""
    if heads is None:  # every pair
        pairs = set(itertools.combinations(sorted(vectors), 2))
    else:
        cap = max(10, len(vectors) // 200)
        holders: dict[str, list[str]] = {}
        for key in sorted(vectors):
            for word in heads[key]:
                holders.setdefault(word, []).append(key)
        pairs = {
            pair for keys in holders.values() if len(keys) <= cap for pair in itertools.combinations(keys, 2)
        }
    found = []
    for a, b in sorted(pairs):
        score = _dot(vectors[a], vectors[b])
        if score >= floor:
            found.append((score, a, b))
    return found


def proximity(
    cards: Sequence[AnyCard], floor: float = NEAR_THRESHOLD, every_pair: bool = False
) -> list[tuple[float, AnyCard, AnyCard]]:
    """The compared pairs of cards whose proximity (0 to 1) reaches ``floor``, closest first
    (``every_pair``: compare every pair, for the tests)."""
    parts: dict[str, Callable[[AnyCard], str]] = {
        "titre": lambda c: c.meta.titre,
        "resume": lambda c: getattr(c.meta, "resume", "") or "",
        "mots_cles": lambda c: " ".join(getattr(c.meta, "mots_cles", None) or ()),
        "texte": lambda c: c.body,
    }
    total = sum(_NEAR_WEIGHTS.values())
    pairs = []
    for kinds in _COMPARED_TOGETHER:
        group = {c.id: c for c in cards if c.kind in kinds}
        # The weighted sum of the parts' cosines is the dot product of one vector per card,
        # each part's unit vector scaled by the square root of its share of the weights.
        combined: dict[str, dict[Any, float]] = {cid: {} for cid in group}
        heads: dict[str, set[str]] = {cid: set() for cid in group}  # words of all but the body
        for part, get in parts.items():
            scale = math.sqrt(_NEAR_WEIGHTS[part] / total)
            bags = {cid: _card_words(get(c)) for cid, c in group.items()}
            for cid, vector in _weighted(bags).items():
                combined[cid].update({(part, w): scale * x for w, x in vector.items()})
                if part != "texte":
                    heads[cid].update(bags[cid])
        chosen = None if every_pair else heads
        pairs += [(score, group[a], group[b]) for score, a, b in _pairs_above(combined, floor, chosen)]
    return sorted(pairs, key=lambda p: (-p[0], p[1].id, p[2].id))


def near_duplicates(cards: Sequence[AnyCard]) -> list[Problem]:
    """A warning on each of two cards that read almost alike, unless one of them silences it."""
    problems = []
    for score, first, second in proximity(cards):
        if any("FICHES_PROCHES" in (getattr(c.meta, "ignorer", None) or ()) for c in (first, second)):
            continue
        for card, other in ((first, second), (second, first)):
            near = f"{score:.2f}".replace(".", ",")
            line = card.line_of("titre")
            problems.append(
                problem(card.src, line, "FICHES_PROCHES", "titre", autre=other.src, proximite=near)
            )
    return sorted(problems)

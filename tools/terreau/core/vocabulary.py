"""Controlled vocabularies (data/vocabulaires.yml): identifiers, French labels and descriptions."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from terreau.core import yamlsafe

if TYPE_CHECKING:
    from terreau.core.models import Duree


@dataclass(frozen=True)
class Term:
    id: str
    libelle: str
    description: str
    pluriel: str
    # Optional data some vocabularies carry (see the head of vocabulaires.yml).
    question: str | None = None  # offered on « Par où commencer ? » with this wording
    minutes: int | None = None  # a duration unit's length
    minutes_max: int | None = None  # a duration class's upper bound (None: no bound)
    habitants_max: int | None = None  # a commune size's upper bound (None: no bound)
    montant: str | None = None  # a cost band's range in euros, as a card's key facts say it
    mots_resume: tuple[str, ...] = ()  # the words by which a summary names a cost band

    def count(self, n: int) -> str:
        """The label agreed with a number: « 1 jour », « 3 jours »."""
        return f"{n} {self.libelle if n < 2 else self.pluriel}"


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    terms: dict[str, Term]

    def label(self, term_id: str) -> str:
        term = self.terms.get(term_id)
        return term.libelle if term else term_id

    def rank(self, term_id: str) -> int:
        """A value's place in the vocabulary's order (cheapest, shortest, least tried first)."""
        return self._ranks[term_id]

    @functools.cached_property
    def _ranks(self) -> dict[str, int]:
        return {term_id: i for i, term_id in enumerate(self.terms)}

    def size_of(self, population: int) -> str:
        """The commune size a population falls in (vocabulary taille_commune)."""
        return next(
            t.id for t in self.terms.values() if t.habitants_max is None or population <= t.habitants_max
        )

    def questions(self) -> list[tuple[str, str]]:
        """The values « Par où commencer ? » offers, with their wording there."""
        return [(t.id, t.question) for t in self.terms.values() if t.question]


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary shipped with the package, read once."""
    text = resources.files("terreau.core").joinpath("data/vocabulaires.yml").read_text("utf-8")
    raw = yamlsafe.read(text).value
    return {
        name: Vocabulary(
            name,
            spec["description"],
            {
                tid: Term(
                    tid,
                    t["libelle"],
                    t["description"],
                    t.get("pluriel", t["libelle"]),
                    t.get("question"),
                    t.get("minutes"),
                    t.get("minutes_max"),
                    t.get("habitants_max"),
                    t.get("montant"),
                    tuple(t.get("mots_resume", ())),
                )
                for tid, t in spec["valeurs"].items()
            },
        )
        for name, spec in raw.items()
    }


def vocabulary(name: str) -> Vocabulary:
    return vocabularies()[name]


def duration(d: Duree) -> str:
    """« 2 à 4 mois », « 1 heure »."""
    unit = vocabulary("unite_duree").terms[d.unite]
    if d.max is None or d.max == d.min:
        return unit.count(d.min)
    return f"{d.min} à {unit.count(d.max)}"

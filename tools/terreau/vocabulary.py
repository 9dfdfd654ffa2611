"""Controlled vocabularies (data/vocabulaires.yml): identifiers, French labels and descriptions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from terreau import yamlsafe


@dataclass(frozen=True)
class Term:
    id: str
    libelle: str
    description: str
    pluriel: str

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


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary shipped with the package, read once."""
    text = resources.files("terreau").joinpath("data/vocabulaires.yml").read_text("utf-8")
    raw = yamlsafe.read(text).value
    return {
        name: Vocabulary(
            name,
            spec["description"],
            {
                tid: Term(tid, t["libelle"], t["description"], t.get("pluriel", t["libelle"]))
                for tid, t in spec["valeurs"].items()
            },
        )
        for name, spec in raw.items()
    }


def vocabulary(name: str) -> Vocabulary:
    return vocabularies()[name]

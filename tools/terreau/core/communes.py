"""The official list of French communes (data/communes.tsv): INSEE code, name, population.

Made by scripts/donnees_geo.py from the npm package @etalab/decoupage-administratif (INSEE's
Code officiel géographique and legal populations, Licence Ouverte). The build uses it to
give feedback records the population of their communes when the record does not say it,
the validator to check a record's INSEE codes and names, and the site to answer « Votre
commune ? » on the home page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from terreau.core import yamlsafe
from terreau.core.models import Commune, Retour
from terreau.core.problems import Problem, field_name, problem

DATA = "data/communes.tsv"


@dataclass(frozen=True)
class Official:
    code: str
    nom: str
    population: int | None

    @property
    def departement(self) -> str:
        return departement_of(self.code)


@dataclass(frozen=True)
class Population:
    """A commune's population and where it comes from (the record itself or the list)."""

    habitants: int
    annee: int | None  # the record's year; None for the official list (said by SOURCE)
    officielle: bool


def departement_of(insee: str) -> str:
    """« 01053 » → « 01 », « 2A004 » → « 2A », « 97411 » → « 974 »."""
    return insee[:3] if insee[:2] in ("97", "98") else insee[:2]


def departements_of(places: list[Commune]) -> list[str]:
    """The départements of some communes (a feedback record's), each once, sorted."""
    return sorted({departement_of(c.insee) for c in places})


def _lines() -> list[str]:
    return resources.files("terreau.core").joinpath(DATA).read_text("utf-8").splitlines()


@cache
def header() -> dict[str, str]:
    """The « # key: value » lines at the top of the file (source, version, licence)."""
    found = {}
    for line in _lines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        if value:
            found[key.strip()] = value.strip()
    return found


@cache
def communes() -> dict[str, Official]:
    found = {}
    for line in _lines():
        if line.startswith("#") or not line:
            continue
        code, nom, population = line.split("\t")
        found[code] = Official(code, nom, int(population) if population else None)
    return found


def get(insee: str) -> Official | None:
    return communes().get(insee)


def population(commune: Commune) -> Population | None:
    """The record's own figure when it gives one, else the official list's."""
    if commune.population is not None:
        return Population(commune.population, commune.annee_population, officielle=False)
    official = get(commune.insee)
    if official is None or official.population is None:
        return None
    return Population(official.population, None, officielle=True)


def fold(name: str) -> str:
    """A name as people type it: no accents, case, hyphens or apostrophes; « St » is
    « Saint ». The browser folds the same way (terreau.js, « Votre commune »)."""
    text = unicodedata.normalize("NFD", name.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text)
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in text.split()]
    return " ".join(words)


def same_name(a: str, b: str) -> bool:
    return fold(a) == fold(b)


def check(meta: Retour, parsed: yamlsafe.Parsed, src: str) -> list[Problem]:
    """A record's communes against the official list: unknown code, or another commune's."""
    found = []
    listing = f"{header().get('source', '')} {header().get('version', '')}".strip()
    for i, commune in enumerate(meta.lieu.communes):
        official = get(commune.insee)
        path: yamlsafe.Path = ("lieu", "communes", i, "insee")
        where = parsed.line_of(path, 1)
        if official is None:
            found.append(
                problem(src, where, "COMMUNE_INCONNUE", field_name(path), insee=commune.insee, liste=listing)
            )
        elif not same_name(official.nom, commune.nom):
            found.append(
                problem(
                    src,
                    where,
                    "COMMUNE_NOM",
                    field_name(path),
                    insee=commune.insee,
                    officiel=official.nom,
                    nom=commune.nom,
                )
            )
    return found

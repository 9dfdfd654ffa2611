"""The listening list (data/podcasts.yml): real episodes and series about rural transition,
each with its producer, date and link, grouped by theme; validated like the cards."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from pydantic import Field, field_validator, model_validator

from terreau.core import yamlsafe
from terreau.core.frenchdate import MONTHS
from terreau.core.models import Slug, Strict, Texte, Url

# A broadcast date as precise as its source: a day, a month or a year.
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class Theme(Strict):
    id: Slug
    titre: Texte = Field(description="Titre du groupe d'écoutes sur la page.")


class Ecoute(Strict):
    titre: Texte = Field(description="Titre de l'épisode ou de la série, tel que le producteur l'écrit.")
    serie: Texte | None = Field(None, description="Émission ou podcast dont l'épisode fait partie.")
    producteur: Texte = Field(description="Radio, association ou média qui le produit.")
    date: str = Field(pattern=DATE, description="Date de diffusion : AAAA-MM-JJ, AAAA-MM ou AAAA.")
    duree: Texte | None = Field(None, description="Durée, si la source la donne.")
    lien: Url = Field(description="Page où l'épisode est présenté ou s'écoute.")
    resume: Texte = Field(description="Deux lignes écrites avec nos mots.")
    theme: Slug = Field(description="Un des thèmes déclarés en tête du fichier.")
    sources: list[Url] = Field(default_factory=list, description="Autres pages lues qui appuient la fiche.")

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        parts = [int(p) for p in value.split("-")]
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        return value

    @property
    def date_fr(self) -> str:
        """« 30 juillet 2020 », « mai 2021 » or « 2022 », as precise as the date."""
        parts = [int(p) for p in self.date.split("-")]
        if len(parts) == 3:
            day = "1er" if parts[2] == 1 else str(parts[2])
            return f"{day} {MONTHS[parts[1] - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[parts[1] - 1]} {parts[0]}"
        return str(parts[0])


class Ecoutes(Strict):
    themes: list[Theme] = Field(min_length=1)
    ecoutes: list[Ecoute] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_themes(self) -> Ecoutes:
        known = {t.id for t in self.themes}
        for e in self.ecoutes:
            if e.theme not in known:
                raise ValueError(f"« {e.titre} » : thème inconnu « {e.theme} »")
        return self

    def by_theme(self) -> list[tuple[Theme, list[Ecoute]]]:
        """Each theme with its entries, in the file's order; a theme without entries is left out."""
        groups = [(t, [e for e in self.ecoutes if e.theme == t.id]) for t in self.themes]
        return [(t, entries) for t, entries in groups if entries]


def read(text: str) -> Ecoutes:
    return Ecoutes.model_validate(yamlsafe.read(text).value)


@cache
def listening() -> Ecoutes:
    return read(resources.files("terreau.core").joinpath("data/podcasts.yml").read_text("utf-8"))

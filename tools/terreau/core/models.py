"""The card models: what a contributor may write in a card's front matter, kind by kind.

Field names are the French keys contributors write. Every field carries a French
description, which flows into the JSON Schemas and the contributor page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from terreau.core.vocabulary import vocabulary

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG)


def _vocab(name: str) -> Any:
    """A text field whose value must belong to the vocabulary ``name``."""

    def check(value: str) -> str:
        terms = vocabulary(name).terms
        if value not in terms:
            raise PydanticCustomError(
                "vocabulaire",
                "valeur hors vocabulaire",
                {"vocabulaire": name, "valeur": value, "valeurs": ", ".join(terms)},
            )
        return value

    schema = {"type": "string", "enum": list(vocabulary(name).terms)}
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


def _int_as_text(value: Any) -> Any:
    """`2030` in a text field reaches us as a number; it is the text the contributor wrote."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


TexteLibre = Annotated[str, BeforeValidator(_int_as_text, json_schema_input_type=str | int)]
Texte = Annotated[TexteLibre, Field(min_length=1)]
Slug = Annotated[str, Field(pattern=SLUG, description="Identifiant : minuscules, chiffres et tirets.")]


@dataclass(frozen=True)
class Reference:
    """Marks a field that names another card, of one of these kinds. The catalogue checks
    every field so marked (catalogue.references): a new reference field needs nothing else."""

    kinds: tuple[str, ...]


_REF_DESCRIPTION = "Identifiant d'une fiche : son nom de fichier sans « .md »."
CONTENT_KINDS = ("methode", "outil", "action", "parcours", "retour")
# A card of any kind but an axis (links, parcours steps).
RefFiche = Annotated[str, Field(pattern=SLUG, description=_REF_DESCRIPTION), Reference(CONTENT_KINDS)]
# What a feedback record can have used.
PRACTICE_KINDS = ("methode", "outil", "action", "parcours")
RefPratique = Annotated[
    str,
    Field(pattern=SLUG, description=_REF_DESCRIPTION),
    Reference(PRACTICE_KINDS),
]
RefOutil = Annotated[str, Field(pattern=SLUG, description=_REF_DESCRIPTION), Reference(("outil",))]
RefAxe = Annotated[str, Field(pattern=SLUG, description="Identifiant d'une fiche axe."), Reference(("axe",))]
Url = Annotated[
    str,
    Field(pattern=r"^https?://[^\s<>\"']+$", description="Adresse web commençant par https://"),
]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(Strict):
    titre: Texte = Field(description="Titre du document ou de la page cités.")
    url: Url | None = Field(None, description="Adresse publique de la source, si elle existe.")
    editeur: TexteLibre | None = Field(None, description="Organisation ou média qui publie la source.")
    annee: StrictInt | None = Field(None, ge=1900, le=2100, description="Année de publication de la source.")


class Inspiration(Strict):
    """Where a card comes from when a structure's approach inspired it: credit what is true
    (the structure described it), never a contribution it did not make."""

    structure: Texte = Field(description="Nom de la structure dont la démarche a inspiré la fiche.")
    document: Texte = Field(
        description="Document public où cette démarche est présentée (par exemple « la fiche "
        "projet … déposée en 2021 à l'appel à communs Sobriété et résilience de l'ADEME »)."
    )


class Intervalle(Strict):
    """A range written ``{min: …, max: …}``, where max may be omitted but never below min."""

    min: StrictInt
    max: StrictInt | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Intervalle:
        if self.max is not None and self.max < self.min:
            raise PydanticCustomError("intervalle", "intervalle inversé", {"min": self.min, "max": self.max})
        return self


class Duree(Intervalle):
    min: StrictInt = Field(ge=1, description="Durée minimale (ou durée, si elle est fixe).")
    max: StrictInt | None = Field(None, ge=1, description="Durée maximale, si elle varie.")
    unite: _vocab("unite_duree") = Field(description="Unité de la durée.")  # type: ignore[valid-type]


class TailleGroupe(Intervalle):
    min: StrictInt = Field(ge=1, description="Nombre minimal de personnes.")
    max: StrictInt | None = Field(None, ge=1, description="Nombre maximal de personnes.")


class Silences(Strict):
    """A heuristic's warning a card may silence, saying why (never an error)."""

    ignorer: list[TexteLibre] = Field(
        default_factory=list,
        description="Codes d'avertissement à ne plus signaler pour cette fiche (par exemple TELEPHONE).",
    )
    raison: TexteLibre | None = Field(
        None, description="Pourquoi ces avertissements ne s'appliquent pas à cette fiche."
    )


class Fiche(Silences):
    """What every card carries, whatever its kind."""

    titre: Texte = Field(max_length=120, description="Titre court de la fiche.")
    resume: Texte = Field(
        max_length=400,
        description="Résumé en trois lignes pour les élus : ce que c'est, ce que ça coûte, "
        "ce que la commune doit fournir.",
    )
    structures: list[Texte] = Field(
        default_factory=list,
        description="Structures (associations, collectivités…) qui ont elles-mêmes rédigé ou "
        "relu la fiche. Une structure dont la démarche a seulement inspiré la fiche va dans "
        "d_apres.",
    )
    d_apres: list[Inspiration] = Field(
        default_factory=list,
        description="Structures dont la démarche, présentée dans un document public, a inspiré "
        "la fiche, sans qu'elles l'aient rédigée ni relue.",
    )
    auteurs: list[Texte] = Field(
        default_factory=list,
        description="Personnes qui ont rédigé la fiche (nom public, sans coordonnées). Vide : "
        "la fiche a été rédigée par l'équipe du commun, d'après les sources citées.",
    )
    licence: Literal["CC-BY-SA-4.0"] = Field(
        "CC-BY-SA-4.0", description="Licence du texte : CC-BY-SA-4.0 pour tout Terreau."
    )
    sources: list[Source] = Field(
        default_factory=list, description="Documents publics sur lesquels la fiche s'appuie."
    )
    liens: list[RefFiche] = Field(default_factory=list, description="Fiches liées (identifiants).")
    mots_cles: list[Texte] = Field(
        default_factory=list, description="Mots-clés supplémentaires pour la recherche."
    )
    relu_le: dt.date | None = Field(
        None,
        description="Date de la dernière relecture des faits de la fiche contre ses sources "
        "(AAAA-MM-JJ). Laissez vide tant que personne ne l'a relue.",
    )


class Pratique(Fiche):
    """What lets a mayor judge a method, a tool or an action in ten seconds."""

    besoins: list[_vocab("besoins")] = Field(  # type: ignore[valid-type]
        min_length=1, description="Besoins ou phases d'une démarche auxquels la fiche répond."
    )
    porteurs: list[_vocab("porteurs")] = Field(  # type: ignore[valid-type]
        min_length=1, description="Qui peut porter la démarche."
    )
    publics: list[_vocab("publics")] = Field(  # type: ignore[valid-type]
        min_length=1, description="À qui elle s'adresse."
    )
    taille_groupe: TailleGroupe | None = Field(
        None, description="Nombre de personnes impliquées (min et max)."
    )
    duree: Duree = Field(description="Durée de la démarche ou de l'atelier.")
    cout: _vocab("cout") = Field(description="Ordre de grandeur du coût.")  # type: ignore[valid-type]
    difficulte: _vocab("difficulte") = Field(  # type: ignore[valid-type]
        description="Niveau d'exigence en savoir-faire et en organisation."
    )
    maturite: _vocab("maturite") = Field(  # type: ignore[valid-type]
        description="Jusqu'où la pratique a déjà été menée par des communes (d'après les sources)."
    )
    communes: list[_vocab("taille_commune")] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Tailles de commune pour lesquelles la fiche convient."
    )
    compostabilite: Texte = Field(
        description="Comment adapter la fiche ou en réutiliser des morceaux ailleurs."
    )


class EtapeMethode(Strict):
    titre: Texte = Field(description="Nom de l'étape.")
    description: TexteLibre | None = Field(None, description="Ce qu'on fait pendant l'étape.")
    outils: list[RefOutil] = Field(default_factory=list, description="Fiches outils utilisées à cette étape.")


class Methode(Pratique):
    type: Literal["methode"] = Field(description="Type de fiche : « methode ».")
    axes: list[RefAxe] = Field(
        default_factory=list, description="Axes de résilience concernés (vide si transversal)."
    )
    etapes: list[EtapeMethode] = Field(min_length=1, description="Les étapes de la méthode, dans l'ordre.")


class Outil(Pratique):
    type: Literal["outil"] = Field(description="Type de fiche : « outil ».")
    axes: list[RefAxe] = Field(
        default_factory=list, description="Axes de résilience concernés (vide si transversal)."
    )
    materiel: list[Texte] = Field(default_factory=list, description="Matériel nécessaire.")


class ActeurRessource(Strict):
    nom: Texte = Field(description="Type d'organisation ou organisation publique ressource.")
    role: TexteLibre | None = Field(None, description="Ce qu'elle peut apporter.")
    url: Url | None = Field(None, description="Adresse publique, s'il y en a une.")


class Exemple(Strict):
    lieu: Texte = Field(description="Commune ou territoire où l'action a été menée.")
    description: Texte = Field(description="Ce qui y a été fait, d'après la source.")
    source: Source = Field(description="Source publique qui rapporte l'exemple.")


class Action(Pratique):
    type: Literal["action"] = Field(description="Type de fiche : « action ».")
    axe: RefAxe = Field(description="Axe de résilience (identifiant de la fiche axe).")
    # Checked by the catalogue's placement walk (axe → orientation → objectif).
    orientation: Slug = Field(description="Orientation de l'axe dans laquelle l'action se range.")
    objectif: Slug = Field(description="Objectif de l'orientation que l'action sert.")
    horizon: _vocab("horizon") = Field(  # type: ignore[valid-type]
        description="Temps qu'il faut pour voir l'action aboutir."
    )
    competence: TexteLibre | None = Field(
        None, description="Compétence publique nécessaire (PLU, restauration scolaire…)."
    )
    cobenefices: list[Texte] = Field(default_factory=list, description="Autres bienfaits de l'action.")
    acteurs_ressources: list[ActeurRessource] = Field(
        default_factory=list, description="Organisations qui peuvent aider."
    )
    exemples: list[Exemple] = Field(
        default_factory=list, description="Exemples de terrain, chacun avec sa source."
    )


INSEE = r"^(?:0[1-9]|1[0-9]|2[1-9]|[3-9][0-9]|2A|2B)[0-9]{3}$"


class Commune(Strict):
    nom: Texte = Field(description="Nom officiel de la commune.")
    insee: Annotated[str, Field(pattern=INSEE)] = Field(
        description="Code officiel géographique INSEE à 5 caractères (2A/2B pour la Corse), "
        "jamais le code postal."
    )
    population: StrictInt | None = Field(None, ge=0, description="Population municipale.")
    annee_population: StrictInt | None = Field(
        None, ge=1900, le=2100, description="Année du chiffre de population."
    )

    @model_validator(mode="after")
    def _year_with_population(self) -> Commune:
        if self.population is not None and self.annee_population is None:
            raise PydanticCustomError("annee_population", "année manquante", {"population": self.population})
        return self


class Lieu(Strict):
    nom: Texte = Field(description="Nom du territoire (commune, intercommunalité, pays…).")
    intercommunalite: TexteLibre | None = Field(None, description="Intercommunalité concernée.")
    communes: list[Commune] = Field(
        default_factory=list, description="Communes concernées, avec leur code INSEE."
    )


PERIODE = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2]))?$"
# A year written without quotes reaches us as a number: read it as the text it was.
Mois = Annotated[TexteLibre, Field(pattern=PERIODE)]


class Periode(Strict):
    debut: Mois = Field(description="Début : année (AAAA) ou mois (AAAA-MM).")
    fin: Mois | None = Field(
        None, description="Fin : année ou mois ; vide si la démarche continue ou si sa fin n'est pas connue."
    )


def _criterion(term: str) -> Any:
    t = vocabulary("grille").terms[term]
    return Field(ge=0, le=3, description=f"{t.libelle} : {t.description} Note de 0 à 3.")


class Grille(Strict):
    """The common self-evaluation grid: six fixed criteria, each scored 0 to 3 (see vocabulaires)."""

    mobilisation: StrictInt = _criterion("mobilisation")
    diversite: StrictInt = _criterion("diversite")
    cooperation: StrictInt = _criterion("cooperation")
    connaissance: StrictInt = _criterion("connaissance")
    action: StrictInt = _criterion("action")
    perennite: StrictInt = _criterion("perennite")
    rempli_par: Texte = Field(
        description="Qui a noté : la structure porteuse, ou « Terreau, d'après les sources » quand "
        "les notes sont tirées des sources publiques du retour (le commentaire dit alors sur quels faits)."
    )
    commentaire: Texte = Field(
        description="Ce qui explique les notes, critère par critère, en quelques phrases."
    )


class Retour(Fiche):
    type: Literal["retour"] = Field(description="Type de fiche : « retour ».")
    lieu: Lieu = Field(description="Où la démarche a eu lieu.")
    periode: Periode = Field(description="Quand.")
    structure_porteuse: Texte = Field(description="Structure qui a porté la démarche.")
    fiches: list[RefPratique] = Field(min_length=1, description="Fiches de Terreau utilisées.")
    ce_qui_a_marche: list[Texte] = Field(default_factory=list, description="Ce qui a marché.")
    difficultes: list[Texte] = Field(default_factory=list, description="Ce qui a coincé.")
    adaptations: list[Texte] = Field(
        default_factory=list, description="Ce qui a été adapté par rapport aux fiches."
    )
    verification: _vocab("verification") = Field(  # type: ignore[valid-type]
        description="Niveau de vérification des faits rapportés."
    )
    grille: Grille | None = Field(
        None,
        description="Grille commune d'auto-évaluation, remplie par la structure porteuse "
        "(à laisser vide si personne ne l'a remplie : on n'invente pas de note).",
    )
    sources: list[Source] = Field(  # type: ignore[assignment]
        min_length=1, description="Sources publiques ou structure qui rapporte les faits."
    )


class EtapeParcours(Strict):
    fiche: RefFiche = Field(description="Fiche à suivre à cette étape.")
    quand: Texte = Field(description="Moment de l'étape (par exemple « mois 1 à 2 »).")
    pourquoi: TexteLibre | None = Field(None, description="Pourquoi cette étape vient ici.")


class Parcours(Fiche):
    type: Literal["parcours"] = Field(description="Type de fiche : « parcours ».")
    besoins: list[_vocab("besoins")] = Field(  # type: ignore[valid-type]
        min_length=1, description="Besoins auxquels le parcours répond."
    )
    porteurs: list[_vocab("porteurs")] = Field(  # type: ignore[valid-type]
        min_length=1, description="Qui peut porter le parcours."
    )
    communes: list[_vocab("taille_commune")] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Tailles de commune visées."
    )
    duree: Duree = Field(description="Durée totale du parcours.")
    etapes: list[EtapeParcours] = Field(min_length=2, description="Les étapes, dans l'ordre.")
    compostabilite: Texte = Field(
        description="Comment adapter le parcours ou en reprendre une partie ailleurs."
    )


class Objectif(Strict):
    id: Slug = Field(description="Identifiant de l'objectif.")
    titre: Texte = Field(description="Intitulé de l'objectif.")
    description: TexteLibre | None = Field(None, description="Ce que l'objectif recouvre.")


class Orientation(Strict):
    id: Slug = Field(description="Identifiant de l'orientation.")
    titre: Texte = Field(description="Intitulé de l'orientation.")
    description: TexteLibre | None = Field(None, description="Ce que l'orientation recouvre.")
    objectifs: list[Objectif] = Field(min_length=1, description="Objectifs de l'orientation.")


class Axe(Silences):
    type: Literal["axe"] = Field(description="Type de fiche : « axe ».")
    titre: Texte = Field(description="Nom de l'axe.")
    resume: Texte = Field(description="Ce que l'axe recouvre, en deux ou trois lignes.")
    orientations: list[Orientation] = Field(
        min_length=1, description="Orientations de l'axe, chacune avec ses objectifs."
    )


# What a card's front matter is, once validated: one model per kind.
CardModel = Methode | Outil | Action | Retour | Parcours | Axe
MODELS: dict[str, type[CardModel]] = {
    "methode": Methode,
    "outil": Outil,
    "action": Action,
    "retour": Retour,
    "parcours": Parcours,
    "axe": Axe,
}

KIND_OF_MODEL: dict[type[CardModel], str] = {model: kind for kind, model in MODELS.items()}

# The folder (under docs/) where each kind of card lives; its URL prefix too.
FOLDERS: dict[str, str] = {
    "methode": "methodes",
    "outil": "outils",
    "action": "actions",
    "retour": "retours",
    "parcours": "parcours",
    "axe": "axes",
}
KIND_OF_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))

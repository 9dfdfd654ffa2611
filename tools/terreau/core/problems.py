"""The catalogue of problems a contributor can meet (stable codes, French messages, severity),
and the translation of Pydantic's errors into it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from pydantic import ValidationError

from terreau.core import yamlsafe
from terreau.core.models import Strict


@dataclass(frozen=True)
class Code:
    """One entry of the catalogue: a stable code, a French message template and a hint."""

    code: str
    message: str
    hint: str
    title: str
    # An error blocks (exit code, build). A warning is a heuristic: shown, never blocking,
    # and a card may silence it with « ignorer: [CODE] » and a « raison ».
    severity: str = "erreur"

    @property
    def is_error(self) -> bool:
        return self.severity == "erreur"


# Codes are stable: contributors and CI logs refer to them. Add, never rename.
CATALOGUE: dict[str, Code] = {
    c.code: c
    for c in [
        Code(
            "FICHIER_VIDE",
            "le fichier est vide",
            "Commencez la fiche par un en-tête YAML entre deux lignes « --- ».",
            "Fichier vide",
        ),
        Code(
            "ENTETE_ABSENTE",
            "la fiche n'a pas d'en-tête YAML",
            "La première ligne doit être « --- », suivie des champs, puis d'une autre ligne « --- ».",
            "En-tête absent",
        ),
        Code(
            "ENTETE_NON_FERMEE",
            "l'en-tête YAML n'est pas refermé",
            "Ajoutez une ligne « --- » après le dernier champ de l'en-tête.",
            "En-tête non refermé",
        ),
        Code(
            "ENCODAGE",
            "le fichier n'est pas encodé en UTF-8 ({detail})",
            "Enregistrez le fichier en UTF-8 (c'est le choix par défaut de la plupart des éditeurs).",
            "Encodage",
        ),
        Code(
            "CARACTERE_CONTROLE",
            "caractère de contrôle interdit{ici} ({caractere})",
            "Supprimez-le : retapez le texte à la main ou collez-le sans mise en forme. Seuls la "
            "tabulation et le retour à la ligne sont permis, dans le texte de la fiche et les "
            "champs de texte long (résumé, descriptions…) ; un titre, un nom ou un "
            "identifiant tient sur une seule ligne.",
            "Caractère de contrôle",
        ),
        Code(
            "CARACTERE_INVISIBLE",
            "caractère invisible ou d'inversion du sens du texte interdit ({caractere})",
            "Supprimez-le : retapez le texte à la main ou collez-le sans mise en forme. Ces "
            "caractères font afficher autre chose que ce qui est écrit ; seuls le liant et "
            "l'antiliant sans chasse (émojis composés) et le trait d'union conditionnel sont "
            "permis, dans le texte de la fiche seulement.",
            "Caractère invisible",
        ),
        Code(
            "FICHIER_TROP_GROS",
            "le fichier pèse {taille} octets, au-delà de la limite de {limite} octets",
            "Découpez la fiche : une fiche trop longue ne s'imprime plus et se lit mal.",
            "Fichier trop gros",
        ),
        Code(
            "NOM_FICHIER",
            "le nom de fichier « {nom} » ne convient pas comme identifiant",
            "Utilisez des minuscules sans accents, des chiffres et des tirets, "
            "par exemple « enquete-collective.md ».",
            "Nom de fichier",
        ),
        Code(
            "YAML_SYNTAXE",
            "erreur de syntaxe YAML : {detail}",
            "Vérifiez l'indentation (des espaces, pas de tabulations) et les deux-points après "
            "chaque nom de champ ; mettez entre guillemets un texte qui contient « : » ou « # ».",
            "Syntaxe YAML",
        ),
        Code(
            "YAML_GUILLEMET",
            "le guillemet « {guillemet} » ouvert sur cette ligne n'est pas refermé",
            "Ajoutez le guillemet « {guillemet} » fermant à la fin de la valeur, ou retirez celui du début.",
            "Guillemet non refermé",
        ),
        Code(
            "YAML_CROCHET",
            "le « {ouvrant} » ouvert sur cette ligne n'est pas refermé",
            "Ajoutez « {fermant} » juste après le dernier élément.",
            "Crochet ou accolade non refermé",
        ),
        Code(
            "YAML_APOSTROPHE",
            "{signe} au milieu de la valeur ferme le texte ouvert par {signe} du début",
            "{remede}, ou retirez les guillemets du début et de la fin.",
            "Apostrophe ou guillemet dans un texte entre guillemets",
        ),
        Code(
            "YAML_ECHAPPEMENT",
            "la barre oblique inverse « \\ » suivie de « {suite} » ne forme pas un caractère spécial "
            "reconnu entre guillemets doubles",
            "Doublez chaque barre oblique inverse (« \\\\ ») ou entourez la valeur d'apostrophes (') "
            "au lieu de guillemets doubles.",
            "Barre oblique inverse entre guillemets",
        ),
        Code(
            "YAML_TABULATION",
            "tabulation dans l'indentation",
            "Remplacez la tabulation par des espaces : YAML n'accepte que des espaces pour indenter.",
            "Tabulation",
        ),
        Code(
            "YAML_CLE_DOUBLON",
            "le champ « {cle} » apparaît deux fois (déjà présent ligne {ligne_avant})",
            "Gardez une seule occurrence du champ.",
            "Champ en double",
        ),
        Code(
            "YAML_ALIAS",
            "les ancres et alias YAML (& et *) ne sont pas acceptés",
            "Recopiez la valeur en toutes lettres.",
            "Alias YAML",
        ),
        Code(
            "YAML_ETIQUETTE",
            "l'étiquette YAML « {etiquette} » n'est pas acceptée",
            "Retirez l'étiquette (le mot qui commence par « ! ») et écrivez la valeur simplement.",
            "Étiquette YAML",
        ),
        Code(
            "ENTETE_NON_DICTIONNAIRE",
            "l'en-tête doit être une liste de champs « nom: valeur »",
            "Écrivez un champ par ligne, par exemple « titre: Enquête collective ».",
            "En-tête mal formé",
        ),
        Code(
            "CHAMP_INCONNU",
            "champ inconnu",
            "{suggestion}",
            "Champ inconnu",
        ),
        Code(
            "CHAMP_MANQUANT",
            "champ obligatoire absent",
            "Ajoutez le champ « {champ} » : {description}",
            "Champ manquant",
        ),
        Code(
            "TYPE",
            "{attendu} attendu, trouvé {trouve}",
            "{conseil}",
            "Type de valeur",
        ),
        Code(
            "VOCABULAIRE",
            "valeur « {valeur} » inconnue",
            "Valeurs possibles : {valeurs}.",
            "Valeur hors vocabulaire",
        ),
        Code(
            "DATE",
            "date invalide « {valeur} »",
            "Écrivez une date qui existe, au format AAAA-MM-JJ, par exemple 2024-03-15.",
            "Date",
        ),
        Code(
            "VALEUR",
            "{detail}",
            "{conseil}",
            "Valeur non conforme",
        ),
        Code(
            "TYPE_FICHE",
            "une fiche de type « {type} » doit se trouver dans le dossier « {dossier} »",
            "Déplacez le fichier ou corrigez le champ « type ».",
            "Type et dossier",
        ),
        Code(
            "ID_DOUBLON",
            "l'identifiant « {id} » est déjà utilisé par {autre}",
            "Renommez l'un des deux fichiers : l'identifiant d'une fiche est son nom de fichier.",
            "Identifiant en double",
        ),
        Code(
            "REFERENCE_INCONNUE",
            "la fiche « {ref} » n'existe pas",
            "{suggestion}",
            "Référence inconnue",
        ),
        Code(
            "REFERENCE_MAUVAIS_TYPE",
            "« {ref} » est une fiche de type « {trouve} », alors qu'une fiche de type {attendu} "
            "est attendue ici",
            "Vérifiez l'identifiant de la fiche visée.",
            "Référence vers le mauvais type de fiche",
        ),
        Code(
            "CONTACT_PERSONNEL",
            "coordonnées personnelles (« {valeur} »)",
            "Terreau ne publie ni adresse électronique ni numéro de téléphone. Indiquez plutôt "
            "le nom de la structure et son site web.",
            "Coordonnées personnelles",
        ),
        Code(
            "TELEPHONE",
            "numéro de téléphone probable (« {valeur} »)",
            "Terreau ne publie pas le numéro d'une personne : retirez-le et nommez plutôt la "
            "structure. Si c'est un autre nombre, ou le numéro public d'un service (mairie, "
            "numéro d'urgence), ajoutez à l'en-tête « ignorer: [TELEPHONE] » et « raison: » avec "
            "l'explication.",
            "Numéro de téléphone",
            severity="avertissement",
        ),
        Code(
            "COMMUNE_INCONNUE",
            "code INSEE « {insee} » absent de la liste officielle des communes ({liste})",
            "Vérifiez le code sur la fiche de la commune à l'INSEE (code officiel géographique, pas "
            "le code postal). Une commune fusionnée depuis porte le code de la commune nouvelle.",
            "Commune inconnue",
            severity="avertissement",
        ),
        Code(
            "COMMUNE_NOM",
            "le code INSEE « {insee} » est celui de « {officiel} », pas de « {nom} »",
            "Corrigez le nom ou le code : le site affiche la population de la commune de ce code.",
            "Nom de commune",
            severity="avertissement",
        ),
        Code(
            "COUT_RESUME",
            "le résumé annonce « {annonce} », mais le champ cout vaut « {cout} » ({libelle})",
            "L'encadré de la fiche affiche le niveau du champ cout : accordez les deux. Si le "
            "résumé dit juste, changez cout ; sinon, écrivez dans le résumé les mots de ce "
            "niveau ({mots}).",
            "Coût du résumé différent du champ cout",
            severity="avertissement",
        ),
        # Near-duplicate cards and redirects of merged cards (issue 17, near-duplicates).
        Code(
            "FICHES_PROCHES",
            "cette fiche se lit presque comme {autre} (proximité {proximite})",
            "Si les deux fiches disent la même chose, fusionnez-les dans la meilleure (gardez "
            "chaque fait sourcé et chaque source), supprimez l'autre et ajoutez une ligne à "
            "docs/redirections.yml pour que son adresse mène à la fiche gardée. Si l'une dit "
            "comment faire (méthode) et l'autre ce que la commune décide (action), dites-le dans "
            "les titres et les résumés, retirez les passages répétés et liez-les l'une à l'autre.",
            "Fiches presque identiques",
            severity="avertissement",
        ),
        Code(
            "REDIRECTION_CIBLE",
            "la redirection de « {ancienne} » mène à « {nouvelle} », qui n'est pas une fiche",
            "Donnez l'identifiant d'une fiche existante (le nom de son fichier sans .md), celle "
            "qui a repris le contenu de l'ancienne fiche.",
            "Redirection vers une fiche absente",
        ),
        Code(
            "REDIRECTION_ACTIVE",
            "« {ancienne} » est redirigée, mais la fiche {fichier} existe encore",
            "Une fiche fusionnée est supprimée : supprimez {fichier}, ou retirez sa ligne de "
            "docs/redirections.yml si la fiche doit rester.",
            "Redirection d'une fiche encore présente",
        ),
        Code(
            "REDIRECTION_FORMAT",
            "{detail}",
            "Chaque redirection s'écrit « - ancienne: dossier/identifiant », « nouvelle: "
            "identifiant » et « date: AAAA-MM-JJ » (le jour de la fusion) ; le dossier est celui "
            "des fiches de l'ancienne fiche ({dossiers}).",
            "Redirection mal écrite",
        ),
        # Issue 17: what a card claims must be checkable (an action shows where it was done,
        # a legal reference points to the text itself).
        Code(
            "ACTION_SANS_EXEMPLE",
            "la fiche action ne donne ni exemple de terrain (exemples) ni source (sources)",
            "Ajoutez dans « exemples » une commune qui l'a fait, avec la source qui le rapporte, ou "
            "au moins dans « sources » un document public qui décrit l'action menée quelque part : "
            "sans cela, la fiche affiche « Pas encore d'exemple documenté » et rien ne permet de la "
            "vérifier.",
            "Action sans exemple ni source",
            severity="avertissement",
        ),
        Code(
            "LOI_SANS_SOURCE",
            "la fiche cite un texte de loi (« {reference} ») sans source officielle",
            "Ajoutez dans « sources » le texte cité, sur Légifrance (legifrance.gouv.fr), EUR-Lex "
            "(eur-lex.europa.eu), Service-Public.fr ou un site en .gouv.fr : le lecteur doit pouvoir "
            "lire la règle elle-même et sa version en vigueur.",
            "Texte de loi sans source officielle",
            severity="avertissement",
        ),
        Code(
            "IGNORER",
            "{detail}",
            "{conseil}",
            "Avertissement ignoré",
        ),
        Code(
            "IMAGE_EXTERNE",
            "image chargée depuis un autre site : « {url} »",
            "Ajoutez l'image au dépôt (dossier docs/images/) et liez-la par son chemin : une "
            "image externe révèle l'adresse de chaque lecteur à ce site.",
            "Image externe",
        ),
        # What docs/ may hold (tree.py): anything else is neither read nor published.
        Code(
            "FICHIER_LIEN",
            "{nature} n'est pas accepté",
            "Remplacez le lien par le fichier lui-même (une vraie copie, dans le dossier docs/) : "
            "un lien pourrait publier un fichier de la machine qui construit le site.",
            "Lien vers un autre fichier",
        ),
        Code(
            "FICHIER_SPECIAL",
            "ce n'est pas un fichier ordinaire mais {nature}",
            "Supprimez-le : le dossier docs/ ne contient que des fiches, des pages et des images.",
            "Fichier spécial",
        ),
        Code(
            "FICHIER_INTERDIT",
            "le fichier « {nom} » n'a pas sa place dans docs/",
            "{conseil}",
            "Fichier non accepté",
        ),
        Code(
            "EXTENSION",
            "l'extension du fichier « {nom} » n'est pas « .md »",
            "Renommez le fichier « {propose} » : seule l'extension « .md », en minuscules, est lue "
            "comme une fiche ou une page.",
            "Extension de fichier",
        ),
        Code(
            "FICHIER_ILLISIBLE",
            "le fichier ne peut pas être lu ({detail})",
            "Donnez-lui un nom simple (lettres, chiffres, tirets) et vérifiez que c'est un fichier "
            "ordinaire que vous pouvez ouvrir.",
            "Fichier illisible",
        ),
        Code(
            "IMAGE_TROP_LOURDE",
            "l'image pèse {taille} Kio, au-delà de {limite} Kio",
            "Réduisez-la (dimensions plus petites, ou JPEG de qualité 80) : beaucoup de lecteurs "
            "ont une connexion lente.",
            "Image trop lourde",
        ),
        Code(
            "IMAGE_FORMAT",
            "le nom annonce une image {annonce}, le contenu est {trouve}",
            "Donnez au fichier l'extension de son vrai format, ou réenregistrez l'image au format annoncé.",
            "Format d'image",
        ),
        Code(
            "IMAGE_SVG",
            "image SVG refusée : {detail}",
            "Une image SVG ne peut que dessiner : ni script, ni attribut « on… », ni lien vers un "
            "autre fichier ou site. Exportez-la en « SVG simple » ou en PNG.",
            "Image SVG",
        ),
        Code(
            "PAGE_ENTETE",
            "une page du site ne prend pas d'en-tête YAML",
            "Retirez le bloc entre les lignes « --- » : seules les fiches, rangées dans le dossier "
            "de leur type (docs/methodes/…), ont un en-tête.",
            "En-tête dans une page",
        ),
        Code(
            "LIEN_CASSE",
            "le lien « {cible} » mène à une page ou un fichier qui n'existe pas",
            "{suggestion}",
            "Lien cassé",
        ),
        Code(
            "LIEN_ANCRE",
            "la section « #{ancre} » n'existe pas dans « {page} »",
            "{suggestion}",
            "Section introuvable",
        ),
        Code(
            "LIEN_ABSOLU",
            "le lien « {cible} » commence par « / », ce que la construction du site refuse",
            "Écrivez le chemin depuis cette page : « {relatif} ».",
            "Lien absolu",
        ),
        # Cards received by e-mail (terreau importer-courriel): the « file » is the message.
        Code(
            "COURRIEL_SANS_FICHE",
            "le message ne contient pas de fiche Terreau (les lignes « ----- début de la fiche "
            "Terreau ----- » et « ----- fin de la fiche Terreau ----- » manquent)",
            "Demandez à l'expéditeur de renvoyer le message préparé par le formulaire du site, "
            "sans retirer ces deux lignes ni mettre la fiche en pièce jointe.",
            "Message sans fiche",
        ),
        Code(
            "COURRIEL_CITATION",
            "la fiche n'est que dans une citation (lignes qui commencent par « > ») qui n'est "
            "pas citée de la même façon d'un bout à l'autre",
            "Demandez à l'expéditeur de renvoyer la fiche telle que le formulaire l'a préparée, "
            "hors de la réponse à un autre message.",
            "Fiche dans une citation",
        ),
        Code(
            "COURRIEL_ILLISIBLE",
            "le message ne peut pas être lu ({detail})",
            "Demandez à l'expéditeur de le renvoyer en texte brut, encodé en UTF-8 si son "
            "logiciel de courrier le propose.",
            "Message illisible",
        ),
        Code(
            "COURRIEL_TROP_GROS",
            "le message pèse {taille} octets, au-delà de la limite de {limite} octets",
            "Demandez à l'expéditeur de renvoyer la fiche seule, sans pièce jointe (les pièces "
            "jointes ne sont jamais lues).",
            "Message trop gros",
        ),
        Code(
            "FICHIER_EXISTANT",
            "le fichier « {fichier} » existe déjà",
            "S'il s'agit d'une nouvelle version de cette fiche, reportez les changements à la "
            "main ; sinon, renommez le fichier existant ou changez le titre de la fiche dans le "
            "message, puis relancez la commande.",
            "Fichier déjà existant",
        ),
    ]
}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in one file, located at a line and (when known) a field."""

    path: str
    line: int
    code: str
    field: str = ""
    params: tuple[tuple[str, str], ...] = dc_field(default=(), compare=False)

    @property
    def message(self) -> str:
        return CATALOGUE[self.code].message.format(**dict(self.params))

    @property
    def hint(self) -> str:
        return CATALOGUE[self.code].hint.format(**dict(self.params))

    @property
    def is_error(self) -> bool:
        return CATALOGUE[self.code].is_error

    def format_text(self) -> str:
        where = f"{self.field} : " if self.field else ""
        warning = "" if self.is_error else "(avertissement) "
        text = f"{self.path}:{self.line}: {self.code} {warning}{where}{self.message}"
        hint = self.hint
        return f"{text}. {hint}" if hint else f"{text}."

    def as_dict(self) -> dict[str, object]:
        return {
            "fichier": self.path,
            "ligne": self.line,
            "code": self.code,
            "gravite": CATALOGUE[self.code].severity,
            "champ": self.field,
            "message": self.message,
            "conseil": self.hint,
        }


def problem(path: str, line: int, code: str, field: str = "", **params: object) -> Problem:
    """Build a Problem, checking the code exists and every template parameter is given."""
    entry = CATALOGUE[code]
    as_text = {k: str(v) for k, v in params.items()}
    entry.message.format(**as_text)
    entry.hint.format(**as_text)
    return Problem(path, line, code, field, tuple(sorted(as_text.items())))


def field_name(path: tuple[str | int, ...]) -> str:
    """A path into the front matter as contributors read it: ``etapes[2].outils[1]``."""
    name = ""
    for part in path:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


# --- Pydantic errors → catalogue -------------------------------------------------------------

TYPE_NAMES = {
    "string_type": ("un texte", "Écrivez le texte tel quel ; mettez-le entre guillemets au besoin."),
    "int_type": ("un nombre entier", "Écrivez le nombre en chiffres, sans guillemets."),
    "int_parsing": ("un nombre entier", "Écrivez le nombre en chiffres, sans guillemets."),
    "int_from_float": ("un nombre entier", "Écrivez un nombre sans virgule."),
    "bool_type": ("true ou false", "Écrivez true ou false."),
    "list_type": ("une liste", "Écrivez un élément par ligne, chacun précédé de « - »."),
    "model_type": ("un ensemble de champs", "Écrivez les sous-champs en dessous, indentés."),
    "model_attributes_type": ("un ensemble de champs", "Écrivez les sous-champs en dessous, indentés."),
    "dict_type": ("un ensemble de champs", "Écrivez les sous-champs en dessous, indentés."),
    "date_type": ("une date", "Écrivez une date au format AAAA-MM-JJ."),
}


def describe(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return f"le nombre {value}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "…"
        return f"le texte « {short} »"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un ensemble de champs"
    return "une valeur"


def _model_at(model: type[Strict], loc: tuple[Any, ...]) -> type[Strict] | None:
    """The model class that owns the last key of ``loc`` (for field suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fld = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if fld is None:
            return None
        current = inner_model(fld.annotation)
    return current if hasattr(current, "model_fields") else None


def inner_model(annotation: Any) -> Any:
    """The Strict model a field holds (itself, in a list, or optional), else None."""
    for arg in getattr(annotation, "__args__", ()) or ():
        found = inner_model(arg)
        if found is not None:
            return found
    return annotation if isinstance(annotation, type) and issubclass(annotation, Strict) else None


def explain(
    err: ValidationError, model: type[Strict], parsed: yamlsafe.Parsed, src: str, first: int
) -> list[Problem]:
    """Pydantic's errors (English, by type) as catalogue problems, each at its line."""
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        kind = e["type"]
        value = e.get("input")
        ctx = e.get("ctx") or {}
        name = field_name(loc)
        line = parsed.line_of(loc, first)
        if kind == "missing":
            owner = _model_at(model, loc)
            desc = ""
            if owner is not None and loc[-1] in owner.model_fields:
                desc = owner.model_fields[loc[-1]].description or ""
            problems.append(problem(src, line, "CHAMP_MANQUANT", name, champ=loc[-1], description=desc))
        elif kind == "extra_forbidden":
            owner = _model_at(model, loc)
            known = list(owner.model_fields) if owner else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            suggestion = (
                f"Vouliez-vous dire « {close[0]} » ?"
                if close
                else "Champs possibles ici : " + ", ".join(known) + "."
            )
            problems.append(problem(src, line, "CHAMP_INCONNU", name, suggestion=suggestion))
        elif kind == "vocabulaire":
            problems.append(problem(src, line, "VOCABULAIRE", name, valeur=value, valeurs=ctx["valeurs"]))
        elif kind == "literal_error":
            problems.append(
                problem(
                    src,
                    line,
                    "VOCABULAIRE",
                    name,
                    valeur=value,
                    valeurs=ctx.get("expected", "").replace("'", ""),
                )
            )
        elif kind.startswith("date_") and kind != "date_type":
            problems.append(problem(src, line, "DATE", name, valeur=value))
        elif kind in TYPE_NAMES or (kind == "date_type" and not isinstance(value, str)):
            expected, advice = TYPE_NAMES[kind]
            problems.append(
                problem(src, line, "TYPE", name, attendu=expected, trouve=describe(value), conseil=advice)
            )
        else:
            detail, advice = _value_message(kind, ctx, value, loc)
            problems.append(problem(src, line, "VALEUR", name, detail=detail, conseil=advice))
    return problems


# The wording of constraint errors, as templates (filled with the error's context): explain()
# uses them, and the site's form (contribute/raconter.py) exports them to check as one types.
LIMITS: dict[str, tuple[str, str]] = {
    "string_too_long": ("texte trop long ({longueur} caractères, {max_length} au plus)", "Raccourcissez-le."),
    "string_too_short": (
        "texte vide",
        "Écrivez au moins quelques mots, ou retirez le champ s'il est facultatif.",
    ),
    "too_short": (
        "liste trop courte ({actual_length} élément(s), {min_length} au moins)",
        "Ajoutez les éléments manquants.",
    ),
    "too_long": (
        "liste trop longue ({actual_length} éléments, {max_length} au plus)",
        "Retirez des éléments.",
    ),
    "greater_than_equal": ("la valeur {valeur} est trop petite", "Le minimum est {ge}."),
    "less_than_equal": ("la valeur {valeur} est trop grande", "Le maximum est {le}."),
}
# A pattern's message, by the kind of value the pattern is for (see _pattern_kind).
PATTERNS: dict[str, tuple[str, str]] = {
    "insee": (
        "« {valeur} » n'est pas un code INSEE",
        "Le code INSEE (code officiel géographique) a 5 caractères, par exemple "
        "01053 ou 2A004 ; ce n'est pas le code postal.",
    ),
    "insee_corse": (
        "« {valeur} » ressemble à un code postal corse, pas à un code INSEE",
        "En Corse, le code INSEE commence par 2A ou 2B.",
    ),
    "url": (
        "« {valeur} » n'est pas une adresse web",
        "Écrivez une adresse complète, commençant par https://",
    ),
    "periode": ("« {valeur} » n'est pas une période", "Écrivez une année (2021) ou un mois (2021-03)."),
    "slug": (
        "« {valeur} » n'est pas un identifiant de fiche",
        "Un identifiant s'écrit en minuscules sans accents, avec des tirets, comme « enquete-collective ».",
    ),
}


def _value_message(kind: str, ctx: dict[str, Any], value: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """French wording for the constraint errors (length, bounds, patterns, custom checks)."""
    if kind in ("greater_than", "less_than"):
        kind += "_equal"
        ctx = {"ge": ctx.get("gt"), "le": ctx.get("lt")} | ctx
    if kind in LIMITS:
        message, advice = LIMITS[kind]
        length = len(value) if isinstance(value, str | list) else 0
        params = {"ge": "", "le": "", "min_length": "", "max_length": "", "actual_length": 0} | ctx
        params |= {"longueur": length, "valeur": value}
        return message.format(**params), advice.format(**params)
    if kind == "string_pattern_mismatch":
        message, advice = PATTERNS[pattern_kind(value, loc)]
        return message.format(valeur=value), advice.format(valeur=value)
    if kind == "intervalle":
        return (
            f"le maximum ({ctx['max']}) est plus petit que le minimum ({ctx['min']})",
            "Inversez les deux valeurs.",
        )
    if kind == "annee_population":
        return (
            "population donnée sans son année",
            "Ajoutez « annee_population » : l'année du chiffre INSEE.",
        )
    return "valeur non conforme", "Vérifiez la valeur."


def pattern_kind(value: Any, loc: tuple[Any, ...]) -> str:
    """Which PATTERNS message a value that does not match its field's pattern gets."""
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if last == "insee":
        corsican = isinstance(value, str) and re.fullmatch(r"20[0-9]{3}", value)
        return "insee_corse" if corsican else "insee"
    if last == "url":
        return "url"
    if last in ("debut", "fin"):
        return "periode"
    return "slug"

"""Read one card file: bytes → text → front matter + body → a validated model, or problems."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from terreau.core import content_checks, hygiene, tree, yamlsafe
from terreau.core.models import FOLDERS, KIND_OF_FOLDER, MODELS, CardModel, Strict, is_slug
from terreau.core.problems import CATALOGUE, Problem, field_name, problem

MAX_BYTES = 256 * 1024
_FENCE = re.compile(r"^---[ \t]*$")
_END_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


M = TypeVar("M", bound=CardModel, covariant=True)


@dataclass(frozen=True)
class Card(Generic[M]):
    """A card that passed validation: its identity, typed front matter and Markdown body."""

    id: str
    kind: str
    rel_path: str  # POSIX path relative to docs/, e.g. "methodes/enquete-collective.md"
    src: str  # path as shown to contributors, e.g. "docs/methodes/enquete-collective.md"
    meta: M  # one of the models in terreau.models
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    lines: dict[yamlsafe.Path, int]

    @property
    def url(self) -> str:
        """The card's page address, relative to the site root: methodes/x.html."""
        return str(PurePosixPath(self.rel_path).with_suffix(".html"))

    def line_of(self, *path: str | int) -> int:
        parsed = yamlsafe.Parsed(None, self.lines)
        return parsed.line_of(tuple(path), 1)


AnyCard = Card[CardModel]  # a card of any kind: narrow with isinstance(card.meta, Model)


def kind_of(rel_path: str) -> str | None:
    """The kind of card a file holds, from its folder; None for a plain site page."""
    parts = PurePosixPath(rel_path).parts
    if len(parts) != 2 or parts[1] == "index.md" or not parts[1].endswith(".md"):
        return None
    return KIND_OF_FOLDER.get(parts[0])


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; CRLF and CR become LF. Raises UnicodeError otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnicodeError("UTF-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _encoding_problem(err: UnicodeError, data: bytes, src: str) -> Problem:
    if str(err) == "UTF-16":
        return problem(src, 1, "ENCODAGE", detail="UTF-16 détecté")
    start = int(getattr(err, "start", 0))
    line = data[:start].count(b"\n") + 1
    return problem(src, line, "ENCODAGE", detail=f"octet invalide ligne {line}")


def split(text: str) -> tuple[str, int, str, int] | None:
    """Split front matter from body: (yaml, yaml's first line, body, body's first line)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return None
    for i in range(1, len(lines)):
        if _END_FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1 :]), i + 2
    raise ValueError("unclosed")


def _read(path: Path, root: Path | None, src: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, read without following a link, inside ``root`` (its folder if None)."""
    try:
        return tree.read_regular(path, root or path.parent, MAX_BYTES), []
    except tree.TooLarge as err:
        return None, [problem(src, 1, "FICHIER_TROP_GROS", taille=err.size, limite=MAX_BYTES)]
    except OSError as err:
        return None, [problem(src, 1, "FICHIER_ILLISIBLE", detail=err.strerror or "erreur")]


def load_card(
    path: Path, rel_path: str, src: str, root: Path | None = None
) -> tuple[AnyCard | None, list[Problem]]:
    """Read and validate one card file. Never raises on bad content."""
    data, problems = _read(path, root, src)
    if data is None:
        return None, problems
    return load_bytes(data, rel_path, src)


def load_page(path: Path, root: Path, src: str) -> tuple[str | None, list[Problem]]:
    """Read one of the site's own pages (Markdown without front matter); its text or problems."""
    data, problems = _read(path, root, src)
    if data is None:
        return None, problems
    try:
        text = hygiene.normalise(decode(data))
    except UnicodeError as err:
        return None, [_encoding_problem(err, data, src)]
    if _FENCE.match(text.split("\n", 1)[0]):
        return None, [problem(src, 1, "PAGE_ENTETE")]
    problems = hygiene.scan_text(text, 1, src) + content_checks.scan_body(text, 1, src, contacts=False)
    return (None, problems) if problems else (text, [])


def load_bytes(data: bytes, rel_path: str, src: str) -> tuple[AnyCard | None, list[Problem]]:
    """Validate one card's content, as if it were the file ``rel_path`` under docs/."""
    if len(data) > MAX_BYTES:
        return None, [problem(src, 1, "FICHIER_TROP_GROS", taille=len(data), limite=MAX_BYTES)]
    if not data.strip():
        return None, [problem(src, 1, "FICHIER_VIDE")]
    try:
        text = hygiene.normalise(decode(data))
    except UnicodeError as err:
        return None, [_encoding_problem(err, data, src)]
    try:
        parts = split(text)
    except ValueError:
        return None, [problem(src, 1, "ENTETE_NON_FERMEE")]
    if parts is None:
        return None, [problem(src, 1, "ENTETE_ABSENTE")]
    front, front_line, body, body_line = parts

    marked = hygiene.mark(front, front_line)
    try:
        parsed = yamlsafe.read(marked.text, front_line)
    except yamlsafe.YamlProblem as err:
        yaml_problem = problem(src, err.line, err.code, **err.params)  # type: ignore[arg-type]
        return None, sorted([*hygiene.raw_problems(marked, src), yaml_problem])
    if not isinstance(parsed.value, dict):
        return None, sorted(
            [*hygiene.raw_problems(marked, src), problem(src, front_line, "ENTETE_NON_DICTIONNAIRE")]
        )

    # Refused characters first: the values are then left without them (one message each).
    problems = hygiene.check_front(parsed, marked, src) + hygiene.scan_text(body, body_line, src)
    problems += content_checks.scan(parsed, body, body_line, src)
    card_id = PurePosixPath(rel_path).stem
    if not is_slug(card_id):
        problems.append(problem(src, 1, "NOM_FICHIER", nom=PurePosixPath(rel_path).name))

    folder_kind = kind_of(rel_path)
    kind = parsed.value.get("type")
    if not isinstance(kind, str) or kind not in MODELS:
        allowed = ", ".join(k for k in MODELS)
        if kind is None:
            problems.append(
                problem(
                    src,
                    front_line,
                    "CHAMP_MANQUANT",
                    "type",
                    champ="type",
                    description=f"le type de fiche ({allowed}).",
                )
            )
        else:
            problems.append(
                problem(
                    src,
                    parsed.line_of(("type",), front_line),
                    "VOCABULAIRE",
                    "type",
                    valeur=kind,
                    valeurs=allowed,
                )
            )
        return None, problems
    if folder_kind is not None and kind != folder_kind:
        problems.append(
            problem(
                src,
                parsed.line_of(("type",), front_line),
                "TYPE_FICHE",
                "type",
                type=kind,
                dossier=f"docs/{FOLDERS[kind]}/",
            )
        )

    model = MODELS[kind]
    try:
        meta = model.model_validate(parsed.value)
    except ValidationError as err:
        problems.extend(_explain(err, model, parsed, src, front_line))
        return None, problems
    problems = _silenced(problems, meta, parsed, src)
    if any(p.is_error for p in problems):
        return None, problems
    card = Card(card_id, kind, rel_path, src, meta, body, body_line, parsed.lines)
    return card, problems  # warnings only: the card is valid


def _silenced(problems: list[Problem], meta: CardModel, parsed: yamlsafe.Parsed, src: str) -> list[Problem]:
    """The problems left once the card's « ignorer » is applied, and the problems of that
    list itself: only a warning may be silenced, and never without a reason."""
    warnings = sorted(code for code, entry in CATALOGUE.items() if not entry.is_error)
    own = []
    for i, code in enumerate(meta.ignorer):
        if code not in CATALOGUE or CATALOGUE[code].is_error:
            own.append(
                problem(
                    src,
                    parsed.line_of(("ignorer", i), 1),
                    "IGNORER",
                    f"ignorer[{i + 1}]",
                    detail=f"« {code} » n'est pas un avertissement : il ne peut pas être ignoré",
                    conseil="Corrigez ce que le message signale. Avertissements qui peuvent être "
                    "ignorés : " + ", ".join(warnings) + ".",
                )
            )
    if meta.ignorer and not meta.raison:
        own.append(
            problem(
                src,
                parsed.line_of(("ignorer",), 1),
                "IGNORER",
                "ignorer",
                detail="avertissement ignoré sans raison",
                conseil="Ajoutez « raison: » à l'en-tête : pourquoi l'avertissement ne s'applique "
                "pas à cette fiche (la relecture en juge).",
            )
        )
    kept = [p for p in problems if p.is_error or p.code not in meta.ignorer]
    return sorted(kept + own)


# --- Pydantic errors → catalogue -------------------------------------------------------------

_TYPE_NAMES = {
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


def _describe(value: Any) -> str:
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
        current = _inner_model(fld.annotation)
    return current if hasattr(current, "model_fields") else None


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return annotation if isinstance(annotation, type) and issubclass(annotation, Strict) else None


def _explain(
    err: ValidationError, model: type[Strict], parsed: yamlsafe.Parsed, src: str, first: int
) -> list[Problem]:
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
        elif kind in _TYPE_NAMES or (kind == "date_type" and not isinstance(value, str)):
            expected, advice = _TYPE_NAMES[kind]
            problems.append(
                problem(src, line, "TYPE", name, attendu=expected, trouve=_describe(value), conseil=advice)
            )
        else:
            detail, advice = _value_message(kind, ctx, value, loc)
            problems.append(problem(src, line, "VALEUR", name, detail=detail, conseil=advice))
    return problems


def _value_message(kind: str, ctx: dict[str, Any], value: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """French wording for the constraint errors (length, bounds, patterns, custom checks)."""
    if kind == "string_too_long":
        return (
            f"texte trop long ({len(value)} caractères, {ctx['max_length']} au plus)",
            "Raccourcissez-le.",
        )
    if kind == "string_too_short":
        return "texte vide", "Écrivez au moins quelques mots, ou retirez le champ s'il est facultatif."
    if kind == "too_short":
        return (
            f"liste trop courte ({ctx.get('actual_length', 0)} élément(s), {ctx['min_length']} au moins)",
            "Ajoutez les éléments manquants.",
        )
    if kind == "too_long":
        return (
            f"liste trop longue ({ctx.get('actual_length')} éléments, {ctx['max_length']} au plus)",
            "Retirez des éléments.",
        )
    if kind in ("greater_than_equal", "greater_than"):
        return f"la valeur {value} est trop petite", f"Le minimum est {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"la valeur {value} est trop grande", f"Le maximum est {ctx.get('le', ctx.get('lt'))}."
    if kind == "string_pattern_mismatch":
        return _pattern_message(value, loc)
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


def _pattern_message(value: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if last == "insee":
        if isinstance(value, str) and re.fullmatch(r"20[0-9]{3}", value):
            return (
                f"« {value} » ressemble à un code postal corse, pas à un code INSEE",
                "En Corse, le code INSEE commence par 2A ou 2B.",
            )
        return (
            f"« {value} » n'est pas un code INSEE",
            "Le code INSEE (code officiel géographique) a 5 caractères, par exemple "
            "01053 ou 2A004 ; ce n'est pas le code postal.",
        )
    if last == "url":
        return (
            f"« {value} » n'est pas une adresse web",
            "Écrivez une adresse complète, commençant par https://",
        )
    if last in ("debut", "fin"):
        return (f"« {value} » n'est pas une période", "Écrivez une année (2021) ou un mois (2021-03).")
    return (
        f"« {value} » n'est pas un identifiant de fiche",
        "Un identifiant s'écrit en minuscules sans accents, avec des tirets, comme « enquete-collective ».",
    )

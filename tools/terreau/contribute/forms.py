"""Forms that become cards: the forge's issue forms, and the conversion of a submitted form.

One definition per form serves both ways: it generates the GitHub issue form (YAML) and
the GitLab issue template (Markdown), and it reads a submitted issue's text back into a
card. Both forges write a submission as « ### Libellé » headings followed by the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from terreau.contribute import scaffold
from terreau.core import atomic, cardtext
from terreau.core.catalogue import Catalogue
from terreau.core.loader import load_bytes
from terreau.core.vocabulary import vocabulary


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    kind: str  # input, textarea, dropdown, multiple, checkboxes
    description: str = ""
    required: bool = False
    vocab: str = ""  # for dropdowns: the vocabulary of the values
    options: tuple[str, ...] = ()  # for checkboxes


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    description: str
    label: str  # the issue label that tells the workflow to convert the submission
    kind: str  # the kind of card it becomes ("" when the submitter chooses)
    questions: tuple[Question, ...] = field(default_factory=tuple)


CONSENT = Question(
    "accord",
    "Licence et données personnelles",
    "checkboxes",
    required=True,
    options=(
        "J'accepte que ce texte soit publié sous licence CC BY-SA 4.0 (réutilisable par tous, "
        "en citant la source).",
        "Ce texte ne contient ni adresse électronique ni numéro de téléphone de particuliers.",
    ),
)
SOURCES = Question(
    "sources",
    "Sources",
    "textarea",
    "Une source par ligne : « titre ; adresse web ». Compte rendu, article, délibération…",
)

RETOUR = Form(
    "retour",
    "Partager un retour d'expérience",
    "Racontez ce que votre commune, votre association ou votre collectif a fait avec une fiche "
    "de Terreau. Ce formulaire devient une proposition de fiche, relue avant publication.",
    "retour-d-experience",
    "retour",
    (
        Question(
            "titre",
            "Titre",
            "input",
            "Par exemple : « Léaz : premier porte-à-porte des besoins ».",
            required=True,
        ),
        Question(
            "resume", "Résumé", "textarea", "En trois lignes : qui a fait quoi, où et quand.", required=True
        ),
        Question("lieu", "Territoire", "input", "Commune, intercommunalité ou pays.", required=True),
        Question(
            "communes",
            "Communes et codes INSEE",
            "textarea",
            "Une commune par ligne : « nom ; code INSEE » (le code officiel à 5 caractères, "
            "pas le code postal).",
        ),
        Question("debut", "Début", "input", "Année (2021) ou mois (2021-03).", required=True),
        Question("fin", "Fin", "input", "Année ou mois ; laissez vide si la démarche continue."),
        Question("structure", "Structure porteuse", "input", "L'association, la commune…", required=True),
        Question(
            "fiches",
            "Fiches de Terreau utilisées",
            "input",
            "Leurs identifiants, séparés par des virgules (le nom de la page, par exemple "
            "enquete-collective).",
            required=True,
        ),
        Question("marche", "Ce qui a marché", "textarea", "Un point par ligne."),
        Question("difficultes", "Ce qui a coincé", "textarea", "Un point par ligne."),
        Question("adaptations", "Ce que vous avez adapté", "textarea", "Un point par ligne."),
        Question(
            "verification",
            "D'où viennent ces informations ?",
            "dropdown",
            required=True,
            vocab="verification",
        ),
        SOURCES,
        Question("texte", "Récit", "textarea", "Le contexte et le déroulement, en quelques paragraphes."),
        CONSENT,
    ),
)

FICHE = Form(
    "fiche",
    "Proposer une fiche",
    "Proposez une méthode ou un outil que vous avez utilisé. Ce formulaire devient une "
    "proposition de fiche, relue avant publication.",
    "proposition-de-fiche",
    "",
    (
        Question("type", "Type de fiche", "dropdown", required=True, vocab="type"),
        Question("titre", "Titre", "input", required=True),
        Question(
            "resume",
            "Résumé pour les élus",
            "textarea",
            "Trois lignes : ce que c'est, ce que ça coûte, ce que la commune doit fournir.",
            required=True,
        ),
        Question("besoins", "Besoins", "multiple", required=True, vocab="besoins"),
        Question("porteurs", "Qui peut la porter", "multiple", required=True, vocab="porteurs"),
        Question("publics", "Publics", "multiple", required=True, vocab="publics"),
        Question("communes", "Tailles de commune", "multiple", vocab="taille_commune"),
        Question("duree_min", "Durée (minimum)", "input", "Un nombre, par exemple 2.", required=True),
        Question("duree_max", "Durée (maximum)", "input", "Un nombre ; vide si la durée est fixe."),
        Question("unite", "Unité de durée", "dropdown", required=True, vocab="unite_duree"),
        Question("cout", "Coût", "dropdown", required=True, vocab="cout"),
        Question("difficulte", "Difficulté", "dropdown", required=True, vocab="difficulte"),
        Question("maturite", "Maturité", "dropdown", required=True, vocab="maturite"),
        Question(
            "compostabilite",
            "Compostabilité",
            "textarea",
            "Comment l'adapter ou en réutiliser des morceaux ailleurs.",
            required=True,
        ),
        Question("structures", "Structures contributrices", "input", "Séparées par des virgules."),
        SOURCES,
        Question(
            "texte",
            "Texte de la fiche",
            "textarea",
            "Pourquoi c'est utile, ce qu'il faut prévoir, les étapes, les points de vigilance.",
            required=True,
        ),
        CONSENT,
    ),
)

FORMS = {f.name: f for f in (RETOUR, FICHE)}
PROPOSABLE = ("methode", "outil")
NO_ANSWER = {"", "_no response_", "_pas de réponse_", "none"}


# --- generating the forge's forms -------------------------------------------------------


def _choices(q: Question) -> list[str]:
    # A proposed card is a method or a tool; actions need their place in the axis tree, and
    # feedback has its own form.
    return [
        f"{t.id} — {t.libelle}"
        for t in vocabulary(q.vocab).terms.values()
        if not (q.vocab == "type" and t.id not in PROPOSABLE)
    ]


def github_form(form: Form) -> str:
    """The GitHub issue form (.github/ISSUE_TEMPLATE/<name>.yml)."""
    body: list[dict[str, object]] = [{"type": "markdown", "attributes": {"value": form.description}}]
    for q in form.questions:
        attributes: dict[str, object] = {"label": q.label}
        if q.description:
            attributes["description"] = q.description
        if q.kind in ("dropdown", "multiple"):
            attributes["options"] = _choices(q)
            attributes["multiple"] = q.kind == "multiple"
        if q.kind == "checkboxes":
            attributes["options"] = [{"label": o, "required": True} for o in q.options]
        item: dict[str, object] = {
            "type": "dropdown" if q.kind == "multiple" else q.kind,
            "id": q.id,
            "attributes": attributes,
        }
        if q.kind != "checkboxes":
            item["validations"] = {"required": q.required}
        body.append(item)
    data = {
        "name": form.title,
        "description": form.description,
        "title": f"{form.title} : ",
        "labels": [form.label],
        "body": body,
    }
    header = "# Généré par « terreau formulaires » : ne pas modifier à la main.\n"
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def gitlab_template(form: Form) -> str:
    """The GitLab issue template (.gitlab/issue_templates/<name>.md)."""
    lines = [
        "<!-- Généré par « terreau formulaires » : ne pas modifier à la main. -->",
        f"<!-- {form.description} Remplissez sous chaque titre ; gardez les titres. -->",
        "",
    ]
    for q in form.questions:
        lines.append(f"### {q.label}")
        lines.append("")
        hint = q.description
        if q.kind in ("dropdown", "multiple"):
            several = (
                "une ou plusieurs valeurs, séparées par des virgules"
                if q.kind == "multiple"
                else "une valeur"
            )
            hint = f"{hint} Choisissez {several} parmi : " + ", ".join(
                t.id for t in vocabulary(q.vocab).terms.values()
            )
        if q.kind == "checkboxes":
            lines += [f"- [ ] {o}" for o in q.options]
        elif hint:
            lines.append(f"<!-- {hint.strip()} -->")
        lines.append("")
    lines.append(f"/label ~{form.label}")
    return "\n".join(lines) + "\n"


def write_forge_files(root: Path) -> list[Path]:
    written = []
    for form in FORMS.values():
        for path, text in (
            (root / ".github/ISSUE_TEMPLATE" / f"{form.name}.yml", github_form(form)),
            (root / ".gitlab/issue_templates" / f"{form.name}.md", gitlab_template(form)),
        ):
            atomic.write_text(path, text)
            written.append(path)
    return written


# --- reading a submission -----------------------------------------------------------------


class FormError(Exception):
    """A submission that cannot become a card, with French problems to send back."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def answers(form: Form, body: str) -> dict[str, str]:
    """The answer under each « ### Libellé » heading of a submitted issue."""
    by_label = {q.label.casefold(): q.id for q in form.questions}
    found: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    text = re.sub(r"<!--.*?-->", "", body.replace("\r\n", "\n"), flags=re.S)
    for line in [*text.split("\n"), "### "]:
        heading = re.match(r"^###\s+(.*?)\s*$", line)
        if heading:
            if current is not None:
                found[current] = "\n".join(lines).strip()
            current = by_label.get(heading.group(1).casefold())
            lines = []
        elif current is not None:
            lines.append(line)
    return {k: v for k, v in found.items() if v.casefold() not in NO_ANSWER}


def _values(text: str) -> list[str]:
    """« methode — Méthode, outil » → ["methode", "outil"]: the identifiers before the dashes."""
    items = re.split(r"[,\n]", text)
    return [i.split("—")[0].strip() for i in items if i.split("—")[0].strip()]


def _lines(text: str) -> list[str]:
    return [re.sub(r"^[-*]\s+", "", line).strip() for line in text.splitlines() if line.strip()]


def _single(text: str) -> str:
    return " ".join(text.split())


def card_text(form: Form, found: dict[str, str]) -> tuple[str, str]:
    """(kind, Markdown) of the card a submission describes; FormError if it cannot be."""
    problems = [
        f"La réponse « {q.label} » est obligatoire."
        for q in form.questions
        if q.required and q.kind != "checkboxes" and q.id not in found
    ]
    consent = found.get("accord", "")
    if len(re.findall(r"- \[[xX]\]", consent)) < len(CONSENT.options):
        problems.append("Les deux cases « Licence et données personnelles » doivent être cochées.")
    if problems:
        raise FormError(problems)

    kind = form.kind or _values(found["type"])[0]
    if not form.kind and kind not in PROPOSABLE:
        raise FormError(
            [f"Le type « {kind} » ne peut pas être proposé par ce formulaire : choisissez methode ou outil."]
        )
    sources = []
    for line in _lines(found.get("sources", "")):
        title, _, url = line.partition(";")
        source = {"titre": _single(title) or "Source"}
        if url.strip():
            source["url"] = url.strip()
        sources.append(source)
    front: dict[str, Any] = {
        "type": kind,
        "titre": _single(found["titre"]),
        "resume": _single(found["resume"]),
    }
    if kind == "retour":
        communes = []
        for line in _lines(found.get("communes", "")):
            name, _, code = line.partition(";")
            communes.append({"nom": _single(name), "insee": code.strip()})
        periode = {"debut": found["debut"].strip()}
        if found.get("fin"):
            periode["fin"] = found["fin"].strip()
        front |= {
            "lieu": {"nom": _single(found["lieu"]), "communes": communes},
            "periode": periode,
            "structure_porteuse": _single(found["structure"]),
            "fiches": _values(found["fiches"]),
            "ce_qui_a_marche": _lines(found.get("marche", "")),
            "difficultes": _lines(found.get("difficultes", "")),
            "adaptations": _lines(found.get("adaptations", "")),
            "verification": _values(found["verification"])[0],
        }
    else:
        duree: dict[str, Any] = {"min": _number(found["duree_min"])}
        if found.get("duree_max"):
            duree["max"] = _number(found["duree_max"])
        duree["unite"] = _values(found["unite"])[0]
        front |= {
            "besoins": _values(found["besoins"]),
            "porteurs": _values(found["porteurs"]),
            "publics": _values(found["publics"]),
            "communes": _values(found.get("communes", "")),
            "duree": duree,
            "cout": _values(found["cout"])[0],
            "difficulte": _values(found["difficulte"])[0],
            "maturite": _values(found["maturite"])[0],
            "compostabilite": _single(found["compostabilite"]),
            "structures": _values(found.get("structures", "")),
        }
        if kind == "methode":
            front["etapes"] = [{"titre": "Étapes à détailler par la relecture"}]
    front["sources"] = sources
    return kind, cardtext.dump(front, found.get("texte", ""))


def _number(text: str) -> int | str:
    """A whole number as a number; anything else as typed, for the validator to explain."""
    text = text.strip()
    return int(text) if text.isdecimal() and text.isascii() else text


def convert(form: Form, body: str, docs_dir: Path, catalogue: Catalogue) -> Path:
    """Write the card a submission describes; FormError (nothing written) if it is not valid."""
    found = answers(form, body)
    kind, text = card_text(form, found)
    card_id = scaffold.slugify(_single(found["titre"])) or "sans-titre"
    base, n = card_id, 2
    while card_id in catalogue.cards or (docs_dir / scaffold.rel_path(kind, card_id)).exists():
        card_id, n = f"{base}-{n}", n + 1
    rel = scaffold.rel_path(kind, card_id)
    path = docs_dir / rel
    _, problems = load_bytes(text.encode("utf-8"), rel, f"{docs_dir.name}/{rel}")
    problems = [p for p in problems if p.is_error]
    # Line numbers of a card the submitter never saw would not help: say the field instead.
    messages = [f"Champ « {p.field or 'en-tête'} » : {p.message}. {p.hint}" for p in problems]
    for field_name in ("fiches",):
        for ref in _values(found.get(field_name, "")):
            if ref not in catalogue.cards:
                messages.append(
                    f"La fiche « {ref} » n'existe pas dans Terreau : vérifiez son "
                    "identifiant (le nom de sa page)."
                )
    if messages:
        raise FormError(messages)
    atomic.create_text(path, text)
    return path

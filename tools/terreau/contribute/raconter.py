"""The form « Raconter votre expérience » (the site's page raconter.html), described as data.

The questions are in core/data/questions.yml, in the words of the people who answer them. The
rules each answer must follow (required, lengths, patterns, values, list sizes) are read from
the models' JSON Schemas; the messages are the problem catalogue's, the contact-data patterns
are content_checks', the e-mail markers are courriel's: the form checks what ``terreau
valider`` checks, with the same French words, and nothing is written twice.
"""

from __future__ import annotations

import functools
from importlib import resources
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from terreau.contribute import courriel
from terreau.core import communes, content_checks, hygiene, problems, yamlsafe
from terreau.core.models import FOLDERS, MODELS, Strict
from terreau.core.vocabulary import vocabularies, vocabulary

# What the form may propose as a new card (a feedback record has its own form).
IDEA_KINDS = ("methode", "outil", "action")
# The catalogue's messages the form shows, by code.
CODES = (
    "CARACTERE_CONTROLE",
    "CARACTERE_INVISIBLE",
    "CHAMP_MANQUANT",
    "TYPE",
    "VALEUR",
    "VOCABULAIRE",
    "CONTACT_PERSONNEL",
    "TELEPHONE",
)
# Rule names: JSON Schema's, as the form's script reads them.


@functools.cache
def questions() -> dict[str, Any]:
    text = resources.files("terreau.core").joinpath("data/questions.yml").read_text("utf-8")
    loaded: dict[str, Any] = yamlsafe.read(text).value
    return loaded


# Pydantic's constraints (annotated_types and its own metadata) → the rule names the form's
# script reads (JSON Schema's). The models' JSON Schemas lose a text field's constraints when
# the field also accepts a number (an « anyOf »): the rules are read from the models.
_NAMES = (("min_length", "minLength"), ("max_length", "maxLength"), ("pattern", "pattern"))
_BOUNDS = (("ge", "minimum"), ("le", "maximum"))


def _constraints(metadata: Any, is_list: bool = False) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for m in metadata:
        if isinstance(m, FieldInfo):
            rules |= _constraints(m.metadata, is_list)
            continue
        for attr, name in (*_NAMES, *_BOUNDS):
            value = getattr(m, attr, None)
            if value is not None:
                if is_list:
                    name = name.replace("Length", "Items")
                rules[name] = value
    return rules


def _unwrapped(annotation: Any) -> Any:
    """``X | None`` → ``X``."""
    if get_origin(annotation) in (Union, UnionType):
        kept = [a for a in get_args(annotation) if a is not type(None)]
        return kept[0] if len(kept) == 1 else annotation
    return annotation


def _item_rules(annotation: Any) -> dict[str, Any]:
    """A list's items' rules (item_minLength…), or a field's own rules from its annotation."""
    annotation = _unwrapped(annotation)
    if get_origin(annotation) is Annotated:
        return _constraints(get_args(annotation)[1:])
    return {}


def _rules(model: type[Strict], path: str) -> dict[str, Any]:
    """A dotted field's rules, as the model checks them; ``requis`` if it must be there (the
    objects crossed on the way are those the form always writes)."""
    *owners, last = path.split(".")
    for key in owners:
        inner = problems.inner_model(model.model_fields[key].annotation)
        assert inner is not None, path
        model = inner
    info = model.model_fields[last]
    annotation = _unwrapped(info.annotation)
    is_list = get_origin(annotation) is list
    rules = _constraints(info.metadata, is_list)
    if is_list:
        rules |= {f"item_{k}": v for k, v in _item_rules(get_args(annotation)[0]).items()}
    else:
        rules |= _item_rules(annotation)
    if info.is_required():
        rules["requis"] = True
    if "pattern" in rules:
        rules["motif"] = problems.pattern_kind("", tuple(path.split(".")))
    vocab = _vocabulary_of(path)
    if vocab is not None:
        rules["valeurs"] = list(vocabulary(vocab).terms)
    return rules


def _choices(name: str) -> list[list[str]]:
    return [[t, vocabulary(name).label(t)] for t in vocabulary(name).terms]


def _vocabulary_of(field: str) -> str | None:
    """The vocabulary a field's values belong to (its name, or duree.unite → unite_duree)."""
    name = {"duree.unite": "unite_duree"}.get(field, field)
    return name if name in vocabularies() else None


def _description(model: type[Strict], path: str) -> str:
    *owners, last = path.split(".")
    for key in owners:
        model = problems.inner_model(model.model_fields[key].annotation) or model
    return model.model_fields[last].description or ""


def describe(form: str) -> dict[str, Any]:
    """One form: its title, fixed values and questions, each with the model's rules."""
    spec = questions()[form]
    fields = []
    for q in spec["champs"]:
        path = q["champ"]
        kinds = q.get("types") or ([spec["modele"]] if "modele" in spec else list(IDEA_KINDS))
        entry = {
            "champ": path,
            "question": q["question"],
            "aide": q.get("aide", ""),
            "forme": q.get("forme", "texte"),
            "types": kinds,
            "regles": {},
        }
        model = MODELS[kinds[0]]
        if path == "corps":
            pass  # the card's text: free, checked for contact data only
        elif path == "placement":  # one choice, three fields: axe, orientation, objectif
            entry["regles"] = {"requis": True}
        elif path == "type":
            entry["regles"] = {"requis": True, "valeurs": list(IDEA_KINDS)}
            entry["choix"] = [[k, vocabulary("type").label(k)] for k in IDEA_KINDS]
        else:
            entry["regles"] = _rules(model, path)
            owner, _, last = path.rpartition(".")
            entry["description"] = _description(model, path)
            if path == "etapes":  # one line, one step: its title
                entry["regles"] |= {f"item_{k}": v for k, v in _rules(model, "etapes.titre").items()}
            if path == "sources":
                entry["sous_champs"] = {sub: _rules(model, f"sources.{sub}") for sub in ("titre", "url")}
            vocab = _vocabulary_of(path)
            if vocab is not None:
                entry["choix"] = _choices(vocab)
        fields.append(entry)
    return {
        "id": form,
        "titre": spec["titre"],
        "fixe": spec.get("fixe", {}),
        "modele": spec.get("modele", ""),
        "champs": fields,
    }


def data(contact: str, forge_new_file: str, docs: str) -> dict[str, Any]:
    """What the form's script needs, besides the questions: messages, patterns, markers,
    where each kind of card goes, and the ways to send it."""
    catalogue = problems.CATALOGUE
    return {
        "formes": {name: describe(name) for name in questions()},
        "messages": {code: [catalogue[code].message, catalogue[code].hint] for code in CODES},
        "limites": problems.LIMITS,
        "motifs": problems.PATTERNS,
        "entier": problems.TYPE_NAMES["int_parsing"],
        "texte": problems.describe("{texte}"),
        "courriel": content_checks.EMAIL_PATTERN,
        "telephone": content_checks.PHONE_PATTERN,
        "pas_apres": content_checks.PHONE_NOT_AFTER,
        # What the loader refuses (hygiene.py): controls (tab and line break aside), bidirectional
        # and invisible characters; the text of the card allows the joiners and the soft hyphen.
        "controles": sorted(hygiene.CONTROL - {hygiene.TAB, hygiene.LF}),
        "invisibles": sorted(hygiene.BIDI | hygiene.INVISIBLE),
        "invisibles_corps": sorted(hygiene.BIDI | (hygiene.INVISIBLE - hygiene.BODY_INVISIBLE)),
        "noms": {f"{code:04X}": name for code, name in hygiene.NAMES.items()},
        "debut": courriel.BEGIN,
        "fin": courriel.END,
        "dossiers": {kind: FOLDERS[kind] for kind in (*IDEA_KINDS, "retour")},
        "docs": docs,
        "contact": contact,
        "forge": forge_new_file,
        "annee_population": communes.header()["annee"],
    }

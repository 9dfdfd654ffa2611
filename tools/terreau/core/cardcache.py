"""Cards already checked, kept by the hash of their bytes: a build after a one-card change
reads and checks one card, not all of them.

Checking a card (its YAML read line by line, its characters, contact data, legal references)
costs about 2 ms; at 5,000 cards that is most of the catalogue's time. What a card becomes
depends only on its bytes, its path and Terreau's own code and data (vocabularies, communes),
so the key is a hash of those. Two levels:

- in memory, for the life of the process: ``mkdocs serve`` rebuilds in the same process at
  every save, and gets the same card objects back;
- on disk (``cartes.json`` in the build's cache folder): the front matter as read (plain
  values, never code: the file is JSON, not pickle) is validated again by the model, which
  is cheap (0.1 ms); the body, its line numbers and the warnings come back as they were.

Only valid cards are kept (a card with an error is checked again next time: its problems are
what the contributor needs to see, with the checker's current words). A cache that cannot be
read is ignored, never trusted in part.
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pydantic
import yaml

from terreau.core import atomic
from terreau.core.loader import MODELS, AnyCard, Card
from terreau.core.problems import Problem

FILE = "cartes.json"
# The file is rewritten once this many cards are not in it (a preview saves one card at a
# time: rewriting 5,000 cards at each save took 1.9 s); the others are checked again.
REWRITE_AFTER = 50
# key → the card, its warnings and its front matter as read (to store it on disk again).
_MEMORY: dict[str, tuple[AnyCard, list[Problem], dict[str, Any]]] = {}
_ON_DISK: dict[Path, set[str]] = {}  # the keys a cache file holds, as this process knows it


@cache
def fingerprint() -> str:
    """What a card's reading depends on besides its bytes: Terreau's core (its code and data)
    and the versions of Python, Pydantic and PyYAML."""
    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|{yaml.__version__}".encode())
    core = Path(__file__).parent
    for path in sorted(core.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(core).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(data: bytes, rel_path: str, src: str) -> str:
    digest = hashlib.sha256(f"{fingerprint()}\0{rel_path}\0{src}\0".encode())
    digest.update(data)
    return digest.hexdigest()


class CardCache:
    """The cards of the previous builds; ``save`` keeps those of this one only."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / FILE if folder is not None else None
        self.stored: dict[str, Any] | None = None  # read at the first card not in memory
        self.used: dict[str, tuple[AnyCard, list[Problem], dict[str, Any]]] = {}

    def _disk(self) -> dict[str, Any]:
        if self.stored is None:
            self.stored = {}
            if self.path is not None and self.path.is_file():
                try:
                    stored = json.loads(self.path.read_bytes())
                except (OSError, ValueError):
                    stored = None
                if isinstance(stored, dict) and stored.get("empreinte") == fingerprint():
                    cards = stored.get("fiches")
                    self.stored = cards if isinstance(cards, dict) else {}
                _ON_DISK[self.path] = set(self.stored)
        return self.stored

    def get(self, card_key: str) -> tuple[AnyCard, list[Problem]] | None:
        found = _MEMORY.get(card_key)
        on_disk = _ON_DISK.get(self.path) if self.path is not None and self.stored is None else None
        if found is None and (on_disk is None or card_key in on_disk) and card_key in self._disk():
            entry = self._disk()[card_key]
            revived = _revived(entry)
            if revived is not None:
                found = _MEMORY[card_key] = (*revived, entry["entete"])
        if found is None:
            return None
        self.used[card_key] = found
        return found[0], found[1]

    def put(self, card_key: str, card: AnyCard, problems: list[Problem], raw: dict[str, Any]) -> None:
        _MEMORY[card_key] = self.used[card_key] = (card, problems, raw)

    def save(self) -> None:
        """Write the cards of this build (atomically); entries of cards gone are dropped."""
        if self.path is None:
            return
        on_disk = _ON_DISK.get(self.path)
        if on_disk is not None and len(self.used.keys() - on_disk) < REWRITE_AFTER:
            return  # a few cards checked again next time cost less than rewriting them all
        cards = {k: _frozen(card, problems, raw) for k, (card, problems, raw) in self.used.items()}
        data = json.dumps({"empreinte": fingerprint(), "fiches": cards}, ensure_ascii=False)
        try:
            atomic.write_text(self.path, data)
        except OSError:  # a read-only cache folder: the next build checks every card again
            return
        _ON_DISK[self.path] = set(self.used)


def _frozen(card: AnyCard, problems: list[Problem], raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": card.kind,
        "entete": raw,
        "corps": card.body,
        "ligne_corps": card.body_line,
        "lignes": [[list(path), line] for path, line in card.lines.items()],
        "problemes": [[p.line, p.code, p.field, [list(kv) for kv in p.params]] for p in problems],
        "id": card.id,
        "chemin": card.rel_path,
        "source": card.src,
    }


def _revived(entry: Any) -> tuple[AnyCard, list[Problem]] | None:
    """A card from its stored form, its front matter validated again; None if anything is off."""
    try:
        model = MODELS[entry["type"]]
        meta = model.model_validate(entry["entete"])
        lines = {tuple(path): int(line) for path, line in entry["lignes"]}
        problems = [
            Problem(entry["source"], int(line), code, field, tuple((str(k), str(v)) for k, v in params))
            for line, code, field, params in entry["problemes"]
        ]
        card = Card(
            entry["id"],
            entry["type"],
            entry["chemin"],
            entry["source"],
            meta,
            str(entry["corps"]),
            int(entry["ligne_corps"]),
            lines,
        )
    except (KeyError, TypeError, ValueError, pydantic.ValidationError):
        return None
    return card, problems

"""French words of a text as search and comparison see them: folded, split, stop words known."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

_WORD = re.compile(r"[^\W_]+")


@cache
def stop_words() -> frozenset[str]:
    text = resources.files("terreau.core").joinpath("data/mots-vides.txt").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return frozenset(" ".join(lines).split())


def fold(text: str) -> str:
    """Remove accents and open ligatures: « Œuvre élue » → « oeuvre elue »."""
    text = text.replace("œ", "oe").replace("æ", "ae").replace("Œ", "OE").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Split text into lower-case words, as assets/moteur.js does."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())

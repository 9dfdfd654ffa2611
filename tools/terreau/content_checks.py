"""Checks on what a card says, beyond its schema: no personal contact data, no external image."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from terreau import yamlsafe
from terreau.errors import Problem, field_name, problem

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_PHONE = re.compile(r"(?<![\d/=.])(?:\+33[\s.]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_EXTERNAL_IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*<?\s*((?:[a-z][a-z0-9+.-]*:)?//[^)\s>]+)"
    r"|<img\b[^>]*?\bsrc\s*=\s*[\"']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)


def _strings(value: Any, path: yamlsafe.Path = ()) -> Iterator[tuple[yamlsafe.Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


def _contact(text: str) -> str | None:
    found = _EMAIL.search(text) or _PHONE.search(text)
    return found.group(0) if found else None


def scan(parsed: yamlsafe.Parsed, body: str, body_line: int, src: str) -> list[Problem]:
    """Problems in the front matter values and the Markdown body, each at its own line."""
    problems = []
    for path, text in _strings(parsed.value):
        found = _contact(text)
        if found:
            line = parsed.line_of(path, 1)
            problems.append(problem(src, line, "CONTACT_PERSONNEL", field_name(path), valeur=found))
    for offset, text in enumerate(body.split("\n")):
        found = _contact(text)
        if found:
            problems.append(problem(src, body_line + offset, "CONTACT_PERSONNEL", valeur=found))
        for match in _EXTERNAL_IMAGE.finditer(text):
            url = match.group(1) or match.group(2)
            problems.append(problem(src, body_line + offset, "IMAGE_EXTERNE", url=url))
    return problems

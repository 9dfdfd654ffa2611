"""What a reader sees of the text itself, on screen and on paper: quotes that close where they
should and paragraphs without a line broken in the middle of a sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))
# A line that starts one of these is not prose (list, quote, table, heading, HTML, numbered step).
NOT_PROSE = ("-", "*", "|", ">", "#", "<", "!", "```")


def _id(path: Path) -> str:
    return path.relative_to(ROOT / "docs").as_posix()


def nested_quote(text: str) -> int | None:
    """The line of the first « opened inside another « (French typography wants “ ” inside « »)."""
    depth = 0
    for match in re.finditer("[«»]", text):
        depth = depth + 1 if match.group() == "«" else max(0, depth - 1)
        if depth > 1:
            return text.count("\n", 0, match.start()) + 1
    return None


def broken_lines(text: str) -> list[str]:
    """Lines cut short in the middle of a prose paragraph: a line under 40 % of the paragraph's
    longest, followed by one that goes on in lower case (« gérant. D'autres » / « montages… »)."""
    body = text.split("\n---\n", 1)[-1]
    body = re.sub(r"```.*?```", "", body, flags=re.S)
    found = []
    for paragraph in re.split(r"\n\s*\n", body):
        lines = paragraph.split("\n")
        if len(lines) < 3 or any(
            line.lstrip().startswith(NOT_PROSE) or re.match(r"\s*\d+\.", line) for line in lines
        ):
            continue
        longest = max(len(line) for line in lines)
        found += [
            a for a, b in zip(lines, lines[1:], strict=False) if len(a) < 0.4 * longest and b[:1].islower()
        ]
    return found


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_no_quote_opens_inside_another(path: Path) -> None:
    line = nested_quote(path.read_text("utf-8"))
    assert line is None, f"{_id(path)}, ligne {line} : « » dans « » (utiliser “ ” à l'intérieur)"


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_no_line_broken_in_the_middle_of_a_sentence(path: Path) -> None:
    assert broken_lines(path.read_text("utf-8")) == [], _id(path)


def test_the_checks_catch_what_the_issue_found() -> None:
    assert nested_quote("« Criez « Stop ! » »") == 1
    assert nested_quote("« Criez “Stop !” »\n« Bien. »") is None
    text = (
        "---\ntitre: x\n---\n\nLa commune achète ou rénove les murs et les loue à un\n"
        "gérant. D'autres\nmontages existent : une association d'habitants.\n"
    )
    assert broken_lines(text) == ["gérant. D'autres"]


def test_no_question_invites_naming_someone_else() -> None:
    """An interview must not collect data about third parties (the commons' own consent note):
    a question asks about situations, never « who » is fragile or isolated."""
    pattern = re.compile(r"\bqui (est|sont) (isolée?s?|fragiles?|seule?s?)\b[^.?\n]*\?", re.I)
    found = [f"{_id(p)} : {m.group()}" for p in PAGES for m in pattern.finditer(p.read_text("utf-8"))]
    assert found == []

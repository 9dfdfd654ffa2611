"""Work split over two processes gives the very results of one process, errors included."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from terreau.cli import main
from terreau.core import parallel
from terreau.core.catalogue import build

sys.path.insert(0, str(ROOT / "scripts"))
from generer_corpus import generate  # noqa: E402

PARENT = os.getpid()


def square_unless_in_child(n: int) -> int:
    if os.getpid() != PARENT and n == 900:
        raise RuntimeError("a child that fails")
    return n * n


@pytest.fixture(autouse=True)
def forking(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Fork here even if the browser tests left a thread running (asyncio's child watcher):
    the children of these tests only compute."""
    assert sys.platform.startswith("linux")
    monkeypatch.setattr(parallel, "can_fork", lambda: True)


def test_halves_come_back_in_order() -> None:
    assert parallel.map_halves(abs, list(range(-600, 600))) == [abs(n) for n in range(-600, 600)]


def test_a_failing_child_leaves_its_half_to_the_parent() -> None:
    assert parallel.map_halves(square_unless_in_child, list(range(1000))) == [n * n for n in range(1000)]


@pytest.fixture(scope="module")
def large_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("grand") / "docs"
    generate(docs, 700, 60, 3)
    # Broken cards in both halves of the (sorted) file list.
    (docs / "actions/action-00000-casse.md").write_text("---\ntitre: [\n---\nTexte.\n", "utf-8")
    (docs / "retours/retour-zzz-casse.md").write_text("---\ntype: retour\n---\nTexte.\n", "utf-8")
    return docs


def test_a_large_tree_loads_in_two_processes_as_in_one(large_tree: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    split = build(large_tree)
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    single = build(large_tree)
    assert list(split.cards) == list(single.cards) and len(split.cards) > 600
    assert [c.meta for c in split.cards.values()] == [c.meta for c in single.cards.values()]
    assert split.problems == single.problems
    shown = {p.path.rsplit("/", 1)[-1] for p in split.problems}
    assert {"action-00000-casse.md", "retour-zzz-casse.md"} <= shown


def test_the_validator_reports_both_halves(large_tree: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["valider", "--docs", str(large_tree)]) != 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert "action-00000-casse.md:2: YAML_CROCHET" in text and "retour-zzz-casse.md:" in text

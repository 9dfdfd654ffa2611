"""The cards a build checked are kept by the hash of their bytes (core/cardcache.py): the next
build gives exactly what checking every card again gives, and never trusts a cache it cannot
read or a stored card the models refuse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from terreau.core import cardcache
from terreau.core.catalogue import build


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    return docs


def _fresh(docs: Path):  # type: ignore[no-untyped-def]
    return build(docs, review=False)


def _cached(docs: Path, cache: Path, memory: bool = False):  # type: ignore[no-untyped-def]
    if not memory:  # another process: only the disk
        cardcache._MEMORY.clear()
        cardcache._ON_DISK.clear()
    return build(docs, review=False, cache_dir=cache)


def test_a_cached_catalogue_equals_a_checked_one_after_each_change(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cardcache, "REWRITE_AFTER", 1)  # the file rewritten for one new card
    cache = tmp_path / "cache"
    first = _cached(corpus, cache)
    assert (cache / cardcache.FILE).is_file()
    for memory in (False, True):
        again = _cached(corpus, cache, memory)
        assert again.cards == first.cards and again.problems == first.problems
    # An edited card is read again; a new one is checked; a broken one says its error.
    card = corpus / "methodes" / "enquete-collective.md"
    card.write_text(card.read_text("utf-8").replace("titre:", "titre: Enquête modifiée —", 1), "utf-8")
    added = corpus / "outils" / "outil-copie.md"
    added.write_text((corpus / "outils" / "appel-a-volontaires.md").read_text("utf-8"), "utf-8")
    broken = corpus / "outils" / "fiche-cassee.md"
    broken.write_text("---\ntype: outil\ntitre: [\n---\nTexte\n", "utf-8")
    for memory in (False, True):
        cached, checked = _cached(corpus, cache, memory), _fresh(corpus)
        assert cached.cards == checked.cards
        assert cached.problems == checked.problems
        assert cached.cards["enquete-collective"].meta.titre.startswith("Enquête modifiée")
        assert "outil-copie" in cached.cards
        assert any(p.path.endswith("fiche-cassee.md") and p.is_error for p in cached.problems)
    # A deleted card leaves the cache when the file is next written (here: another edit).
    added.unlink()
    card.write_text(card.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    _cached(corpus, cache)
    stored = json.loads((cache / cardcache.FILE).read_text("utf-8"))["fiches"]
    assert not any(entry["chemin"] == "outils/outil-copie.md" for entry in stored.values())


def test_a_damaged_or_tampered_cache_is_never_trusted(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _cached(corpus, cache)
    path = cache / cardcache.FILE
    stored = json.loads(path.read_text("utf-8"))
    # A stored card changed behind the build's back (a source address turned into a script):
    # the model refuses it, and the card is checked again from its file.
    entry = next(e for e in stored["fiches"].values() if e["chemin"] == "methodes/enquete-collective.md")
    entry["entete"]["sources"][0]["url"] = "javascript:alert(1)"
    path.write_text(json.dumps(stored), "utf-8")
    again = _cached(corpus, cache)
    assert again.cards == expected.cards and again.problems == expected.problems
    # A truncated file, or one written by another version of Terreau, is ignored.
    for damaged in (path.read_text("utf-8")[:1000], json.dumps({**stored, "empreinte": "autre"})):
        path.write_text(damaged, "utf-8")
        again = _cached(corpus, cache)
        assert again.cards == expected.cards and again.problems == expected.problems

"""What is made from the catalogue alone, beside the pages: search data, open-data exports,
and each card's header and footer (facts, links, evidence, printed QR codes).

None depends on a page's rendered text. Where the system can fork safely (Linux, one
thread), a child process makes them while MkDocs renders the pages in the parent: the build
uses a second processor core, and the memory the search index takes while it is built is
given back when the child ends. Pages carry marks where the header and footer go; they are
put in place as each page is written. Elsewhere (or if the child fails) everything is made
in the build's own process, with the same bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from terreau import export, finder, parallel
from terreau.catalogue import Catalogue
from terreau.loader import Card
from terreau.render import Renderer

SEARCH = "assets/terreau/recherche"
DATA = "donnees"


def write(catalogue: Catalogue, site: Path) -> list[str]:
    """Write the finder's data and the exports under ``site``; their paths, sorted."""
    shutil.rmtree(site / SEARCH, ignore_errors=True)  # no shard left over from a bigger index
    finder.write(catalogue, site / SEARCH)
    export.write(catalogue, site / DATA)
    made = [*(site / SEARCH).rglob("*"), *(site / DATA).rglob("*")]
    return sorted(p.relative_to(site).as_posix() for p in made if p.is_file())


class Writer:
    """Makes the derived files and the cards' parts now (in a child process where it can),
    for ``wait`` and ``parts`` later."""

    def __init__(
        self,
        catalogue: Catalogue,
        site: Path,
        renderer: Renderer,
        done: Callable[[list[str]], None],
    ) -> None:
        """``done`` is told the files' paths as soon as they are written (by the child)."""
        self.catalogue = catalogue
        self.site = site
        self.renderer = renderer
        self.done = done
        self.folder = Path(tempfile.mkdtemp(prefix="terreau-parties-"))
        self.child: Any = None
        if parallel.can_fork():  # the child gets the catalogue without copying it
            self.child = multiprocessing.get_context("fork").Process(target=self._child, daemon=True)
            self.child.start()
        else:
            self._make()

    def _make(self) -> None:
        for card in self.catalogue.cards.values():
            (self.folder / f"{card.id}.entete.html").write_text(self.renderer.header(card), "utf-8")
            (self.folder / f"{card.id}.pied.html").write_text(self.renderer.footer(card), "utf-8")
        self.done(write(self.catalogue, self.site))

    def _child(self) -> None:
        if hasattr(os, "nice"):
            os.nice(10)  # yield the processor to the pages, the longer task, when both want it
        self._make()

    def wait(self) -> None:
        """Wait for the child; if it failed, make everything here, where an error stops the
        build with its message."""
        if self.child is None:
            return
        self.child.join()
        failed = self.child.exitcode != 0
        self.child = None
        if failed:
            self._make()

    def parts(self, card: Card) -> tuple[str, str]:
        """A card's header and footer (after ``wait``)."""
        header = (self.folder / f"{card.id}.entete.html").read_text("utf-8")
        return header, (self.folder / f"{card.id}.pied.html").read_text("utf-8")

    def close(self) -> None:
        if self.child is not None:
            self.child.terminate()
            self.child.join()
            self.child = None
        shutil.rmtree(self.folder, ignore_errors=True)

"""Files made from the whole catalogue (search data, open-data exports), beside the pages.

They depend on the catalogue only, not on any page. Where the system can fork safely (Linux,
one thread), a child process writes them straight into the site folder while MkDocs renders
the pages in the parent: the build uses a second processor core, and the memory the search
index takes while it is built is given back when the child ends. Elsewhere (or if the child
fails) they are written in the build's own process, with the same bytes.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

from terreau import export, finder
from terreau.catalogue import Catalogue

SEARCH = "assets/terreau/recherche"
DATA = "donnees"


def write(catalogue: Catalogue, site: Path) -> None:
    """Write the finder's data and the exports under ``site``."""
    shutil.rmtree(site / SEARCH, ignore_errors=True)  # no shard left over from a bigger index
    finder.write(catalogue, site / SEARCH)
    export.write(catalogue, site / DATA)


class Writer:
    """``write``, started now and awaited later (``wait``) before anything reads the files."""

    def __init__(self, catalogue: Catalogue, site: Path) -> None:
        self.catalogue = catalogue
        self.site = site
        self.child: Any = None
        if sys.platform.startswith("linux") and threading.active_count() == 1:
            # fork: the child gets the catalogue without copying it; not with threads
            # running (mkdocs serve), where forking can deadlock.
            self.child = multiprocessing.get_context("fork").Process(
                target=write, args=(catalogue, site), daemon=True
            )
            self.child.start()
        else:
            write(catalogue, site)

    def wait(self) -> None:
        if self.child is None:
            return
        self.child.join()
        failed = self.child.exitcode != 0
        self.child = None
        if failed:  # write them here, where an error stops the build with its message
            write(self.catalogue, self.site)

    def cancel(self) -> None:
        if self.child is not None:
            self.child.terminate()
            self.child.join()
            self.child = None

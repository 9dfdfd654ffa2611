"""The last wall before publication: the built site holds only the files the build made."""

from __future__ import annotations

import os
import stat
from pathlib import Path

UNEXPECTED = " : fichier inattendu"  # the line's end for a file no step announced


def unexpected(site_dir: Path, expected: set[str]) -> list[str]:
    """Files of ``site_dir`` that no step of the build announced, and anything that is not a
    regular file (a link, a FIFO): French lines, sorted; empty when the site is clean."""
    found = []
    for folder, dirs, files in os.walk(site_dir):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            rel = path.relative_to(site_dir).as_posix()
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                found.append(f"{rel} : lien symbolique")
                dirs[:] = [d for d in dirs if d != name]
            elif stat.S_ISDIR(mode):
                continue
            elif not stat.S_ISREG(mode):
                found.append(f"{rel} : fichier spécial")
            elif rel not in expected:
                found.append(rel + UNEXPECTED)
    return sorted(found)

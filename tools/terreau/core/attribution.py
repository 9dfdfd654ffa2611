"""Who wrote what: contributors and last change of every file, from the Git history.

One pass over the log (not one git call per file), newest commit first, following renames
so that a card keeps its history when its file is renamed. Author names go through the
repository's .mailmap; co-authors come from « Co-authored-by: » trailers. E-mail
addresses are read to merge identities, never kept. A shallow clone has a partial history:
that is reported, not fatal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import git

_COMMIT = "\x1e"
_FIELD = "\x1f"
_TRAILER = re.compile(r"^co-authored-by:\s*(.+?)\s*<([^>]*)>\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass
class FileHistory:
    """The contributors of one file (in order of first contribution) and its last change."""

    contributors: list[str] = field(default_factory=list)
    last_change: dt.date | None = None
    commits: int = 0


@dataclass
class History:
    files: dict[str, FileHistory] = field(default_factory=dict)
    shallow: bool = False
    available: bool = True  # False outside a Git repository

    def of(self, path: str) -> FileHistory:
        return self.files.get(path, FileHistory())


def _parse(log: str) -> Iterable[tuple[str, str, int, str, list[str]]]:
    """(author name, author e-mail, commit time, message, name-status lines) per commit."""
    for chunk in log.split(_COMMIT)[1:]:
        head, _, changes = chunk.partition(_FIELD + "\n")
        name, email, when, message = head.split(_FIELD, 3)
        yield name, email, int(when), message, [line for line in changes.splitlines() if line]


def read(repo_dir: Path, under: str = "") -> History:
    """The history of every file under ``under`` (a path relative to the repository root)."""
    try:
        repo = git.Repo(repo_dir, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return History(available=False)
    if not repo.head.is_valid():
        return History(available=False)
    fmt = f"{_COMMIT}%aN{_FIELD}%aE{_FIELD}%ct{_FIELD}%B{_FIELD}"
    args = ["--no-merges", "--name-status", "-M", f"--format={fmt}", "--use-mailmap"]
    if under:
        args += ["--", under]
    log = repo.git.log(*args)
    shallow = repo.git.rev_parse("--is-shallow-repository").strip() == "true"

    commits = list(_parse(log))
    # Co-authors are mapped through .mailmap too, in one call.
    co_authors = sorted({f"{n} <{e}>" for *_, m, _ in commits for n, e in _TRAILER.findall(m)})
    mapped: dict[str, str] = {}
    if co_authors:
        out = repo.git.check_mailmap(*co_authors).splitlines()
        mapped = {raw: line.rsplit(" <", 1)[0] for raw, line in zip(co_authors, out, strict=True)}

    history = History(shallow=shallow)
    renamed: dict[str, str] = {}  # a former path → the path it has today
    newest_first: dict[str, list[str]] = {}
    for name, _email, when, message, changes in commits:
        people = [name] + [mapped.get(f"{n} <{e}>", n) for n, e in _TRAILER.findall(message)]
        for line in changes:
            parts = line.split("\t")
            status = parts[0]
            path = parts[-1]
            current = renamed.get(path, path)
            if status.startswith("R") and len(parts) == 3:
                renamed[parts[1]] = current
            if status.startswith("D"):
                continue
            entry = history.files.setdefault(current, FileHistory())
            entry.commits += 1
            if entry.last_change is None:
                entry.last_change = dt.datetime.fromtimestamp(when, dt.UTC).date()
            newest_first.setdefault(current, []).extend(people)
    for path, people in newest_first.items():
        # Oldest contributor first: who started the card, then who improved it.
        history.files[path].contributors = list(dict.fromkeys(reversed(people)))
    return history


def docs_prefix(repo_dir: Path, docs_dir: Path) -> str:
    """The docs folder as a path relative to the repository root ("docs/")."""
    try:
        root = Path(git.Repo(repo_dir, search_parent_directories=True).working_tree_dir or "")
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return ""
    try:
        return docs_dir.resolve().relative_to(root.resolve()).as_posix() + "/"
    except ValueError:
        return ""

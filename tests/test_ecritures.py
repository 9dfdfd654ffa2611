"""Writes are whole or absent, the build's date has one source, changed files are spotted by content."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from terreau.core import atomic, builddate
from terreau.site import archive


@pytest.mark.parametrize("where", ["pendant l'écriture", "avant le remplacement"])
def test_an_interrupted_write_leaves_the_old_file_whole(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.json"
    atomic.write_text(target, "ancien")
    real_fdopen = os.fdopen

    class HalfWritten:  # writes half of what it is given, then Ctrl+C
        def __init__(self, fd: int, mode: str) -> None:
            self.file = real_fdopen(fd, mode)

        def __enter__(self) -> HalfWritten:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> None:
            self.file.write(data[: len(data) // 2])
            raise KeyboardInterrupt

    def stop(*args: object) -> None:
        raise KeyboardInterrupt

    if where == "pendant l'écriture":
        monkeypatch.setattr(atomic.os, "fdopen", HalfWritten)
    else:
        monkeypatch.setattr(atomic.os, "replace", stop)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_text(target, "nouveau contenu, plus long")
    assert target.read_text("utf-8") == "ancien"
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]  # no temporary file left


def test_create_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "fiche.md"
    atomic.create_text(target, "premier")
    with pytest.raises(FileExistsError):
        atomic.create_text(target, "second")
    assert target.read_text("utf-8") == "premier"
    assert [p.name for p in tmp_path.iterdir()] == ["fiche.md"]


def test_build_date_outside_git_is_today_as_the_log_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    day, origin = builddate.pin(tmp_path)
    assert (day, origin) == (dt.datetime.now(dt.UTC).date(), builddate.FROM_CLOCK)
    assert dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.UTC).date() == day
    assert builddate.months_before(day, 24).year == day.year - 2  # not 1968


def test_build_date_comes_from_the_last_commit_then_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    env = {
        **os.environ,
        "GIT_COMMITTER_DATE": "2024-03-15T12:00:00Z",
        "GIT_AUTHOR_DATE": "2024-03-15T12:00:00Z",
    }
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        ["git", "-C", str(tmp_path), "-c", "user.name=T", "-c", "user.email=t@invalid", "commit", "-q",
         "--allow-empty", "-m", "x"],
        check=True,
        env=env,
    )  # fmt: skip
    assert builddate.pin(tmp_path) == (dt.date(2024, 3, 15), builddate.FROM_GIT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert builddate.pin(tmp_path) == (dt.date(1970, 1, 1), builddate.FROM_ENVIRONMENT)


def test_the_archive_spots_a_file_rewritten_to_the_same_size(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>un</p>", "utf-8")
    (tmp_path / "b.html").write_text("<p>deux</p>", "utf-8")
    read = archive.zip_files(tmp_path, iter(["a.html", "b.html"]))
    assert archive.changed_since(tmp_path, read) == []
    (tmp_path / "a.html").write_text("<p>UN</p>", "utf-8")  # same size, other content
    assert archive.changed_since(tmp_path, read) == ["a.html"]
    assert not (tmp_path / archive.PARTIAL).exists()


def test_the_archive_process_ends_cleanly_when_its_input_closes_late(tmp_path: Path) -> None:
    """The build names its files, the end mark, then closes the archiving process's input;
    the process must neither die on its way out while its reader waits on that input (CI
    once saw Python abort: « could not acquire lock for <stdin> at interpreter shutdown »)
    nor leave before the zip is whole."""
    site = tmp_path / "site"
    site.mkdir()
    for i in range(3):
        (site / f"page-{i}.html").write_text(f"<p>{i}</p>", "utf-8")
    for attempt in range(5):
        process = subprocess.Popen(
            [sys.executable, "-m", "terreau.site.archive", str(site)], stdin=subprocess.PIPE, bufsize=0
        )
        assert process.stdin is not None
        process.stdin.write(archive.job(True, []).encode() + b"\0")  # what to write, then names
        process.stdin.write(b"".join(f"page-{i}.html".encode() + b"\0" for i in range(3)) + b"\0")
        time.sleep(0.5 + 0.2 * attempt)  # the build does other things before it closes the pipe
        process.stdin.close()
        assert process.wait(timeout=60) == 0, attempt
        with zipfile.ZipFile(site / archive.NAME) as z:
            assert len(z.namelist()) == 3

"""Card pages already rendered, kept on disk by the hash of what their rendering reads: a build
after a one-card change turns one card's Markdown into HTML, not 5,000.

Turning a card's Markdown into HTML (MkDocs and Python-Markdown), then making it inert and
linking its glossary words (SiteBuild.content), is most of a page's cost. Its result depends
only on: the card's Markdown, its place in the site, the list of the site's pages and images
(MkDocs rewrites links to them), the Markdown settings of mkdocs.yml, and the code of Terreau,
MkDocs and Python-Markdown. The key hashes all of them; an entry holds what MkDocs' rendering
sets on the page (text, table of contents, anchors, links to anchors) and what Terreau made of
the text. A page whose rendering logged a warning is never kept (the next build says it
again). One small JSON file per page (a one-card change writes one file), written whole
(core/atomic.py); a file that cannot be read is ignored.

The cache is trusted like the PDF cache beside it: it must live where only the build writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.commands.build import _populate_page  # MkDocs 1.6's steps for one page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from terreau.core import atomic, parallel

FOLDER = "pages"
MIN_CARDS = 300  # below, a second process costs more than it saves
PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material")


@cache
def _code() -> str:
    """Terreau's code and data, and the versions of what renders Markdown."""
    digest = hashlib.sha256()
    for name in PACKAGES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    package = Path(__file__).parents[2]  # tools/terreau
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Warnings(logging.Handler):
    """Counts the warnings MkDocs logs (a page that warned is not kept)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class Rendered:
    """The cache of one build: ``replay`` before MkDocs renders a card, ``keep`` after."""

    def __init__(self, folder: Path, config: MkDocsConfig, files: Files) -> None:
        self.folder = folder / FOLDER
        digest = hashlib.sha256(_code().encode())
        settings = [config.markdown_extensions, config.mdx_configs, config.use_directory_urls]
        digest.update(repr([*settings, config.validation]).encode())
        for file in sorted(files, key=lambda f: f.src_uri):
            if file.is_documentation_page() or file.is_media_file():
                digest.update(f"{file.src_uri}\0{file.url}\0".encode())
        self.base = digest.hexdigest()
        self.warnings = Warnings()
        logging.getLogger("mkdocs").addHandler(self.warnings)
        self.pending: dict[str, tuple[str, int]] = {}  # src_uri → (key, warnings before)
        self.keys: dict[str, tuple[str, str, str]] = {}  # src_uri → (url, Markdown, key): hashed once
        self.replayed: dict[str, str] = {}  # src_uri → the text Terreau made of the page
        self.used: set[str] = set()
        self.hits = self.misses = 0

    def close(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _key(self, file: File, markdown: str) -> str:
        known = self.keys.get(file.src_uri)
        if known is not None and known[:2] == (file.url, markdown):  # asked in on_nav, then in replay
            return known[2]
        digest = hashlib.sha256(f"{self.base}\0{file.src_uri}\0{file.url}\0".encode())
        digest.update(markdown.encode("utf-8"))
        self.keys[file.src_uri] = (file.url, markdown, digest.hexdigest())
        return self.keys[file.src_uri][2]

    def is_kept(self, file: File, markdown: str) -> bool:
        """Whether the page of ``file``, with this Markdown, was rendered by an earlier build."""
        return self._path(self._key(file, markdown)).is_file()

    def replay(self, page: Page, markdown: str) -> None:
        """Before MkDocs renders ``page`` (whose Markdown is ``markdown``): if it was rendered
        before, its rendering is replaced by what was kept."""
        key = self._key(page.file, markdown)
        self.used.add(key)
        try:
            entry = json.loads(self._path(key).read_bytes())
            content, final = str(entry["html"]), str(entry["terreau"])
            toc = TableOfContents([_anchor(item) for item in entry["toc"]])
            anchors = {str(a) for a in entry["ancres"]}
            links = entry["liens"]
            title = entry["titre"]
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            self.pending[page.file.src_uri] = (key, self.warnings.count)
            return
        self.hits += 1

        def render(config: MkDocsConfig, files: Files) -> None:
            page.content, page.toc, page.present_anchor_ids = content, toc, anchors
            page._title_from_render = title  # what MkDocs' own render sets
            if links is not None:
                found = {files.get_file_from_path(uri): dict(to) for uri, to in links.items()}
                page.links_to_anchors = {file: to for file, to in found.items() if file is not None}

        page.render = render  # type: ignore[method-assign]
        self.replayed[page.file.src_uri] = final

    def known(self, page: Page, html: str) -> str | None:
        """What Terreau made of a replayed page's text (None: not replayed, or changed since
        by another plugin)."""
        if page.content is html and page.file.src_uri in self.replayed:
            return self.replayed.pop(page.file.src_uri)
        return None

    def keep(self, page: Page, html: str, final: str) -> None:
        """After a card was rendered (``html``) and completed by Terreau (``final``)."""
        key, before = self.pending.pop(page.file.src_uri, ("", 0))
        if not key or self.warnings.count != before:
            return
        links = page.links_to_anchors
        entry = {
            "html": html,
            "terreau": final,
            "toc": [_item(item) for item in page.toc.items],
            "ancres": sorted(page.present_anchor_ids or ()),
            "liens": None if links is None else {f.src_uri: to for f, to in links.items()},
            "titre": page._title_from_render,
        }
        with contextlib.suppress(OSError):  # a read-only cache: the next build renders again
            atomic.write_text(self._path(key), json.dumps(entry, ensure_ascii=False))

    def prune(self) -> None:
        """Drop the entries no page of this build used, once they outnumber the used ones
        (another docs folder may share the cache: its entries survive a while)."""
        if not self.folder.is_dir():
            return
        entries = list(self.folder.glob("*/*.json"))
        if len(entries) > 2 * max(len(self.used), 100):
            for path in entries:
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)


def _item(link: AnchorLink) -> dict[str, Any]:
    return {
        "titre": link.title,
        "id": link.id,
        "niveau": link.level,
        "actif": bool(getattr(link, "active", False)),
        "enfants": [_item(child) for child in link.children],
    }


def _anchor(item: dict[str, Any]) -> AnchorLink:
    link = AnchorLink(str(item["titre"]), str(item["id"]), int(item["niveau"]))
    if item["actif"]:
        link.active = True  # type: ignore[attr-defined]
    link.children = [_anchor(child) for child in item["enfants"]]
    return link


class Helper:
    """A cold build: a forked child renders the cards missing from the cache, from the last back,
    while MkDocs renders them from the first in the build's own process, which then finds
    the child's half in the cache (a card both reach is rendered twice, to the same bytes).
    The child runs MkDocs' own steps for a page (its events included), so what it keeps is
    what the build would have made. Only where forking is safe (core/parallel.py) and never
    for a preview (a few pages)."""

    @staticmethod
    def possible(cards: int) -> bool:
        """Whether a build of this many cards may fork a helper (before looking for the
        cards missing from the cache, which reads a file per card)."""
        return cards >= MIN_CARDS and parallel.can_fork()

    def __init__(self, config: MkDocsConfig, files: Files, cards: list[File], cache: Rendered) -> None:
        self.child: Any = None
        if not self.possible(len(cards)):
            return
        fork = multiprocessing.get_context("fork")
        self.enough = fork.Event()
        self.child = fork.Process(target=self._render, args=(config, files, cards, cache), daemon=True)
        self.child.start()

    def _render(self, config: MkDocsConfig, files: Files, cards: list[File], cache: Rendered) -> None:
        parallel.leave_interruptions_to_parent()
        # The build says its own warnings; the child only counts them (a page that warned is
        # not kept, so the build renders it and warns).
        logger = logging.getLogger("mkdocs")
        logger.handlers, logger.propagate = [cache.warnings], False
        for file in reversed(cards):
            if self.enough.is_set():
                break
            page = file.page or Page(None, file, config)
            with contextlib.suppress(Exception):  # the build meets the same error, and says it
                _populate_page(page, config, files)
        os._exit(0)  # nothing of the build's own to clean up here (its temporary folders)

    def stop(self) -> None:
        """The build rendered every page: the child finishes the page it is on and ends."""
        if self.child is not None:
            self.enough.set()
            self.child.join()
            self.child = None

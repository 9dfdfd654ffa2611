"""PDFs of cards and parcours booklets (WeasyPrint), cached by content hash.

Each document is a small standalone page made of the card's own fragments (the same header,
text and footer as its web page) and the print stylesheet assets/impression.css. A document
whose text and stylesheet did not change reuses its cached PDF, so a one-card change renders
one PDF (and the booklets that contain it), not all of them.

Documents are laid out as if they were at their published address, so that the links in a
PDF lead to the site online (not to a folder of the machine that built it); WeasyPrint may
read only files inside the built site: its fetcher maps the published address to the site
folder and refuses any other address (another host, a file elsewhere on the machine).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2
from weasyprint import CSS, HTML
from weasyprint import __version__ as weasyprint_version
from weasyprint.document import Document
from weasyprint.urls import URLFetcher

from terreau.core import atomic
from terreau.site import identity
from terreau.site.render import environment

PLACEHOLDER = "https://terreau.invalid/"  # when the site has no published address


class SiteFetcher(URLFetcher):
    """Fetches files of the built site (by their published address), and nothing else."""

    def __init__(self, root: Path, site_url: str = PLACEHOLDER) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.root = root.resolve()
        self.site_url = site_url

    def fetch(self, url: str, headers: object = None):  # type: ignore[no-untyped-def]
        if url.startswith(self.site_url):
            url = (self.root / unquote(urlparse(url).path[len(urlparse(self.site_url).path) :])).as_uri()
        parsed = urlparse(url)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or not path.is_relative_to(self.root):
            raise ValueError(f"adresse refusée : {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class Job:
    """One PDF to write: its path in the site, the HTML to lay out, and where it lives."""

    target: Path
    html: str
    base: str  # the published address of the page's folder, for relative addresses
    css: str | None = None  # a stylesheet of its own (posters, plaquette), instead of impression.css

    def key(self, css: str) -> str:
        text = "\0".join((weasyprint_version, self.css or css, self.base, self.html))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stylesheet(asset: str = "impression.css", env: jinja2.Environment | None = None) -> str:
    """A print stylesheet of assets/ (impression.css for cards and booklets), closed by the
    axes' colour classes (as terreau.css is on the site)."""
    css = resources.files("terreau.site").joinpath(f"assets/{asset}").read_text("utf-8")
    return css + identity.stylesheet(env or environment())


def _layout(job: Job, site_dir: Path, site_url: str, css: str) -> Document:
    """The job laid out by WeasyPrint (its own stylesheet, else ``css``)."""
    fetcher = SiteFetcher(site_dir, site_url)
    return HTML(string=job.html, base_url=job.base, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=job.css or css)]
    )


def _render(job: Job, site_dir: Path, site_url: str, css: str, out: Path) -> None:
    document = _layout(job, site_dir, site_url, css)
    # Same sources, same bytes: the dates in the PDF come from SOURCE_DATE_EPOCH.
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = document.metadata.modified = stamp
    document.metadata.generator = "Terreau"
    atomic.write_bytes(out, document.write_pdf())


def _render_task(args: tuple[Job, Path, str, str, Path]) -> None:
    _render(*args)


def build(
    jobs: list[Job], site_dir: Path, cache_dir: Path, site_url: str = PLACEHOLDER, workers: int = 2
) -> tuple[int, int]:
    """Write every job's PDF, from the cache when possible. Returns (rendered, reused)."""
    cached, rendered = render(jobs, site_dir, cache_dir, site_url, workers)
    for job, path in zip(jobs, cached, strict=True):
        atomic.write_bytes(job.target, path.read_bytes())
    return rendered, len(jobs) - rendered


def render(
    jobs: list[Job], site_dir: Path, cache_dir: Path, site_url: str = PLACEHOLDER, workers: int = 2
) -> tuple[list[Path], int]:
    """Every job's PDF in the cache (made if missing), without writing it into the site:
    the cached files, in the jobs' order, and how many were made."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    shared = stylesheet()
    paths, todo = [], []
    for job in jobs:
        cached = cache_dir / f"{job.key(shared)}.pdf"
        paths.append(cached)
        if not _complete(cached):
            todo.append((job, site_dir, site_url, shared, cached))
    if len(todo) > 1 and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_render_task, todo))
    else:
        for task in todo:
            _render_task(task)
    return paths, len(todo)


def page_count(job: Job, site_dir: Path, cache_dir: Path, site_url: str = PLACEHOLDER) -> int:
    """How many pages ``job`` lays out (a booklet pads to a multiple of four), remembered in the
    cache under the job's key: laid out once per content, like the PDFs themselves."""
    css = job.css or stylesheet()
    memo = cache_dir / f"{job.key(css)}.pages"
    try:
        return int(memo.read_text("utf-8"))
    except (OSError, ValueError):
        pass
    document = _layout(job, site_dir, site_url, css)
    cache_dir.mkdir(parents=True, exist_ok=True)
    atomic.write_text(memo, str(len(document.pages)))
    return len(document.pages)


def _complete(path: Path) -> bool:
    """A cached PDF that exists and ends as a PDF does (a cache written before writes were
    atomic may hold a file cut short by an interrupted build)."""
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - 32))
            return b"%%EOF" in f.read()
    except OSError:
        return False

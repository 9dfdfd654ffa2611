"""The MkDocs adapter: MkDocs events only, each handed to terreau.site.build.SiteBuild."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import normalize_url

from terreau.adapters.mkdocs.rendered import Helper, Rendered
from terreau.core import pages
from terreau.core.forge import Forge
from terreau.site import hosting, outline
from terreau.site.build import ASSETS, BuildFailure, Settings, SiteBuild
from terreau.site.render import CompiledInMemory

log = get_plugin_logger(__name__)


class TerreauConfig(Config):
    gabarits = c.Type(str, default="overrides/terreau")
    # The repository on its forge (GitHub, or a GitLab such as Framagit): edit links,
    # feedback form, printed QR codes. Empty: no such links.
    forge = c.Type(str, default="")
    forge_type = c.Choice(("", "github", "gitlab"), default="")
    branche = c.Type(str, default="main")
    # A PDF of every card and a booklet per parcours (WeasyPrint), cached between builds.
    pdf = c.Type(bool, default=True)
    # A build for publication: the PDFs (when ``pdf``) and the offline archive. Without it (a
    # preview, a check), only the pages, the search and the open data: much quicker.
    publication = c.Type(bool, default=False)
    cache = c.Type(str, default=".cache/terreau")
    # A card not reviewed for this many months is marked « à relire ».
    relecture_mois = c.Type(int, default=24)
    # The commons' e-mail address: the form « Raconter votre expérience » sends cards there.
    # Empty: the form offers no e-mail.
    contact = c.Type(str, default="")
    # Who reads what people send and how long an answer takes (« Contribuer », the form).
    reponse = c.Type(str, default="")


class TerreauPlugin(BasePlugin[TerreauConfig]):
    dirty = False  # a build that rewrites only the changed pages (mkdocs serve --dirty)
    rendered: Rendered | None = None  # cards rendered by earlier builds (rendered.py)
    face = ""  # a preview: what the generated pages show (_generated_kept)
    helper: Helper | None = None  # renders cards into the cache on a second core

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        forge = (
            Forge(self.config.forge, self.config.forge_type, self.config.branche)
            if self.config.forge
            else None
        )
        settings = Settings(
            docs_dir=Path(config.docs_dir),
            site_dir=Path(config.site_dir),
            root=root,
            site_url=config.site_url or "",
            forge=forge or None,
            pdf=self.config.pdf and self.config.publication,
            archive=self.config.publication,
            preview=self.dirty and not self.config.publication,
            cache_dir=root / self.config.cache,
            templates_dir=root / self.config.gabarits,
            review_months=self.config.relecture_mois,
            contact=self.config.contact,
            reply=self.config.reponse,
        )
        with _stopped_on_failure():
            self.site = SiteBuild(settings, log.info)
        # After a site's own custom_dir, before mkdocs-material's templates.
        config.theme.dirs.insert(
            1 if config.theme.custom_dir else 0,
            str(resources.files("terreau.adapters.mkdocs").joinpath("theme")),
        )
        config.extra_css.append(f"{ASSETS}/terreau.css")
        config.extra_javascript.append(f"{ASSETS}/terreau.js")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        kept = Files([])
        docs = str(Path(config.docs_dir)) + "/"
        for file in files:  # MkDocs lists docs/ itself, following links: only what was checked
            if file.generated_by is not None or not (file.abs_src_path or "").startswith(docs):
                kept.append(file)
            elif not self.site.is_allowed(file.src_uri):  # appeared after the check; strict stops
                log.warning(f"{file.src_uri} est apparu après la vérification des fiches : non publié.")
            elif self.site.is_data(file.src_uri):
                continue
            elif file.is_documentation_page():
                kept.append(file)
            else:  # images as bytes read safely: MkDocs never opens a file of docs/ itself
                with _stopped_on_failure():
                    kept.append(
                        File.generated(config, file.src_uri, content=self.site.read_allowed(file.src_uri))
                    )
        mkdocs, material = (Path(str(resources.files(p))) for p in ("mkdocs", "material"))
        engine = self.site.search_engine(
            mkdocs / "contrib/search/templates/search/lunr.js",
            material / "templates/assets/javascripts/lunr/min",  # lunr.fr and its support
        )
        for uri, content in [*self.site.static_files().items(), *engine.items()]:
            if isinstance(content, Path):
                kept.append(File.generated(config, uri, abs_src_path=str(content)))
            else:
                kept.append(File.generated(config, uri, content=content))
        for uri, markdown in self.site.generated_pages().items():
            if kept.get_file_from_path(uri) is None:
                kept.append(File.generated(config, uri, content=markdown))
        for uri in self.site.data_files():  # listed for MkDocs' check of links; see on_env
            kept.append(File.generated(config, uri, abs_src_path=str(Path(config.site_dir) / uri)))
        if self.site.settings.preview:  # MkDocs rewrites a changed page; its neighbours too
            self._generated_kept(kept, config)
            self.site.stale_neighbours(
                {f.src_uri: (f.is_modified(), Path(f.abs_dest_path)) for f in kept.documentation_pages()}
            )
        self.site.start()
        return kept

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.rendered = Rendered(self.site.settings.cache_dir, config, files)
        cards = [f for f in files.documentation_pages() if self.site.is_card(f.src_uri)]
        if not self.dirty and Helper.possible(len(cards)):  # those not rendered yet: half on a second core
            missing = [f for f in cards if not self.rendered.is_kept(f, self.site.source(f.src_uri) or "")]
            self.helper = Helper(config, files, missing, self.rendered)
        return nav

    def _generated_kept(self, files: Files, config: MkDocsConfig) -> None:
        """A preview: the pages that show the whole catalogue (listings, « Par où commencer ? »,
        the home page, the search page…) are written again when what they show changed — a
        card's front matter, the list of cards, the redirects, the settings — and only then,
        not at every save of a card's text. MkDocs deems a generated page always modified and
        a page of docs/ modified when its file is newer: told otherwise here, page by page."""
        face = hashlib.sha256(self.site.catalogue.face.encode())
        face.update(
            repr([sorted(self.config.items()), self.site.catalogue.redirects, config.site_url]).encode()
        )
        self.face = face.hexdigest()
        same = _FACES.get(config.site_dir) == self.face
        for file in files.documentation_pages():
            if not self.site.shows_catalogue(file.src_uri):
                continue
            if not same:
                file.is_modified = _modified  # type: ignore[method-assign]
            elif file.generated_by is not None and os.path.isfile(file.abs_dest_path):
                file.is_modified = _unmodified  # type: ignore[method-assign]

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.helper is not None:  # every page has its text now
            self.helper.stop()
        self.site.pages_ready()  # before MkDocs copies files and writes pages
        env.bytecode_cache = CompiledInMemory()  # the theme compiled once per process (serve)
        env.globals["terreau_csp"] = hosting.CSP
        env.globals["terreau_recherche"] = pages.SEARCH  # its head script starts the search
        env.filters["terreau_first"] = terreau_first
        env.globals["terreau_memo"] = {}  # fragments shared by many pages, for this build
        self.written = {f.dest_uri for f in files if f.inclusion.is_included()}
        self.written |= {*config.theme.static_templates, "sitemap.xml.gz", *config.extra_templates}
        # The exports are written by Terreau while the pages are (finish() waits for them):
        # MkDocs, which would copy them now, is told no more of them once it checked the links.
        for uri in self.site.data_files():
            if (file := files.get_file_from_path(uri)) is not None:
                files.remove(file)
        return env

    def on_build_error(self, *, error: Exception) -> None:
        _FACES.clear()
        if self.helper is not None:
            self.helper.stop()
        if self.rendered is not None:
            self.rendered.close()
        if hasattr(self, "site"):
            self.site.abandon()

    @event_priority(-100)  # last: the archive holds what the other plugins wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.rendered is not None:
            self.rendered.close()
            if not self.dirty:  # a preview renders a few cards: it says nothing of the others
                self.rendered.prune()
            log.info(f"Fiches : {self.rendered.hits} reprises du cache, {self.rendered.misses} rendues.")
        with _stopped_on_failure():
            self.site.finish(self.written)
        if self.site.settings.preview:  # the generated pages now show this catalogue
            _FACES[config.site_dir] = self.face

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        return self.site.source(page.file.src_uri)

    @event_priority(-100)  # last: the Markdown MkDocs renders, which keys the cache
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        title = self.site.title(page.file.src_uri, page.meta.get("title"))
        if title is not None:
            page.meta["title"] = title
        if self.rendered is not None and self.site.is_card(page.file.src_uri):
            self.rendered.replay(page, markdown)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.rendered is None or not self.site.is_card(page.file.src_uri):
            return self.site.content(page.file.src_uri, html, page.url)
        final = self.rendered.known(page, html)
        if final is None:
            final = self.site.content(page.file.src_uri, html, page.url)
            self.rendered.keep(page, html, final)
        return final

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        jsonld = self.site.jsonld(page.file.src_uri)
        if jsonld is not None:
            page.meta["terreau_jsonld"] = jsonld
        # MkDocs' table of contents knows the Markdown's headings only: a card's header and
        # footer sections (steps, sources, links…) are added in page order.
        # The card's title (its header's h1) holds them all: the theme lists its sections
        # and its « skip to content » link leads to the title.
        before, after = self.site.headings(page.file.src_uri)
        if before or after:
            items = [*map(_anchor, before), *page.toc, *map(_anchor, after)]
            if items[0].level == 1:
                items[0].children += items[1:]
                items = items[:1]
            page.toc = TableOfContents(items)
        return context

    def on_template_context(self, context: Any, *, template_name: str, config: MkDocsConfig) -> Any:
        if template_name == "404.html":
            # MkDocs gives the error page absolute addresses (/assets/…), which a folder opened
            # over file:// cannot resolve: relative ones, like every other page of the site.
            context["base_url"] = "."
            context["extra_css"] = [normalize_url(path, None, ".") for path in config.extra_css]
            context["extra_javascript"] = [
                normalize_url(str(script), None, ".") for script in config.extra_javascript
            ]
        return context

    @event_priority(-100)  # last: the page as it will be written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return self.site.page(page.file.src_uri, page.file.dest_uri, output, page.content or "")


# A preview's site folder → what its generated pages show (see _generated_kept); the
# process of mkdocs serve lives from save to save.
_FACES: dict[str, str] = {}


def _unmodified() -> bool:
    return False


def _modified() -> bool:
    return True


def _anchor(heading: outline.Heading) -> AnchorLink:
    link = AnchorLink(heading.title, heading.id, heading.level)
    link.children = [_anchor(child) for child in heading.children]
    return link


@contextlib.contextmanager
def _stopped_on_failure() -> Iterator[None]:
    try:
        yield
    except BuildFailure as failure:  # French, and without a traceback
        raise PluginError(str(failure)) from None


_TERREAU_JS = re.compile(r'\s*<script src="[^"]*assets/terreau/terreau\.js"></script>')


def terreau_first(scripts: str) -> Markup:
    """The scripts closing a page (the theme's bundle, then the extra scripts), with Terreau's
    first: it needs nothing from the theme's, and the finder shows its results sooner (by
    about 80 ms at 4× CPU slowdown, the theme's script being read and run). Unchanged if
    Terreau's script is not there."""
    text = str(scripts)  # as text: a Markup would escape the moved tag when joined to it
    found = _TERREAU_JS.search(text)
    if found is None:
        return Markup(text)
    return Markup("\n" + found.group().strip() + text[: found.start()] + text[found.end() :])

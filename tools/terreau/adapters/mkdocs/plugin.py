"""The MkDocs adapter: MkDocs events only, each handed to terreau.site.build.SiteBuild."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import normalize_url

from terreau.core.forge import Forge
from terreau.site import hosting, outline
from terreau.site.build import ASSETS, BuildFailure, Settings, SiteBuild

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
        for uri in self.site.data_files():  # written while pages render; MkDocs' copy is a no-op
            if not self.site.settings.preview:  # (a preview's pages do not wait for them)
                kept.append(File.generated(config, uri, abs_src_path=str(Path(config.site_dir) / uri)))
        if self.site.settings.preview:  # MkDocs rewrites a changed page; its neighbours too
            self.site.stale_neighbours(
                {f.src_uri: (f.is_modified(), Path(f.abs_dest_path)) for f in kept.documentation_pages()}
            )
        self.site.start()
        return kept

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.site.pages_ready()  # before MkDocs copies files and writes pages
        env.globals["terreau_csp"] = hosting.CSP
        env.globals["terreau_memo"] = {}  # fragments shared by many pages, for this build
        self.written = {f.dest_uri for f in files if f.inclusion.is_included()}
        self.written |= {*config.theme.static_templates, "sitemap.xml.gz", *config.extra_templates}
        return env

    def on_build_error(self, *, error: Exception) -> None:
        if hasattr(self, "site"):
            self.site.abandon()

    @event_priority(-100)  # last: the archive holds what the other plugins wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        with _stopped_on_failure():
            self.site.finish(self.written)

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        return self.site.source(page.file.src_uri)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        title = self.site.title(page.file.src_uri, page.meta.get("title"))
        if title is not None:
            page.meta["title"] = title
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.site.content(page.file.src_uri, html, page.url)

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

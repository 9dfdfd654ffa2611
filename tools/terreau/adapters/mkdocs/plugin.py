"""The MkDocs adapter: MkDocs events only; the work is done by catalogue, render and search_index."""

from __future__ import annotations

import os
import posixpath
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rjsmin
from markupsafe import escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from terreau.contribute import reference
from terreau.core import atomic, attribution, builddate, pages, tree
from terreau.core.catalogue import Catalogue, build
from terreau.core.forge import Forge
from terreau.core.models import Parcours
from terreau.core.pages import KIT, LISTINGS, REFERENCE, TO_REVIEW
from terreau.derive import export, finder, search_index
from terreau.site import archive, derived, hosting, output, sanitize
from terreau.site.render import Renderer, environment

if TYPE_CHECKING:
    from terreau.site import pdf

log = get_plugin_logger(__name__)

ASSETS = "assets/terreau"
# Where a card's header and footer go in its page (the sanitizer removes comments from cards).
# The header holds the card's <h1>: its mark says so, or mkdocs-material would add another.
HEADER, FOOTER = "<!--terreau-entete <h1>-->", "<!--terreau-pied-->"
HOSTING = "contribuer/heberger.md"  # written in docs/; the server lines come from hosting.py


class TerreauConfig(Config):
    gabarits = c.Type(str, default="overrides/terreau")
    page_recherche = c.Type(str, default="recherche.md")
    # The repository on its forge (GitHub, or a GitLab such as Framagit): edit links,
    # feedback form, printed QR codes. Empty: no such links.
    forge = c.Type(str, default="")
    forge_type = c.Choice(("", "github", "gitlab"), default="")
    branche = c.Type(str, default="main")
    # A PDF of every card and a booklet per parcours (WeasyPrint), cached between builds.
    pdf = c.Type(bool, default=True)
    cache = c.Type(str, default=".cache/terreau")
    # A card not reviewed for this many months is marked « à relire ».
    relecture_mois = c.Type(int, default=24)


class TerreauPlugin(BasePlugin[TerreauConfig]):
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        docs = Path(config.docs_dir)
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        build_day, origin = builddate.pin(root)
        if origin == builddate.FROM_CLOCK:
            log.info("Pas de dépôt Git : la date de construction sera celle du jour.")
        self.catalogue: Catalogue = build(docs, display_root=root)
        if self.catalogue.problems:
            lines = "\n".join(p.format_text() for p in self.catalogue.problems)
            files = len({p.path for p in self.catalogue.problems})
            raise PluginError(
                f"Terreau : {len(self.catalogue.problems)} problème(s) dans {files} fichier(s). "
                f"Corrigez-les (ou lancez « terreau valider ») puis relancez la construction.\n"
                f"{lines}"
            )
        forge = (
            Forge(self.config.forge, self.config.forge_type, self.config.branche)
            if self.config.forge
            else None
        )
        prefix = attribution.docs_prefix(root, docs)
        history = (
            attribution.read(root, prefix.rstrip("/")) if prefix else attribution.History(available=False)
        )
        if not history.available:
            log.info("Pas d'historique Git : les fiches n'affichent pas leurs contributeurs.")
        elif history.shallow:
            log.info(
                "ATTENTION : copie partielle du dépôt (shallow clone) : les contributeurs et les "
                "dates affichés ne portent que sur l'historique présent. Pour tout l'historique : "
                "git fetch --unshallow."
            )
        self.renderer = Renderer(
            self.catalogue,
            environment(root / self.config.gabarits),
            config.site_url or "",
            forge,
            pdf=self.config.pdf,
            history=history,
            docs_prefix=prefix or "docs/",
            review_before=builddate.months_before(build_day, self.config.relecture_mois),
        )
        self.cache_dir = root / self.config.cache
        self.printables: dict[str, str] = {}
        self.archive: archive.Archive | None = None
        self.written_last: str | None = None
        theme_dir = str(resources.files("terreau.adapters.mkdocs").joinpath("theme"))
        dirs = config.theme.dirs
        # After a site's own custom_dir, before mkdocs-material's templates.
        dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        config.extra_css.append(f"{ASSETS}/terreau.css")
        config.extra_javascript.append(f"{ASSETS}/terreau.js")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        files = self._only_allowed(files, config)
        files.append(File.generated(config, hosting.HEADERS_FILE, content=hosting.headers_file()))
        package = resources.files("terreau.site")
        for name in ("terreau.css", "terreau.js", "moteur.js", "md-base.js"):
            files.append(
                File.generated(
                    config, f"{ASSETS}/{name}", abs_src_path=str(package.joinpath(f"assets/{name}"))
                )
            )
        for name, path in _lunr_files().items():
            if name == "lunr.js":  # 100 KB with its comments; 40 KB without, licence kept
                text = path.read_text("utf-8")
                licence = text[: text.index("*/") + 2]
                content = licence + "\n" + rjsmin.jsmin(text[len(licence) :]) + "\n"
                files.append(File.generated(config, f"{ASSETS}/lunr/{name}", content=content))
            else:
                files.append(File.generated(config, f"{ASSETS}/lunr/{name}", abs_src_path=str(path)))
        for uri, title in pages.GENERATED.items():
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, content=f"# {title}\n"))
        # Exports and search data are written into the site while pages render (see
        # derived.py). MkDocs knows the exports, which pages link to; its copy is then a no-op.
        site = Path(config.site_dir)
        for name in export.names():
            path = site / derived.DATA / name
            files.append(File.generated(config, f"{derived.DATA}/{name}", abs_src_path=str(path)))
        # The offline archive starts now: the derived files go in as soon as they are written.
        self.archive = archive.Archive(site)
        self.derived = derived.Writer(self.catalogue, site, self.renderer, self.archive.add_all)
        return files

    def _only_allowed(self, files: Files, config: MkDocsConfig) -> Files:
        """MkDocs lists docs/ itself, following links: keep only what the catalogue checked,
        and hand it images as bytes read safely, so it never opens a file of docs/ itself."""
        docs = os.path.normpath(config.docs_dir) + os.sep
        kept = Files([])
        for file in files:
            from_docs = file.generated_by is None and os.path.normpath(file.abs_src_path or "").startswith(
                docs
            )
            if not from_docs:
                kept.append(file)
            elif file.src_uri in self.catalogue.allowed:
                if not file.is_documentation_page():
                    root = Path(config.docs_dir)
                    try:
                        data = tree.read_regular(root / file.src_uri, root, tree.RASTER_MAX)
                    except (OSError, tree.TooLarge):
                        raise PluginError(
                            f"Terreau : {file.src_uri} a changé pendant la construction ; rien n'est "
                            "publié. Relancez la construction."
                        ) from None
                    file = File.generated(config, file.src_uri, content=data, inclusion=file.inclusion)
                kept.append(file)
            else:  # appeared after the check: left out, and strict mode stops the build
                log.warning(f"{file.src_uri} est apparu après la vérification des fiches : non publié.")
        return kept

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.derived.wait()  # before MkDocs copies files and writes pages
        env.globals["terreau_csp"] = hosting.CSP
        self.expected = {f.dest_uri for f in files if f.inclusion.is_included()}
        self.expected |= {*config.theme.static_templates, "sitemap.xml.gz", *config.extra_templates}
        return env

    def on_build_error(self, *, error: Exception) -> None:
        if hasattr(self, "derived"):
            self.derived.close()
        unfinished = getattr(self, "archive", None)
        if unfinished is not None:
            unfinished.abandon()
            self.archive = None

    @event_priority(-100)  # last: the archive holds what the other plugins wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        self.derived.close()
        if self.config.pdf:
            from terreau.site import pdf  # WeasyPrint takes half a second to import: only if needed

            address = config.site_url or pdf.PLACEHOLDER
            jobs = self._pdf_jobs(site, address)
            rendered, reused = pdf.build(jobs, site, self.cache_dir / "pdf", address)
            log.info(f"PDF : {rendered} produit(s), {reused} repris du cache.")
            self.expected |= {job.target.relative_to(site).as_posix() for job in jobs}
        self._check_output(site)
        assert self.archive is not None, "started in on_files"
        try:
            self.archive.close()
        except RuntimeError as error:
            raise PluginError(str(error)) from None
        self.archive = None

    def _check_output(self, site: Path) -> None:
        """Nothing is published that no step of the build made (a second wall behind tree.py)."""
        owned = (derived.SEARCH + "/", f"{ASSETS}/impression/")
        expected = self.expected | {archive.NAME, archive.PARTIAL}
        stray = [
            line
            for line in output.unexpected(site, expected)
            if not (line.endswith(": fichier inattendu") and line.startswith(owned))
        ]
        if stray:
            raise PluginError(
                "Terreau : le site construit contient des fichiers qu'aucune étape de la "
                "construction n'a produits ; rien n'est publié. Reconstruisez dans un dossier "
                "vide (sans --dirty).\n" + "\n".join(stray)
            )

    def _pdf_jobs(self, site: Path, address: str) -> list[pdf.Job]:
        from terreau.site import pdf

        jobs = []
        for card_id, html in sorted(self.printables.items()):
            card = self.catalogue.cards[card_id]
            target = site / Path(card.url).with_suffix(".pdf")
            doc = self.renderer.printable(card.meta.titre, [(card.meta.titre, html)])
            folder = posixpath.dirname(card.url)
            jobs.append(pdf.Job(target, doc, f"{address}{folder}/"))
        for route in self.catalogue.of_model(Parcours):
            steps = [self.catalogue.cards[s.fiche] for s in route.meta.etapes]
            parts = [(c.meta.titre, self.printables[c.id]) for c in steps if c.id in self.printables]
            doc = self.renderer.printable(route.meta.titre, parts, subtitle=route.meta.resume, booklet=True)
            target = site / "parcours" / f"{route.id}-livret.pdf"
            jobs.append(pdf.Job(target, doc, f"{address}parcours/"))
        return jobs

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        card = self.catalogue.by_path(page.file.src_uri)
        # MkDocs never sees a card's front matter: it would swallow YAML errors and honour
        # keys such as `template`. It gets the body only; the catalogue has the rest. Pages
        # come from the catalogue too (read once, checked): MkDocs opens no file of docs/.
        if card is not None:
            return card.body
        return self.catalogue.pages.get(page.file.src_uri)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        card = self.catalogue.by_path(page.file.src_uri)
        if card is not None:
            page.meta["title"] = card.meta.titre
        if isinstance(page.meta.get("title"), str):
            # The theme prints titles without escaping (header, <title>): escape them once.
            page.meta["title"] = str(escape(page.meta["title"]))
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html = sanitize.clean(html)
        src = page.file.src_uri
        card = self.catalogue.by_path(src)
        if card is not None:
            # Header and footer are made beside the pages (derived.py), put in on_post_page.
            return HEADER + html + FOOTER
        # Cards carry these links in their header; other pages at their foot.
        links = self.renderer.forge_links(None if page.file.generated_by else src)
        html += self.renderer.env.get_template("liens_forge.html").render(forge=links)
        if src == self.config.page_recherche:
            return html + self.renderer.finder()
        if src == KIT[0]:
            return html + self.renderer.env.get_template("kit.html").render(
                finder_href=self.renderer.relative(page.url, "recherche.html")
            )
        if src == "index.md":
            return html + self.renderer.depart(page.url)
        if src.startswith("trouver/") and src[8:-3] in dict(finder.NEEDS):
            return html + self.renderer.trouver(src[8:-3], page.url)
        if src == TO_REVIEW[0]:
            return html + self.renderer.to_review_page(page.url, self.config.relecture_mois)
        if src == HOSTING:
            return html + self.renderer.env.get_template("heberger.html").render(
                nginx=hosting.nginx(), apache=hosting.apache(), headers=hosting.headers_file()
            )
        if src == "contributeurs.md":
            return html + self.renderer.contributors_page(page.url)
        if src == REFERENCE[0]:
            return html + self.renderer.env.get_template("reference.html").render(
                reference.context(self.catalogue)
            )
        for kind, (uri, _title) in LISTINGS.items():
            if src == uri:
                extra = self.renderer.map(page.url) if kind == "retour" else ""
                return html + extra + self._listing(kind, page.url)
        return html

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        card = self.catalogue.by_path(page.file.src_uri)
        if card is not None:
            page.meta["terreau_jsonld"] = self.derived.parts(card)[2]
        return context

    @event_priority(-100)  # last: the page as it will be written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        site = Path(config.site_dir)
        assert self.archive is not None, "started in on_files"
        if self.written_last is None:  # static files and theme pages are in place
            self.archive.add_present()
        else:
            self.archive.add(self.written_last)  # MkDocs wrote it after its on_post_page
        self.written_last = page.file.dest_uri
        card = self.catalogue.by_path(page.file.src_uri)
        if card is None:
            return output
        header, footer, _jsonld = self.derived.parts(card)
        # The card's printable fragment, for the kit page to assemble booklets in the browser.
        printable = (page.content or "").replace(HEADER, header).replace(FOOTER, footer)
        rel = f"{ASSETS}/impression/{card.id}.js"
        atomic.write_text(site / rel, search_index.script("TERREAU_IMPRESSION", printable, key=card.id))
        self.archive.add(rel)
        if self.config.pdf:  # kept for the PDFs, made after the pages
            self.printables[card.id] = printable
        return output.replace(HEADER, header).replace(FOOTER, footer)

    def _listing(self, kind: str, page_url: str) -> str:
        cards = [
            self.renderer.link(page_url, c.id) | {"resume": c.meta.resume}
            for c in self.catalogue.of_kind(kind)
        ]
        cards.sort(key=lambda c: c["titre"])
        return self.renderer.env.get_template("liste.html").render(cards=cards)


def _lunr_files() -> dict[str, Path]:
    """lunr.js from MkDocs' package, and its French support from mkdocs-material's."""
    mkdocs_search = Path(str(resources.files("mkdocs"))) / "contrib" / "search"
    material_lunr = (
        Path(str(resources.files("material"))) / "templates" / "assets" / "javascripts" / "lunr" / "min"
    )
    return {
        "lunr.js": mkdocs_search / "templates" / "search" / "lunr.js",
        "lunr.stemmer.support.min.js": material_lunr / "lunr.stemmer.support.min.js",
        "lunr.fr.min.js": material_lunr / "lunr.fr.min.js",
    }

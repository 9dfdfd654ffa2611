"""One build of the site, whatever generator draws it: the steps an adapter calls, in order.

The generator (MkDocs today) turns Markdown into pages inside its theme. Everything else is
here: checking docs/ before anything is read, the pages and files the site adds, what each
page gets around its text, the derived files made beside the pages (search data, exports,
card parts), the printable fragments, the PDFs, the offline archive, and the last check of
what is published. An adapter maps its generator's events onto these methods; a test runs
them without any generator at all.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import rjsmin
from markupsafe import escape

from terreau.core import atomic, attribution, builddate, pages, tree
from terreau.core.catalogue import Catalogue, build, points_to
from terreau.core.forge import Forge
from terreau.core.loader import AnyCard
from terreau.core.models import Parcours
from terreau.derive import search_index
from terreau.site import address as published
from terreau.site import (
    archive,
    derived,
    glossary,
    hosting,
    identity,
    offline,
    outline,
    output,
    redirects,
    sanitize,
)
from terreau.site.render import environment
from terreau.site.views.cards import CardViews
from terreau.site.views.pages import PageViews, view_of

if TYPE_CHECKING:
    from terreau.site import pdf

ASSETS = "assets/terreau"
SCRIPTS = ("terreau.css", "terreau.js", "moteur.js", "md-base.js", "raconter.js")
LUNR_LANGUAGE = ("lunr.stemmer.support.min.js", "lunr.fr.min.js")
LUNR = f"{ASSETS}/lunr/lunr-fr.js"  # lunr.js, then LUNR_LANGUAGE, in one file
PRINTED = f"{ASSETS}/impression/"  # each card's printable fragment, for the kit page
# Files the build owns though the generator does not list them (search shards, fragments).
OWNED = (derived.SEARCH + "/", PRINTED)
# Where a card's header and footer go in its page (the sanitizer removes comments from cards).
# The header holds the card's <h1>: its mark says so, or a theme may add another title.
HEADER, FOOTER = "<!--terreau-entete <h1>-->", "<!--terreau-pied-->"


class BuildFailure(Exception):
    """The build must stop; the message is French and says what to do."""


@dataclass(frozen=True)
class Settings:
    """What a build needs to know, from the generator's configuration."""

    docs_dir: Path
    site_dir: Path
    root: Path  # the project's folder (the repository), for Git and relative paths
    site_url: str = ""
    forge: Forge | None = None
    pdf: bool = True
    # The offline archive (the whole site in a zip): for publication, not for every preview.
    archive: bool = True
    # A preview (mkdocs serve --dirty): a few pages rebuilt, their parts made as they are asked.
    preview: bool = False
    cache_dir: Path = Path(".cache/terreau")
    templates_dir: Path | None = None  # a site's own templates, overriding Terreau's
    review_months: int = 24
    contact: str = ""  # the commons' e-mail address, for the form « Raconter votre expérience »
    reply: str = ""  # who reads what people send, and how long an answer takes


class SiteBuild:
    """Checks docs/ and prepares the views; raises BuildFailure if a file is not valid."""

    def __init__(self, settings: Settings, say: Callable[[str], None]) -> None:
        self.settings = settings
        self.say = say
        derived.stop_background()  # a preview's refresh for an earlier save: stale now
        build_day, origin = builddate.pin(settings.root)
        if origin == builddate.FROM_CLOCK:
            say("Pas de dépôt Git : la date de construction sera celle du jour.")
        self.catalogue: Catalogue = build(
            settings.docs_dir, display_root=settings.root, review=False, cache_dir=settings.cache_dir
        )
        errors = self.catalogue.errors
        if errors:
            lines = "\n".join(p.format_text() for p in errors)
            files = len({p.path for p in errors})
            raise BuildFailure(
                f"Terreau : {len(errors)} problème(s) dans {files} fichier(s). "
                f"Corrigez-les (ou lancez « terreau valider ») puis relancez la construction.\n"
                f"{lines}"
            )
        if not published.is_real(settings.site_url):
            say(
                f"Adresse de publication provisoire ({settings.site_url or 'aucune'}) : les "
                "fiches imprimées ne portent ni leur adresse ni de code QR vers la fiche en "
                "ligne. Donnez l'adresse réelle du site (TERREAU_ADRESSE ou site_url) pour "
                "les imprimer."
            )
        for warning in self.catalogue.problems:  # heuristics: said, never blocking
            say(warning.format_text())
        prefix = attribution.docs_prefix(settings.root, settings.docs_dir)
        history = (
            attribution.read(settings.root, prefix.rstrip("/"))
            if prefix
            else attribution.History(available=False)
        )
        if not history.available:
            say("Pas d'historique Git : les fiches n'affichent pas leurs contributeurs.")
        elif history.shallow:
            say(
                "ATTENTION : copie partielle du dépôt (shallow clone) : les contributeurs et les "
                "dates affichés ne portent que sur l'historique présent. Pour tout l'historique : "
                "git fetch --unshallow."
            )
        shared = {
            "catalogue": self.catalogue,
            "env": environment(settings.templates_dir),
            "site_url": settings.site_url,
            "forge": settings.forge,
            "pdf": settings.pdf,
            "history": history,
            "docs_prefix": prefix or "docs/",
            "review_before": builddate.months_before(build_day, settings.review_months),
            "review_months": settings.review_months,
            "contact": settings.contact,
            "reply": settings.reply,
        }
        self.cards = CardViews(**shared)  # type: ignore[arg-type]
        self.pages = PageViews(**shared)  # type: ignore[arg-type]
        self._plaquette_bytes: int | None = None
        self.pages.plaquette_size = self.plaquette_size
        self.printables: dict[str, str] = {}
        self.archive: archive.Archive | archive.Skipped | None = None
        # The offline archives of parts of the commons (issue 18), for publication only.
        self.parts: list[archive.Part] = []
        if settings.archive:
            self.parts = offline.parts(self.catalogue, self.pages.env, settings.site_url, settings.pdf)
            self.offers = offline.offers(self.catalogue, self.parts, settings.pdf)
            self.pages.offline_list = offline.listing(self.pages.env, self.offers, None, settings.site_url)
        self.derived: derived.Writer | None = None
        self.written_last: str | None = None
        self.poster_jobs: list[pdf.Job] = []  # the starting exhibition's posters (start())
        self.posters_made = 0

    # -- what the site holds ------------------------------------------------------------------

    def is_allowed(self, src_uri: str) -> bool:
        """A file of docs/ that the checks let through (anything else is never published)."""
        return src_uri in self.catalogue.allowed

    def is_card(self, src_uri: str) -> bool:
        return self.catalogue.by_path(src_uri) is not None

    @staticmethod
    def shows_catalogue(src_uri: str) -> bool:
        """A page completed by a view of the catalogue (views/pages.py VIEWS), not a card."""
        return view_of(src_uri) is not None

    @staticmethod
    def is_data(src_uri: str) -> bool:
        """A data file of docs/ (redirections.yml): read by the checks, never published."""
        return src_uri == tree.REDIRECTS

    def read_allowed(self, src_uri: str) -> bytes:
        """An allowed file's bytes, read without following a link; BuildFailure if it changed."""
        root = self.settings.docs_dir
        try:
            return tree.read_regular(root / src_uri, root, tree.RASTER_MAX)
        except (OSError, tree.TooLarge):
            raise BuildFailure(
                f"Terreau : {src_uri} a changé pendant la construction ; rien n'est publié. "
                "Relancez la construction."
            ) from None

    @staticmethod
    def generated_pages() -> dict[str, str]:
        """Pages the site has even if docs/ lacks them: path under docs/ → Markdown."""
        return {uri: f"# {title}\n" for uri, title in pages.GENERATED.items()}

    @staticmethod
    def static_files() -> dict[str, Path | str]:
        """Files the site adds as they are: path in the site → a package file, or a text."""
        package = resources.files("terreau.site")
        files: dict[str, Path | str] = {
            f"{ASSETS}/{name}": Path(str(package.joinpath(f"assets/{name}"))) for name in SCRIPTS
        }
        # The axes' colour classes, generated from their data, close terreau.css (no request more).
        css = package.joinpath("assets/terreau.css").read_text("utf-8")
        files[f"{ASSETS}/terreau.css"] = css + identity.stylesheet(environment())
        files[hosting.HEADERS_FILE] = hosting.headers_file()
        return files

    @staticmethod
    def search_engine(lunr_js: Path, lunr_languages: Path) -> dict[str, Path | str]:
        """lunr.js and its French support (stemmer, stop words), from the packages that ship
        them (never a CDN), in one file: one request before the first result instead of three
        (at 4× CPU slowdown, about 45 ms sooner). lunr.js without its comments (100 KB → 40 KB,
        licence kept), the French files as their package has them, each closed by « ; »."""
        text = lunr_js.read_text("utf-8")
        licence = text[: text.index("*/") + 2]
        parts = [licence + "\n" + rjsmin.jsmin(text[len(licence) :])]
        parts += [(lunr_languages / name).read_text("utf-8") for name in LUNR_LANGUAGE]
        return {LUNR: "".join(part.rstrip() + ";\n" for part in parts)}

    @staticmethod
    def data_files() -> list[str]:
        """The open-data files, written while pages render (pages link to them)."""
        return pages.data_files()

    # -- the build ------------------------------------------------------------------------------

    def start(self) -> None:
        """Once the list of files is known: the offline archive and the derived files start,
        beside the page rendering (a second core where the system allows it)."""
        site = self.settings.site_dir
        self.archive = archive.Archive(site, self.parts) if self.settings.archive else archive.Skipped()
        if self.settings.pdf:  # before the card parts are made: they say the posters' sizes
            self._prepare_posters()
        self.derived = derived.Writer(self.catalogue, site, self.cards, preview=self.settings.preview)

    def pages_ready(self) -> None:
        """Before the generator writes pages: the derived files must be complete."""
        assert self.derived is not None, "start() first"
        self.derived.wait()

    def source(self, src_uri: str) -> str | None:
        """The Markdown the generator renders: a card's body (never its front matter, which a
        generator could misread or honour), a page as checked; None for generated pages."""
        card = self.catalogue.by_path(src_uri)
        return card.body if card is not None else self.catalogue.pages.get(src_uri)

    def title(self, src_uri: str, given: object) -> object:
        """A page's title, escaped once (themes print titles as they are): a card's own
        title, or the one the generator found (``given``, perhaps None)."""
        card = self.catalogue.by_path(src_uri)
        title = card.meta.titre if card is not None else given
        return str(escape(title)) if isinstance(title, str) else title

    def content(self, src_uri: str, html: str, page_url: str) -> str:
        """A page's HTML once rendered: made inert, then completed."""
        html = sanitize.clean(html)
        if src_uri != pages.GLOSSARY:  # the first jargon word of the page's own text
            html = glossary.link(html, page_url)
        if self.catalogue.by_path(src_uri) is not None:
            # Header and footer are made beside the pages (derived.py), put in by page().
            return HEADER + html + FOOTER
        return self.pages.complete(src_uri, html, page_url)

    def headings(self, src_uri: str) -> tuple[list[outline.Heading], list[outline.Heading]]:
        """The sections a card's header and footer add around its text (before, after), for
        the generator's table of contents, which knows only the text's own; none for a page."""
        card = self.catalogue.by_path(src_uri)
        if card is None:
            return [], []
        header, footer, _jsonld = self._parts(card)
        return outline.headings(header), outline.headings(footer)

    def jsonld(self, src_uri: str) -> str | None:
        card = self.catalogue.by_path(src_uri)
        return self._parts(card)[2] if card is not None else None

    def _parts(self, card: AnyCard) -> tuple[str, str, str]:
        assert self.derived is not None, "start() first"
        return self.derived.parts(card)

    def page(self, src_uri: str, dest_uri: str, text: str, content: str) -> str:
        """A page as it will be written (``text``; ``content``: its article alone): the card's
        header and footer put in; its printable fragment kept for the kit page and the PDFs."""
        assert self.archive is not None, "start() first"
        if self.written_last is None:  # static files and theme pages are in place (the
            # derived files may be too, or not yet: named by finish(), for the same order)
            if self.settings.archive:
                present = archive.site_files(self.settings.site_dir)
                self.archive.add_all([rel for rel in present if not derived.is_derived(rel)])
        else:
            self.archive.add(self.written_last)  # written after the previous page() call
        self.written_last = dest_uri
        card = self.catalogue.by_path(src_uri)
        if card is None:
            return text
        header, footer, _jsonld = self._parts(card)
        printable = content.replace(HEADER, header).replace(FOOTER, footer)
        rel = f"{PRINTED}{card.id}.js"
        script = search_index.script("TERREAU_IMPRESSION", printable, key=card.id)
        atomic.write_text(self.settings.site_dir / rel, script)
        self.archive.add(rel)
        if self.settings.pdf:  # kept for the PDFs, made after the pages
            self.printables[card.id] = printable
        return text.replace(HEADER, header).replace(FOOTER, footer)

    def finish(self, written: set[str]) -> None:
        """After every page: PDFs, the check of the published files (``written``: what the
        generator says it wrote), then the offline archive. BuildFailure if anything is off."""
        site = self.settings.site_dir
        assert self.derived is not None and self.archive is not None, "start() first"
        self.derived.finish()  # written while the pages were
        self.derived.close()
        if self.settings.preview:  # made again beside the served pages, by another process
            derived.refresh_in_background(
                self.settings.docs_dir, site, self.settings.cache_dir, self.settings.root
            )
        self.archive.add_all(derived.written(site))  # after the pages, in the same order always
        expected = set(written) | (archive.names(self.parts) if self.settings.archive else set())
        # Merged cards' old addresses (issue 17): a page that leads to the card kept.
        address = published.online(self.settings.site_url)
        for rel, html in redirects.pages(self.catalogue, self.pages.env, address).items():
            if rel in expected:
                raise BuildFailure(f"Terreau : {rel} est à la fois une page et une redirection.")
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(site / rel, html)
            self.archive.add(rel)
            expected.add(rel)
        if self.settings.pdf:
            from terreau.site import pdf, plaquette  # WeasyPrint takes half a second to import

            address = self.settings.site_url or pdf.PLACEHOLDER
            jobs = self._pdf_jobs(address)
            rendered, reused = pdf.build(jobs, site, self.settings.cache_dir / "pdf", address)
            # The posters made at start() were made by this build, not taken from the cache.
            rendered, reused = rendered + self.posters_made, reused - self.posters_made
            self.say(f"PDF : {rendered} produit(s), {reused} repris du cache.")
            expected |= {job.target.relative_to(site).as_posix() for job in jobs}
            # The plaquette (issue 17): made when a page first showed its size, else now.
            self.plaquette_size()
            expected.add(plaquette.TARGET)
        expected |= set(self.data_files())  # written beside the pages (derived.py)
        found = output.unexpected(site, expected)
        if self.settings.preview:  # a preview's folder keeps what earlier builds wrote
            found = self._leftovers_removed(found)
        stray = [line for line in found if not (line.endswith(output.UNEXPECTED) and line.startswith(OWNED))]
        if stray:
            raise BuildFailure(
                "Terreau : le site construit contient des fichiers qu'aucune étape de la "
                "construction n'a produits ; rien n'est publié. Reconstruisez dans un dossier "
                "vide (sans --dirty).\n" + "\n".join(stray)
            )
        try:
            self.archive.close()
        except RuntimeError as error:
            raise BuildFailure(str(error)) from None
        self.archive = None
        if self.settings.archive:
            self._list_archives()

    def _list_archives(self) -> None:
        """The built site's page « Emporter le commun hors ligne » gets each archive's link and
        size, known now; the archives keep the page as written (where to download them)."""
        site = self.settings.site_dir
        page = site / offline.OFFLINE_PAGE
        if not page.is_file():
            return
        sizes = {o.name: (site / o.name).stat().st_size for o in self.offers}
        listed = offline.listing(self.pages.env, self.offers, sizes, self.settings.site_url)
        atomic.write_text(page, offline.with_sizes(page.read_text("utf-8"), listed))

    def stale_neighbours(self, pages: dict[str, tuple[bool, Path]]) -> list[Path]:
        """In a preview, before the generator decides which pages changed (``pages``: a page's
        path under docs/ → whether the generator will rewrite it, and its written page): the
        written pages of the cards that show something of a changed card — those pointing to it
        (« qui y renvoie »), those it points to, its axis — so that they are rewritten too.
        Returns the pages removed."""
        around: set[str] = set()
        for rel, (changed, _page) in pages.items():
            card = self.catalogue.by_path(rel)
            if card is None or not changed:
                continue
            around |= {c.id for group in self.catalogue.used_by(card.id).values() for c in group}
            around |= points_to(card)
            around.add(getattr(card.meta, "axe", "") or "")
        # A card deleted since the last build: what pointed to it is not known any more, so every
        # card's page is rewritten (a deletion is rare; an edit is what a preview lives on).
        written = {page for _changed, page in pages.values()}
        written |= {self.settings.site_dir / r.url for r in self.catalogue.redirects}  # old addresses
        cards = [pages[c.rel_path][1] for c in self.catalogue.cards.values() if c.rel_path in pages]
        if any(page not in written for folder in {p.parent for p in cards} for page in folder.glob("*.html")):
            around = set(self.catalogue.cards)
        removed = []
        for card_id in sorted(around):
            other = self.catalogue.cards.get(card_id)
            if other is not None and other.rel_path in pages and pages[other.rel_path][1].is_file():
                pages[other.rel_path][1].unlink()
                removed.append(pages[other.rel_path][1])
        return removed

    def _leftovers_removed(self, found: list[str]) -> list[str]:
        """A preview rewrites only what changed: the pages of cards deleted or renamed since
        the previous build (and their print fragments) are removed, as a clean build would not
        write them. Only plain files the site folder holds; anything else stays reported."""
        fragments = {f"{PRINTED}{card_id}.js" for card_id in self.catalogue.cards}
        kept = []
        for line in found:
            rel = line.removesuffix(output.UNEXPECTED)
            ours = rel.startswith(OWNED)  # rewritten by every build, but a deleted card's fragment
            gone = not ours or (rel.startswith(PRINTED) and rel not in fragments)
            if line.endswith(output.UNEXPECTED) and gone:
                (self.settings.site_dir / rel).unlink(missing_ok=True)
            else:
                kept.append(line)
        return kept

    def abandon(self) -> None:
        """The build failed: stop the helpers, drop the unfinished archive."""
        if self.derived is not None:
            self.derived.close()
        if self.archive is not None:
            self.archive.abandon()
            self.archive = None

    def _prepare_posters(self) -> None:
        """The starting exhibition's posters (site/posters.py), made into the PDF cache first,
        so that the pages linking them say their size; _pdf_jobs copies them into the site."""
        from terreau.site import pdf, posters

        site = self.settings.site_dir
        address = self.settings.site_url or pdf.PLACEHOLDER
        try:
            self.poster_jobs = posters.jobs(self.catalogue, site, address, self.cards.env)
        except posters.PanelError as error:
            raise BuildFailure(f"Terreau : {error}") from None
        cached, self.posters_made = pdf.render(
            self.poster_jobs, site, self.settings.cache_dir / "pdf", address
        )
        self.cards.posters = tuple(posters.downloads(site, self.poster_jobs, cached))

    # -- the plaquette (issue 17) ------------------------------------------------------------

    def _plaquette_job(self, address: str) -> pdf.Job:
        """The plaquette, with the « Notes » pages that make it a booklet (pages by fours)."""
        from terreau.site import pdf, plaquette

        site, cache = self.settings.site_dir, self.settings.cache_dir / "pdf"
        job = plaquette.job(self.pages, site, address)
        count = pdf.page_count(job, site, cache, address)
        if count % 4:
            job = plaquette.job(self.pages, site, address, notes=4 - count % 4)
        return job

    def plaquette_size(self) -> int | None:
        """The plaquette's size in bytes, for the pages that link to it (None without PDFs).
        Made (or taken from the cache) when a page first asks, before the other PDFs, which
        come after the pages; written once, so the archive reads it once."""
        if not self.settings.pdf:
            return None
        if self._plaquette_bytes is None:
            from terreau.site import pdf

            address = self.settings.site_url or pdf.PLACEHOLDER
            job = self._plaquette_job(address)
            pdf.build([job], self.settings.site_dir, self.settings.cache_dir / "pdf", address, workers=1)
            self._plaquette_bytes = job.target.stat().st_size
        return self._plaquette_bytes

    def _pdf_jobs(self, address: str) -> list[pdf.Job]:
        from terreau.site import pdf

        site = self.settings.site_dir
        jobs = []
        for card_id, html in sorted(self.printables.items()):
            card = self.catalogue.cards[card_id]
            target = site / pages.card_pdf(card.url)
            doc = self.cards.printable(card.meta.titre, [(card.meta.titre, html)])
            folder = posixpath.dirname(card.url)
            jobs.append(pdf.Job(target, doc, f"{address}{folder}/"))
        for route in self.catalogue.of_model(Parcours):
            steps = [self.catalogue.cards[s.fiche] for s in route.meta.etapes]
            parts = [(c.meta.titre, self.printables[c.id]) for c in steps if c.id in self.printables]
            doc = self.cards.printable(
                route.meta.titre,
                parts,
                subtitle=route.meta.resume,
                booklet=True,
                overview=self.printables.get(route.id, ""),
            )
            target = site / pages.booklet_pdf(route.id)
            jobs.append(pdf.Job(target, doc, f"{address}parcours/"))
        jobs += self.poster_jobs  # the starting exhibition's posters: already in the cache
        return jobs

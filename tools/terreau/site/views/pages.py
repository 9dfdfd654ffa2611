"""The site's own pages that show the catalogue: search, « Par où commencer ? », listings,
map, maintainers' pages. Each is declared once in ``VIEWS``, by the page it completes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from terreau.contribute import raconter, reference
from terreau.core import communes, pages, podcasts
from terreau.core.loader import AnyCard
from terreau.core.models import PRACTICE_KINDS, Axe, Fiche, Retour
from terreau.core.situations import get as get_situation
from terreau.core.situations import situations
from terreau.core.vocabulary import vocabulary
from terreau.derive import finder, places
from terreau.derive.finder import Suggestion
from terreau.site import glossary, hosting
from terreau.site.render import Views, french_date, size_label, thousands
from terreau.site.views import listings


class PageViews(Views):
    """The HTML a page of the site gets after its own text, by the page's path under docs/."""

    # The plaquette's size in bytes, None when the build makes no PDF (set by SiteBuild).
    plaquette_size: Callable[[], int | None] = staticmethod(lambda: None)
    # The list of offline archives as the archives hold it (offline.listing), None when the
    # build makes no archive (set by SiteBuild; the built site's copy gets the sizes later).
    offline_list: str | None = None

    def plaquette_link(self, page_url: str) -> dict[str, str] | None:
        """A link to plaquette.pdf with its size (« 52 ko »), if the build makes it."""
        size = self.plaquette_size()
        if size is None:
            return None
        return {"href": self.relative(page_url, "plaquette.pdf"), "size": size_label(size)}

    def plaquette(self, page_url: str) -> str:
        """« La plaquette »: the link to the PDF, with its size."""
        return self.env.get_template("plaquette_page.html").render(pdf=self.plaquette_link(page_url))

    def offline(self, page_url: str) -> str:
        """« Emporter le commun hors ligne »: how to use the archives, and their list."""
        return self.env.get_template("hors_ligne.html").render(listing=self.offline_list, pdf=self.pdf)

    def finder(self) -> str:
        """The finder's form, with every facet value and its count over the whole commons."""
        cards = list(self.catalogue.cards.values())
        facets = []
        for facet in finder.FACETS:
            counts: dict[str, int] = {}
            for card in cards:
                for value in finder.facet_values(card, self.catalogue)[facet.id]:
                    counts[value] = counts.get(value, 0) + 1
            values = [
                {"id": v, "label": label, "count": counts.get(v, 0)}
                for v, label in finder.facet_choices(facet, self.catalogue)
            ]
            facets.append(
                {
                    "id": facet.id,
                    "label": facet.label,
                    "values": values,
                    "open": facet.id in ("type", "besoins"),
                }
            )
        return self.env.get_template("recherche.html").render(facets=facets)

    def depart(self, page_url: str) -> str:
        """The home page: the situations that bring a commune here, each a link to its own
        page (without JavaScript); with it, the answer shows in place and the questions
        below refine it."""
        sizes = [(t.id, t.libelle, t.habitants_max) for t in vocabulary("taille_commune").terms.values()]
        durations = [(t.id, t.libelle) for t in vocabulary("classe_duree").terms.values()]
        questions = [
            {
                "name": "taille",
                "legend": "Taille de la commune",
                "choices": [("", "Peu importe", None), *sizes],
            },
            {
                "name": "porteur",
                "legend": "Qui porte le projet",
                "choices": [("", "Peu importe"), *vocabulary("porteurs").questions()],
            },
            {"name": "duree", "legend": "Temps disponible", "choices": [("", "Peu importe"), *durations]},
            {
                "name": "cout",
                "legend": "Budget",
                "choices": [("", "Peu importe"), *vocabulary("cout").questions()],
            },
        ]
        listed = [
            {
                "id": s.id,
                "question": s.question,
                "description": s.description,
                "href": self.relative(page_url, f"trouver/{s.id}.html"),
            }
            for s in situations()
        ]
        browse = [
            {"label": label, "href": self.relative(page_url, target)}
            for target, label in [
                ("recherche.html", "Rechercher une fiche, avec des filtres"),
                ("axes/index.html", "Les cinq axes de la résilience et leurs actions"),
                ("methodes/index.html", "Toutes les méthodes"),
                ("outils/index.html", "Toutes les fiches outils, à imprimer"),
                ("parcours/index.html", "Les parcours"),
                ("retours/index.html", "Les retours d'expérience"),
            ]
        ]
        return self.env.get_template("depart.html").render(
            plaquette=self.plaquette_link(page_url),
            plaquette_page=self.relative(page_url, "plaquette.html"),
            questions=questions,
            situations=listed,
            browse=browse,
            finder_href=self.relative(page_url, "recherche.html"),
        )

    def suggestion(self, page_url: str, s: Suggestion, examples: bool = True) -> dict[str, Any]:
        """One suggested card as the pages show it: link, key facts, reasons, a field example."""
        proof = self._evidence()[s.card.id].retours if examples else []
        return self.link(page_url, s.card.id) | {
            "resume": s.card.meta.resume,
            "axes": finder.facet_values(s.card, self.catalogue)["axes"],
            "facts": finder.key_facts(s.card),
            "reasons": s.reasons,
            "example": self.record_link(page_url, proof[0]) if proof else None,
        }

    def record_link(self, page_url: str, record: AnyCard) -> dict[str, Any]:
        """A feedback record's link with where it happened: place, département, population."""
        assert isinstance(record.meta, Retour)
        known = communes.departements_of(record.meta.lieu.communes)
        names = places.departements()
        population = finder.record_population(record.meta)
        return self.link(page_url, record.id) | {
            "lieu": record.meta.lieu.nom,
            "departements": ", ".join(names[d]["nom"] for d in known if d in names),
            "population": thousands(population) if population is not None else None,
        }

    def trouver(self, situation_id: str, page_url: str) -> str:
        """The page of one situation: suggestions (with their facts and why), a parcours,
        field records, then every card that answers it."""
        situation = get_situation(situation_id)
        found = finder.answer(self.catalogue, situation)
        groups = []
        for kind in ("action", "methode", "outil"):
            cards = [c for c in found.cards if c.kind == kind]
            if cards:
                label = vocabulary("type").terms[kind].pluriel
                groups.append(
                    {"label": label, "total": len(cards), "cards": [self.link(page_url, c.id) for c in cards]}
                )
        return self.env.get_template("trouver.html").render(
            situation=situation,
            suggestions=[self.suggestion(page_url, s) for s in found.suggestions],
            route=self.suggestion(page_url, found.route, examples=False) if found.route else None,
            records=[self.record_link(page_url, r) for r in found.records],
            groups=groups,
            home_href=self.relative(page_url, "index.html"),
        )

    def map(self, page_url: str) -> str:
        """The map of field experiences, as an SVG drawn at build time, and its list."""
        every, unplaced = places.places(self.catalogue)
        placed = [
            {"code": p.code, "nom": p.nom, "records": [self.link(page_url, r.id) for r in p.records]}
            for p in every
            if p.records
        ]
        return self.env.get_template("carte.html").render(
            width=places.WIDTH,
            height=places.HEIGHT,
            outline=places.outline(),
            places=[{"code": p.code, "nom": p.nom, "x": p.x, "y": p.y, "records": p.records} for p in every],
            placed=placed,
            unplaced=[self.link(page_url, r.id) for r in unplaced],
            total=len(self.catalogue.of_model(Retour)),
        )

    def to_review_page(self, page_url: str) -> str:
        cards = [
            self.link(page_url, c.id)
            | {
                "relu": ("relue le " + french_date(c.meta.relu_le))
                if isinstance(c.meta, Fiche) and c.meta.relu_le is not None
                else "jamais relue",
            }
            for c in finder.ordered(self.catalogue)
            if isinstance(c.meta, Fiche) and self.to_review(c)
        ]
        return self.env.get_template("a_relire.html").render(cards=cards, months=self.review_months)

    def contributors_page(self, page_url: str) -> str:
        by_structure: dict[str, list[AnyCard]] = {}
        by_inspiration: dict[str, list[AnyCard]] = {}
        by_person: dict[str, int] = {}
        for card in finder.ordered(self.catalogue):
            for s in getattr(card.meta, "structures", []):
                by_structure.setdefault(s, []).append(card)
            for entry in getattr(card.meta, "d_apres", []):
                by_inspiration.setdefault(entry.structure, []).append(card)
            for person in self.history.of(self.docs_prefix + card.rel_path).contributors:
                by_person[person] = by_person.get(person, 0) + 1

        def grouped(found: dict[str, list[AnyCard]]) -> list[dict[str, Any]]:
            return [
                {"name": name, "count": len(cards), "cards": [self.link(page_url, c.id) for c in cards[:10]]}
                for name, cards in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            ]

        structures, inspirations = grouped(by_structure), grouped(by_inspiration)
        people = [
            {"name": n, "count": k} for n, k in sorted(by_person.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return self.env.get_template("contributeurs.html").render(
            structures=structures, inspirations=inspirations, people=people
        )

    def listing(self, kind: str, page_url: str) -> str:
        """Every card of one kind, grouped (listings.groups), each with its key facts; the
        finder, pre-filtered on the kind, does the filtering (the feedback page adds the map)."""
        finder_href = self.relative(page_url, "recherche.html") + f"?type={kind}"
        cards = self.catalogue.of_kind(kind)

        def line(card: AnyCard) -> dict[str, Any]:
            return self.link(page_url, card.id) | {
                "id": card.id,
                "facts": listings.facts(card),
                "also": listings.also(card),
                "resume": card.meta.resume if kind in listings.WITH_SUMMARY else "",
            }

        def view(group: listings.Group) -> dict[str, Any]:
            return {
                "title": group.title,
                "anchor": listings.anchor(group.title),
                "count": group.count,
                "cards": [line(c) for c in group.cards],
                "subgroups": [view(g) for g in group.subgroups],
            }

        quick = [
            {
                "label": facet.label,
                "values": [
                    {"label": label, "count": n, "href": f"{finder_href}&{facet.id}={value}"}
                    for value, label, n in values
                ],
            }
            for facet, values in listings.quick_filters(self.catalogue, kind)
        ]
        return self.env.get_template("liste.html").render(
            total=len(cards),
            groups=[view(g) for g in listings.groups(self.catalogue, kind)],
            finder_href=finder_href,
            quick=quick,
            kit_page=self.relative(page_url, "kit.html"),
            map=Markup(self.map(page_url)) if kind == "retour" else "",
        )

    def kit(self, page_url: str) -> str:
        return self.env.get_template("kit.html").render(finder_href=self.relative(page_url, "recherche.html"))

    def raconter(self, page_url: str) -> str:
        """« Raconter votre expérience »: the forms, drawn from their description
        (contribute/raconter.py), which the page's script also reads to check, preview and send."""
        forge_name, forge_new = "", ""
        if self.forge is not None:
            forge_name = self.forge.name
            forge_new = self.forge.new_file("FICHIER")
        data = raconter.data(self.contact, forge_new, self.forge.docs if self.forge else "docs")
        groups = [  # the cards a record can have used, by kind, by title
            {
                "label": vocabulary("type").terms[kind].pluriel,
                "cards": [
                    {"id": c.id, "titre": c.meta.titre}
                    for c in sorted(self.catalogue.of_kind(kind), key=lambda c: c.meta.titre)
                ],
            }
            for kind in PRACTICE_KINDS
        ]
        placements = [
            {
                "label": f"{axis.meta.titre} — {o.titre}",
                "choices": [(f"{axis.id}|{o.id}|{obj.id}", obj.titre) for obj in o.objectifs],
            }
            for axis in self.catalogue.of_model(Axe)
            for o in axis.meta.orientations  # type: ignore[union-attr]
        ]
        return self.env.get_template("raconter.html").render(
            forms=list(data["formes"].values()),
            data=data,
            groups=groups,
            placements=placements,
            forge_name=forge_name,
            forge_issue=self.forge.form("retour") if self.forge else "",
            contact=self.contact,
            reply=self.reply,
            reference_href=self.relative(page_url, "contribuer.html"),
            paper_href=self.relative(page_url, "outils/gabarit-retour-experience.html"),
        )

    def contribute(self, page_url: str) -> str:
        """« Contribuer »: who reads what people send, the contribution guide on the forge,
        and the maintainers' pages (out of the menu)."""
        return self.env.get_template("contribuer.html").render(
            reply=self.reply,
            guide=self.forge.file("CONTRIBUTING.md") if self.forge else "",
            forge_name=self.forge.name if self.forge else "",
            links=[
                (self.relative(page_url, target), label, what)
                for target, label, what in [
                    ("contribuer/reference.html", "Référence des fiches", "chaque champ, chaque message"),
                    ("contribuer/a-relire.html", "Fiches à relire", "les fiches dont la relecture date"),
                    ("contribuer/heberger.html", "Héberger le site", "le publier sur son propre serveur"),
                    ("contribuer/architecture.html", "Architecture du code", "comment le site est construit"),
                    ("performances.html", "Performances", "les mesures sur de grands catalogues"),
                ]
            ],
        )

    def hosting(self, page_url: str) -> str:
        return self.env.get_template("heberger.html").render(
            nginx=hosting.nginx(), apache=hosting.apache(), headers=hosting.headers_file()
        )

    def glossary(self, page_url: str) -> str:
        """The glossary's definitions, from core/data/glossaire.yml (one entry per word)."""
        return self.env.get_template("glossaire.html").render(terms=glossary.terms())

    def podcasts(self, page_url: str) -> str:
        """« Écouter d'autres communes »: real episodes and series (core/data/podcasts.yml), by theme."""
        listening = podcasts.listening()
        return self.env.get_template("podcasts.html").render(
            groups=listening.by_theme(), total=len(listening.ecoutes)
        )

    def reference(self, page_url: str) -> str:
        return self.env.get_template("reference.html").render(reference.context(self.catalogue))

    def complete(self, src: str, html: str, page_url: str) -> str:
        """A page's HTML followed by what the site adds to it: the page's own view if it has
        one, then « Partager un retour » (a page of the site is not edited by its readers:
        « Modifier cette page » is on cards only)."""
        view = view_of(src)
        if view:
            html += view(self, page_url)
        return html + self.env.get_template("liens_forge.html").render(forge=self.forge_links(None, page_url))


View = Callable[[PageViews, str], str]


def _situation(situation_id: str) -> View:
    return lambda views, page_url: views.trouver(situation_id, page_url)


def _kind(kind: str) -> View:
    return lambda views, page_url: views.listing(kind, page_url)


# Every page that shows more than its own text, by its path under docs/: declared once.
VIEWS: dict[str, View] = {
    pages.SEARCH: lambda views, page_url: views.finder(),
    pages.HOME: PageViews.depart,
    pages.KIT[0]: PageViews.kit,
    pages.PLAQUETTE: PageViews.plaquette,
    pages.TELL[0]: PageViews.raconter,
    pages.OFFLINE[0]: PageViews.offline,
    pages.TO_REVIEW[0]: PageViews.to_review_page,
    pages.HOSTING: PageViews.hosting,
    pages.CONTRIBUTE: PageViews.contribute,
    pages.GLOSSARY: PageViews.glossary,
    pages.PODCASTS: PageViews.podcasts,
    pages.CONTRIBUTORS: PageViews.contributors_page,
    pages.REFERENCE[0]: PageViews.reference,
    **{uri: _kind(kind) for kind, (uri, _title) in pages.LISTINGS.items()},
    **{f"trouver/{sid}.md": _situation(sid) for sid, _question in pages.SITUATIONS},
}


def view_of(src: str) -> View | None:
    return VIEWS.get(src)

"""HTML fragments around a card (metadata block, steps, sources, links), from Jinja templates.

Templates live in the package (templates/) and a site may override any of them by
putting a file of the same name in its own folder (the plugin's ``gabarits`` option).
Autoescaping is on: every value a contributor wrote is escaped, never trusted.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlencode

import jinja2

from terreau.core import attribution

from terreau.derive import finder, places

from terreau.site import qr
from terreau.core.catalogue import Catalogue
from terreau.core.forge import Forge
from terreau.core.loader import AnyCard
from terreau.core.models import (
    Action,
    Axe,
    Duree,
    Fiche,
    Methode,
    Outil,
    Parcours,
    Periode,
    Pratique,
    Retour,
    TailleGroupe,
)
from terreau.core.vocabulary import vocabulary


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def environment(override_dir: Path | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(override_dir)))
    loaders.append(jinja2.PackageLoader("terreau.site", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["terreau_count"] = lambda key, groups: len(groups.get(key, []))
    return env


def duration(d: Duree) -> str:
    unit = vocabulary("unite_duree").terms[d.unite]
    if d.max is None or d.max == d.min:
        return unit.count(d.min)
    return f"{d.min} à {unit.count(d.max)}"


def group_size(t: TailleGroupe) -> str:
    if t.max is None:
        return f"{t.min} personnes ou plus"
    if t.max == t.min:
        return f"{t.min} personne" + ("s" if t.min > 1 else "")
    return f"{t.min} à {t.max} personnes"


MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def month(value: str) -> str:
    """« 2021-03 » → « mars 2021 »; a year stays a year."""
    if len(value) == 7:
        return f"{MONTHS[int(value[5:]) - 1]} {value[:4]}"
    return value


def french_date(d: dt.date) -> str:
    """« 22 novembre 2026 », « 1er mars 2025 »."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS[d.month - 1]} {d.year}"


def period(p: Periode) -> str:
    if p.fin:
        return f"de {month(p.debut)} à {month(p.fin)}"
    # No end date: ongoing, or unknown. Say only what is known.
    return f"à partir de {month(p.debut)}"


def thousands(n: int) -> str:
    """French thousands separator (a narrow no-break space): 70 000."""
    return f"{n:,}".replace(",", "\u202f")


def labels(vocab: str, ids: list[str]) -> str:
    v = vocabulary(vocab)
    return ", ".join(v.label(i) for i in ids)


class Renderer:
    """Renders the fragments of card pages for one catalogue."""

    def __init__(
        self,
        catalogue: Catalogue,
        env: jinja2.Environment,
        site_url: str = "",
        forge: Forge | None = None,
        pdf: bool = False,
        history: attribution.History | None = None,
        docs_prefix: str = "docs/",
        review_before: dt.date | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.env = env
        self.pdf = pdf
        self.history = history or attribution.History(available=False)
        self.docs_prefix = docs_prefix
        self.review_before = review_before
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.forge = forge

    def print_links(self, card: AnyCard) -> list[dict[str, str]]:
        """The addresses printed at the foot of a card, each with its QR code."""
        links = []
        if self.site_url:
            address = self.site_url + card.url
            title = "Code QR vers la fiche en ligne"
            links.append({"label": "Cette fiche en ligne", "url": address, "qr": qr.svg(address, title)})
        if self.forge is not None:
            form = self.forge.form("retour")
            title = "Code QR vers le formulaire de retour d'expérience"
            links.append({"label": "Partager un retour d'expérience", "url": form, "qr": qr.svg(form, title)})
        return links

    # -- links -----------------------------------------------------------------------------

    @staticmethod
    def relative(from_url: str, to_url: str) -> str:
        """A link from one page to another, both given as site-relative file URLs (a/b.html)."""
        return posixpath.relpath(to_url, posixpath.dirname(from_url) or ".")

    def link(self, from_url: str, card_id: str) -> dict[str, str]:
        card = self.catalogue.cards[card_id]
        return {
            "href": self.relative(from_url, card.url),
            "titre": card.meta.titre,
            "type": vocabulary("type").label(card.kind),
        }

    # -- view models -----------------------------------------------------------------------

    def facts(self, card: AnyCard) -> list[Fact]:
        """The metadata a mayor reads first, as label/value pairs."""
        m = card.meta
        facts: list[Fact] = []

        def add(label: str, value: str | None) -> None:
            if value:
                facts.append(Fact(label, value))

        if isinstance(m, Action):
            where = self.catalogue.placement(card)
            assert where.axe and where.orientation and where.objectif, "checked by the catalogue"
            add("Axe", where.axe.titre)
            add("Orientation", where.orientation.titre)
            add("Objectif", where.objectif.titre)
        if isinstance(m, Retour):
            add("Lieu", m.lieu.nom)
            for commune in m.lieu.communes:
                pop = (
                    f", {thousands(commune.population)} habitants ({commune.annee_population})"
                    if commune.population is not None
                    else ""
                )
                add("Commune", f"{commune.nom} (code INSEE {commune.insee}{pop})")
            add("Période", period(m.periode))
            add("Portée par", m.structure_porteuse)
            add("Vérification", labels("verification", [m.verification]))
        if hasattr(m, "besoins"):
            add("Besoins", labels("besoins", m.besoins))
        if hasattr(m, "porteurs"):
            add("Qui porte", labels("porteurs", m.porteurs))
        if hasattr(m, "publics"):
            add("Public", labels("publics", m.publics))
        if isinstance(m, Pratique) and m.taille_groupe is not None:
            add("Taille du groupe", group_size(m.taille_groupe))
        if hasattr(m, "duree"):
            add("Durée", duration(m.duree))
        if hasattr(m, "cout"):
            add("Coût", labels("cout", [m.cout]))
        if hasattr(m, "difficulte"):
            add("Difficulté", labels("difficulte", [m.difficulte]))
        if hasattr(m, "maturite"):
            add("Maturité", labels("maturite", [m.maturite]))
        if isinstance(m, Action):
            add("Horizon", labels("horizon", [m.horizon]))
            add("Compétence nécessaire", m.competence)
        if isinstance(m, Pratique | Parcours) and m.communes:
            add("Communes", labels("taille_commune", m.communes))
        if isinstance(m, Methode | Outil) and m.axes:
            add("Axes", ", ".join(self.catalogue.cards[a].meta.titre for a in m.axes))
        return facts

    def evidence(self, card: AnyCard) -> dict[str, Any] | None:
        """What field feedback says about a card, for its badge; None for records and axes."""
        if card.kind in ("retour", "axe"):
            return None
        proof = self._evidence().get(card.id, finder.Evidence())
        small = proof.small_commune
        return {
            "count": proof.count,
            "latest": month(proof.latest) if proof.latest else None,
            "small": None if small is None else ("oui" if small else "non"),
        }

    def _evidence(self) -> dict[str, finder.Evidence]:
        if not hasattr(self, "_proofs"):
            self._proofs = finder.evidence(self.catalogue)
        return self._proofs

    def kit_href(self, card: AnyCard) -> str | None:
        """For a parcours: its steps as a kit to print from the browser."""
        if not isinstance(card.meta, Parcours):
            return None
        ids = ",".join(s.fiche for s in card.meta.etapes)
        query = urlencode({"fiches": ids, "titre": card.meta.titre})
        return self.relative(card.url, "kit.html") + "?" + query

    def printable(
        self, title: str, parts: list[tuple[str, str]], subtitle: str = "", booklet: bool = False
    ) -> str:
        """A standalone document for WeasyPrint: one card, or a booklet of (title, html)."""
        return self.env.get_template("impression.html").render(
            title=title,
            subtitle=subtitle,
            booklet=booklet,
            cards=[{"titre": t, "html": h} for t, h in parts],
        )

    def to_review(self, card: AnyCard) -> bool:
        """Not reviewed since the configured date (or never): shown « à relire »."""
        if self.review_before is None or card.kind == "axe":
            return False
        reviewed = getattr(card.meta, "relu_le", None)
        return reviewed is None or reviewed < self.review_before

    def forge_links(self, src_path: str | None) -> dict[str, str] | None:
        """« Modifier cette page » (for a file of docs/) and « Partager un retour »."""
        if self.forge is None:
            return None
        links = {"retour": self.forge.form("retour")}
        if src_path:
            links["modifier"] = self.forge.edit(src_path)
        return links

    def credits(self, card: AnyCard) -> dict[str, Any]:
        """Who wrote the card (Git history, .mailmap, co-authors) and how to cite it."""
        story = self.history.of(self.docs_prefix + card.rel_path)
        authors = list(dict.fromkeys([*getattr(card.meta, "auteurs", []), *story.contributors]))
        structures = list(getattr(card.meta, "structures", []))
        by = ", ".join(structures + [a for a in authors if a not in structures]) or "Terreau"
        address = (self.site_url + card.url) if self.site_url else card.url
        cite = f"« {card.meta.titre} », fiche Terreau ({by}), {address}, licence CC BY-SA 4.0."
        return {
            "people": story.contributors,
            "last_change": french_date(story.last_change) if story.last_change else None,
            "cite": cite,
            "history": self.history.available,
            "shallow": self.history.shallow,
        }

    def header(self, card: AnyCard) -> str:
        return self.env.get_template("fiche_entete.html").render(
            to_review=self.to_review(card),
            forge=self.forge_links(card.rel_path),
            pdf=PurePosixPath(card.url).with_suffix(".pdf").name if self.pdf else None,
            booklet=f"{card.id}-livret.pdf" if self.pdf and card.kind == "parcours" else None,
            kit=self.kit_href(card),
            card=card,
            meta=card.meta,
            kind_label=vocabulary("type").label(card.kind),
            facts=self.facts(card),
            evidence=self.evidence(card),
        )

    def feedback(self, card: AnyCard) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The records that used a card, and the average of their self-evaluation grids."""
        records = self._evidence().get(card.id, finder.Evidence()).retours
        views = []
        for r in sorted(records, key=lambda r: r.meta.periode.debut, reverse=True):
            m: Retour = r.meta
            views.append(
                self.link(card.url, r.id)
                | {
                    "lieu": m.lieu.nom,
                    "periode": period(m.periode),
                    "structure": m.structure_porteuse,
                    "adaptations": m.adaptations,
                    "verification": labels("verification", [m.verification]),
                }
            )
        grids = [r.meta.grille for r in records if r.meta.grille is not None]
        average = []
        if grids:
            for key, term in vocabulary("grille").terms.items():
                mean = sum(getattr(g, key) for g in grids) / len(grids)
                average.append({"libelle": term.libelle, "note": f"{mean:.1f}".replace(".", ",")})
        return views, average

    def footer(self, card: AnyCard) -> str:
        m = card.meta
        url = card.url
        steps: list[dict[str, Any]] = []
        if isinstance(m, Methode):
            steps = [
                {
                    "titre": s.titre,
                    "description": s.description,
                    "outils": [self.link(url, t) for t in s.outils],
                }
                for s in m.etapes
            ]
        if isinstance(m, Parcours):
            steps = [
                {
                    "titre": self.link(url, s.fiche)["titre"],
                    "description": s.pourquoi,
                    "quand": s.quand,
                    "fiche": self.link(url, s.fiche),
                    "outils": [],
                }
                for s in m.etapes
            ]
        used_by = {
            vocabulary("type").label(kind): [self.link(url, c.id) for c in cards]
            for kind, cards in self.catalogue.used_by(card.id).items()
        }
        records, average = self.feedback(card)
        return self.env.get_template("fiche_pied.html").render(
            card=card,
            meta=m,
            credits=self.credits(card),
            print_links=self.print_links(card),
            records=records,
            grid_average=average,
            grid_count=sum(
                1
                for r in self._evidence().get(card.id, finder.Evidence()).retours
                if r.meta.grille is not None
            ),
            steps=steps,
            is_parcours=isinstance(m, Parcours),
            retour=m if isinstance(m, Retour) else None,
            grille=self._grid(m) if isinstance(m, Retour) else [],
            liens=[self.link(url, i) for i in getattr(m, "liens", [])],
            fiches=[self.link(url, i) for i in getattr(m, "fiches", [])],
            used_by=used_by,
            axe=m if isinstance(m, Axe) else None,
            actions=self._actions_of_axis(card) if isinstance(m, Axe) else {},
        )

    @staticmethod
    def _grid(meta: Retour) -> list[dict[str, Any]]:
        """The self-evaluation grid in the vocabulary's order, with its labels."""
        if meta.grille is None:
            return []
        scale = vocabulary("echelle_grille")
        return [
            {
                "libelle": term.libelle,
                "note": getattr(meta.grille, key),
                "echelle": scale.label(str(getattr(meta.grille, key))),
            }
            for key, term in vocabulary("grille").terms.items()
        ]

    def _actions_of_axis(self, card: AnyCard) -> dict[str, list[dict[str, str]]]:
        found: dict[str, list[dict[str, str]]] = {}
        for action in self.catalogue.of_model(Action):
            if action.meta.axe == card.id:
                found.setdefault(action.meta.objectif, []).append(self.link(card.url, action.id))
        return found

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

    # -- « Par où commencer ? » -----------------------------------------------------------

    def depart(self, page_url: str) -> str:
        """The home page's questions; each need also links to its own page (no JavaScript)."""
        sizes = [(t.id, t.libelle) for t in vocabulary("taille_commune").terms.values()]
        durations = [(t.id, t.libelle) for t in vocabulary("classe_duree").terms.values()]
        questions = [
            {"name": "besoin", "legend": "Que voulez-vous faire ?", "choices": finder.NEEDS},
            {
                "name": "taille",
                "legend": "Combien d'habitants compte la commune ?",
                "choices": [("", "Peu importe"), *sizes],
            },
            {
                "name": "porteur",
                "legend": "Qui porte la démarche ?",
                "choices": [("", "Peu importe"), *vocabulary("porteurs").questions()],
            },
            {
                "name": "duree",
                "legend": "De combien de temps disposez-vous ?",
                "choices": [("", "Peu importe"), *durations],
            },
            {
                "name": "cout",
                "legend": "Quel budget pouvez-vous y consacrer ?",
                "choices": [("", "Peu importe"), *vocabulary("cout").questions()],
            },
        ]
        needs = [
            {"label": label, "href": self.relative(page_url, f"trouver/{need}.html")}
            for need, label in finder.NEEDS
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
            questions=questions,
            needs=needs,
            browse=browse,
            finder_href=self.relative(page_url, "recherche.html"),
        )

    def trouver(self, need: str, page_url: str) -> str:
        """The page of one need: suggestions with their reasons, a parcours, every card."""
        suggestions, route = finder.suggest(self.catalogue, finder.Question(need))

        def view(s: finder.Suggestion) -> dict[str, Any]:
            return self.link(page_url, s.card.id) | {"resume": s.card.meta.resume, "reasons": s.reasons}

        groups = []
        plural = {"methode": "Méthodes", "outil": "Fiches outils", "parcours": "Parcours"}
        for kind in ("methode", "outil", "parcours"):
            cards = [
                c
                for c in finder.ordered(self.catalogue)
                if c.kind == kind and need in getattr(c.meta, "besoins", [])
            ]
            if cards:
                groups.append(
                    {
                        "label": plural[kind],
                        "total": len(cards),
                        "cards": [self.link(page_url, c.id) for c in cards[:50]],
                    }
                )
        return self.env.get_template("trouver.html").render(
            suggestions=[view(s) for s in suggestions],
            route=view(route) if route else None,
            groups=groups,
            finder_href=self.relative(page_url, "recherche.html") + f"?besoins={need}",
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
            places=[{"code": p.code, "nom": p.nom, "x": p.x, "y": p.y, "records": p.records} for p in every],
            placed=placed,
            unplaced=[self.link(page_url, r.id) for r in unplaced],
            total=len(self.catalogue.of_model(Retour)),
        )

    # -- maintainers and contributors ------------------------------------------------------

    def to_review_page(self, page_url: str, months: int) -> str:
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
        return self.env.get_template("a_relire.html").render(cards=cards, months=months)

    def contributors_page(self, page_url: str) -> str:
        by_structure: dict[str, list[AnyCard]] = {}
        by_person: dict[str, int] = {}
        for card in finder.ordered(self.catalogue):
            for s in getattr(card.meta, "structures", []):
                by_structure.setdefault(s, []).append(card)
            for person in self.history.of(self.docs_prefix + card.rel_path).contributors:
                by_person[person] = by_person.get(person, 0) + 1
        structures = [
            {"name": name, "count": len(cards), "cards": [self.link(page_url, c.id) for c in cards[:10]]}
            for name, cards in sorted(by_structure.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        people = [
            {"name": n, "count": k} for n, k in sorted(by_person.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return self.env.get_template("contributeurs.html").render(structures=structures, people=people)

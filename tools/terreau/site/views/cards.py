"""Card pages: the header (facts a mayor reads first, links, evidence) and the footer
(steps, sources, credits, printed addresses, feedback, links), from Jinja templates."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from terreau.core import pages
from terreau.core.loader import AnyCard
from terreau.core.models import PRACTICE_KINDS, Action, Axe, Methode, Outil, Parcours, Pratique, Retour
from terreau.core.vocabulary import vocabulary
from terreau.derive import finder
from terreau.site import address as published
from terreau.site import glossary, posters, qr
from terreau.site.render import (
    TELL_URL,
    Fact,
    Views,
    commune_sizes,
    duration,
    french_date,
    group_size,
    inhabitants,
    labels,
    month,
    period,
    thousands,
)


class CardViews(Views):
    """The fragments around a card's text, one card at a time."""

    # The starting exhibition's posters, once made (SiteBuild.start): file, format, size.
    posters: tuple[dict[str, str], ...] = ()

    def poster_links(self, card: AnyCard) -> list[dict[str, str]]:
        """The posters' downloads, on the panels card and on the cards that link it."""
        if card.id != posters.CARD and posters.CARD not in getattr(card.meta, "liens", []):
            return []
        return [p | {"href": self.relative(card.url, p["url"])} for p in self.posters]

    def print_links(self, card: AnyCard) -> list[dict[str, str]]:
        """The addresses printed at the foot of a card, each with its QR code: the card's own only
        if the site has a real published address (never a placeholder); the feedback form, the
        site's own (raconter.html) there, else the forge's, the only one a printed code can reach."""
        links = []
        form = None
        if published.is_real(self.site_url):
            address = self.site_url + card.url
            title = "Code QR vers la fiche en ligne"
            links.append({"label": "Cette fiche en ligne", "url": address, "qr": qr.svg(address, title)})
            tried = self.tried(card)
            form = self.site_url + TELL_URL + (f"?fiche={tried}" if tried else "")
        elif self.forge is not None:
            form = self.forge.form("retour")
        if form:
            title = "Code QR vers le formulaire de retour d'expérience"
            links.append({"label": "Partager un retour d'expérience", "url": form, "qr": qr.svg(form, title)})
        return links

    @staticmethod
    def tried(card: AnyCard) -> str:
        """The card's id if a feedback record can say it used it (the form ticks it), else ""."""
        return card.id if card.kind in PRACTICE_KINDS else ""

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
                add("Commune", f"{commune.nom} (code INSEE {commune.insee}{inhabitants(commune)})")
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
            band = vocabulary("cout").terms[m.cout]
            add("Coût", f"{band.libelle} ({band.montant})" if band.montant else band.libelle)
        if hasattr(m, "difficulte"):
            add("Difficulté", labels("difficulte", [m.difficulte]))
        if hasattr(m, "maturite"):
            add("Maturité", labels("maturite", [m.maturite]))
        if isinstance(m, Action):
            add("Horizon", labels("horizon", [m.horizon]))
            add("Compétence nécessaire", m.competence)
        if isinstance(m, Pratique | Parcours) and m.communes:
            every = set(m.communes) == set(vocabulary("taille_commune").terms)
            add("Communes", "De toute taille" if every else labels("taille_commune", m.communes))
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

    def kit_href(self, card: AnyCard) -> str | None:
        """For a parcours: its steps as a kit to print from the browser."""
        if not isinstance(card.meta, Parcours):
            return None
        ids = ",".join(s.fiche for s in card.meta.etapes)
        query = urlencode({"fiches": ids, "titre": card.meta.titre})
        return self.relative(card.url, "kit.html") + "?" + query

    def printable(
        self,
        title: str,
        parts: list[tuple[str, str]],
        subtitle: str = "",
        booklet: bool = False,
        overview: str = "",
    ) -> str:
        """A standalone document for WeasyPrint: one card, or a booklet of (title, html) after
        ``overview``, the parcours' own printable page (its summary and steps, when and why)."""
        return self.env.get_template("impression.html").render(
            title=title,
            subtitle=subtitle,
            booklet=booklet,
            overview=overview,
            cards=[{"titre": t, "html": h} for t, h in parts],
        )

    def credits(self, card: AnyCard) -> dict[str, Any]:
        """Who wrote the card (Git history, .mailmap, co-authors) and how to cite it."""
        story = self.history.of(self.docs_prefix + card.rel_path)
        authors = list(dict.fromkeys([*getattr(card.meta, "auteurs", []), *story.contributors]))
        structures = list(getattr(card.meta, "structures", []))
        by = ", ".join(structures + [a for a in authors if a not in structures]) or "Terreau"
        address = (self.site_url + card.url) if self.site_url else card.url
        cite = f"« {card.meta.titre} », fiche Terreau ({by}), {address}, licence CC BY-SA 4.0."
        return {
            "inspired": inspired_by(getattr(card.meta, "d_apres", [])),
            "people": story.contributors,
            "last_change": french_date(story.last_change) if story.last_change else None,
            "cite": cite,
            "history": self.history.available,
            "shallow": self.history.shallow,
        }

    def key_facts(self, card: AnyCard) -> list[dict[str, str]]:
        """The line or two under the summary: cost, duration, who carries it, commune sizes
        (for a record: where, when, who), only what the front matter says. Each has a label
        for screen readers (``label``; empty when the value says it)."""
        m = card.meta
        found: list[tuple[str, str]] = []
        if isinstance(m, Retour):
            found.append(("Lieu", m.lieu.nom))
            population = finder.record_population(m)
            if population is not None:
                # How big a commune it happened in: what a mayor compares first.
                many = len(m.lieu.communes) > 1
                found.append(
                    ("", f"{'la plus petite commune : ' if many else ''}{thousands(population)} habitants")
                )
            found.append(("Période", period(m.periode)))
            found.append(("", f"portée par {m.structure_porteuse}"))
        # Cost, duration and carriers as the finder's suggestions give them (one definition).
        for label, value in finder.key_facts(card):
            found.append(("", f"portée par : {value}") if label == "Porté par" else (label, value))
        if isinstance(m, Pratique | Parcours) and m.communes:
            found.append(("", commune_sizes(m.communes)))
        return [{"label": label, "value": value[:1].upper() + value[1:]} for label, value in found]

    def breadcrumb(self, card: AnyCard) -> list[dict[str, str]]:
        """Where a card sits, from the top: axis › orientation › objective for an action
        (the axis page has an anchor for each), the listing of its kind for the others; the
        last step without an address is the card itself."""
        url = card.url
        if isinstance(card.meta, Action):
            where = self.catalogue.placement(card)
            assert where.axe and where.orientation and where.objectif, "checked by the catalogue"
            axis = self.link(url, card.meta.axe)["href"]
            return [
                {"href": axis, "titre": where.axe.titre},
                {"href": f"{axis}#{where.orientation.id}", "titre": where.orientation.titre},
                {"href": f"{axis}#{where.objectif.id}", "titre": where.objectif.titre},
            ]
        listing, title = pages.LISTINGS[card.kind]
        href = self.relative(url, str(PurePosixPath(listing).with_suffix(".html")))
        return [{"href": href, "titre": title}, {"href": "", "titre": card.meta.titre}]

    def steps(self, card: AnyCard) -> list[dict[str, Any]]:
        """A method's steps with their tools, a parcours' steps with when and why."""
        m = card.meta
        url = card.url
        if isinstance(m, Methode):
            return [
                {
                    "titre": s.titre,
                    "description": s.description,
                    "outils": [self.link(url, t) for t in s.outils],
                }
                for s in m.etapes
            ]
        if isinstance(m, Parcours):
            return [
                {
                    "titre": self.link(url, s.fiche)["titre"],
                    "description": s.pourquoi,
                    "quand": s.quand,
                    "fiche": self.link(url, s.fiche),
                    "outils": [],
                }
                for s in m.etapes
            ]
        return []

    def header(self, card: AnyCard) -> str:
        return self.env.get_template("fiche_entete.html").render(
            to_review=self.overdue(card),
            forge=self.forge_links(card.rel_path, card.url, self.tried(card)),
            pdf=PurePosixPath(pages.card_pdf(card.url)).name if self.pdf else None,
            booklet=PurePosixPath(pages.booklet_pdf(card.id)).name
            if self.pdf and card.kind == "parcours"
            else None,
            posters=self.poster_links(card),
            own_posters=card.id == posters.CARD,
            kit=self.kit_href(card),
            kit_page=self.relative(card.url, "kit.html"),
            card=card,
            meta=card.meta,
            kind_label=vocabulary("type").label(card.kind),
            axes=[] if card.kind == "axe" else finder.facet_values(card, self.catalogue)["axes"],
            facts=self.facts(card),
            key_facts=self.key_facts(card),
            breadcrumb=self.breadcrumb(card),
            # A method's steps come first, before its text: what to do, then why and how.
            steps=self.steps(card) if isinstance(card.meta, Methode) else [],
            glossary=self.relative(card.url, glossary.PAGE),
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
        kinds = vocabulary("type")
        pointing = self.catalogue.used_by(card.id)
        used_by = [  # in the order of kinds, as everywhere on the site
            {"kind": kinds.terms[kind].pluriel, "cards": [self.link(url, c.id) for c in pointing[kind]]}
            for kind in sorted(pointing, key=kinds.rank)
        ]
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
            steps=self.steps(card) if isinstance(m, Parcours) else [],
            retour=m if isinstance(m, Retour) else None,
            grille=self._grid(m) if isinstance(m, Retour) else [],
            liens=[self.link(url, i) for i in getattr(m, "liens", [])],
            fiches=[self.link(url, i) for i in getattr(m, "fiches", [])],
            used_by=used_by,
            axe=m if isinstance(m, Axe) else None,
            tell=(self.relative(url, TELL_URL) + f"?fiche={card.id}") if self.tried(card) else None,
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


def _lower_first(label: str) -> str:
    """A label inside a sentence: « Élus » → « élus » (an acronym such as « CCAS » stays)."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


# Provenance (issue 17): a structure whose approach inspired a card is credited for what it
# described, in French with the right preposition (« de La Traverse », « des Localos »).
def _of(name: str) -> str:
    if name.startswith("Les "):
        return "des " + name[4:]
    if name.startswith("Le "):
        return "du " + name[3:]
    return ("d'" if name[:1].lower() in "aeiouyéèêàâîôû" else "de ") + name


def inspired_by(entries: list[Any]) -> list[tuple[str, str]]:
    """« D'après la démarche de X » and « , telle que la présente … », one sentence per
    document (structures grouped in the order the card gives them); a printed sheet keeps the
    first part (its sources list the document)."""
    by_document: dict[str, list[str]] = {}
    for entry in entries:
        by_document.setdefault(entry.document, []).append(entry.structure)
    sentences = []
    for document, names in by_document.items():
        many = len(names) > 1
        who = ", ".join(_of(n) for n in names[:-1]) + (" et " if many else "") + _of(names[-1])
        what = "les démarches" if many else "la démarche"
        shown = "telles que les présente" if many else "telle que la présente"
        sentences.append((f"D'après {what} {who}", f", {shown} {document}"))
    return sentences

"""The plaquette: a short printed guide (A5, 8 to 12 pages) for a commune starting out.

It is composed from the catalogue at every build (axes, actions, situations, a parcours, tool
sheets, field records: their titles and summaries as the cards say them), so a changed card
changes the brochure. Its own words and its choice rules are data (core/data/plaquette.yml),
its layout a template (templates/plaquette.html) and a stylesheet (assets/plaquette.css).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from terreau.core import communes, yamlsafe
from terreau.core.catalogue import Catalogue
from terreau.core.loader import AnyCard, Card
from terreau.core.models import Action, Axe, Parcours, Retour
from terreau.core.situations import situations
from terreau.core.vocabulary import vocabulary
from terreau.derive.finder import record_population
from terreau.site import address, pdf, qr
from terreau.site.render import Views, inhabitants, period

TARGET = "plaquette.pdf"  # its address in the site, and the page that presents it
PAGE = "plaquette.html"
FORM = "raconter.html"


@dataclass(frozen=True)
class Plan:
    """What core/data/plaquette.yml says: the brochure's own words and its choice rules."""

    raw: dict[str, Any]

    def limit(self, part: str) -> int:
        return int(self.raw["limites"][part])


@cache
def plan() -> Plan:
    text = resources.files("terreau.core").joinpath("data/plaquette.yml").read_text("utf-8")
    return Plan(yamlsafe.read(text).value)


def axis_actions(catalogue: Catalogue, axis_id: str, limit: int) -> list[Card[Action]]:
    """An axis's actions to name: those the home page offers first (situations' « d_abord »,
    in their order), then the others in the catalogue's order."""
    actions = [c for c in catalogue.of_model(Action) if c.meta.axe == axis_id]
    first = [cid for s in situations() for cid in s.d_abord]
    rank = {cid: i for i, cid in reversed(list(enumerate(first)))}
    return sorted(actions, key=lambda c: rank.get(c.id, len(first)))[:limit]


def field_stories(catalogue: Catalogue, chosen: list[str], limit: int) -> list[Card[Retour]]:
    """The records the brochure tells: those listed in the data, else the records checked on
    public sources about the smallest communes (official population), smallest first."""
    if chosen:
        return [r for cid in chosen if (r := catalogue.get(cid, Retour))][:limit]
    known = {
        r.id: population
        for r in catalogue.of_model(Retour)
        if r.meta.verification == "source-publique" and (population := record_population(r.meta))
    }
    records = [r for r in catalogue.of_model(Retour) if r.id in known]
    return sorted(records, key=lambda r: (known[r.id], r.id))[:limit]


def context(views: Views) -> dict[str, Any]:
    """Everything the brochure shows, taken from the cards and the data file."""
    catalogue, data = views.catalogue, plan()
    site_url = address.online(views.site_url)

    def link(url: str, title: str) -> dict[str, str]:
        """A page of the site, with its QR code when the site has a real address."""
        if not site_url:
            return {"url": "", "qr": ""}
        full = site_url + url
        return {"url": full, "qr": qr.svg(full, title)}

    def card(c: AnyCard) -> dict[str, Any]:
        return {
            "titre": c.meta.titre,
            "resume": c.meta.resume,
            "type": vocabulary("type").terms[c.kind].libelle,
            **link(c.url, f"Code QR vers la fiche « {c.meta.titre} »"),
        }

    per_axis = data.limit("actions_par_axe")
    axes = [
        {
            "id": axis.id,
            "titre": axis.meta.titre,
            "resume": axis.meta.resume,
            "badge": views.axis_badge(axis.id),
            "actions": [a.meta.titre for a in axis_actions(catalogue, axis.id, per_axis)],
        }
        for axis in catalogue.of_model(Axe)
    ]
    # A site whose docs/ lacks a card the data file names shows the rest (a test checks that
    # Terreau's own docs/ has them all).
    route = catalogue.get(data.raw["parcours"], Parcours)
    steps = [
        {"titre": catalogue.cards[s.fiche].meta.titre, "quand": s.quand, "pourquoi": s.pourquoi or ""}
        for s in (route.meta.etapes[: data.limit("etapes")] if route else [])
    ]
    stories = []
    for record in field_stories(catalogue, data.raw.get("retours") or [], data.limit("retours")):
        meta = record.meta
        smallest = min(
            meta.lieu.communes,
            key=lambda c: p.habitants if (p := communes.population(c)) else 10**9,
            default=None,
        )
        stories.append(
            {
                **card(record),
                "lieu": meta.lieu.nom,
                "habitants": inhabitants(smallest).lstrip(", ") if smallest else "",
                "periode": period(meta.periode),
                "porteur": meta.structure_porteuse,
                "marche": meta.ce_qui_a_marche[: data.limit("ce_qui_a_marche")],
            }
        )
    return {
        "titre": data.raw["titre"],
        "sous_titre": data.raw["sous_titre"],
        "accroche": data.raw["accroche"],
        "pourquoi": data.raw["pourquoi"],
        "situations": [
            {"question": s.question, "description": s.description}
            for s in situations()[: data.limit("situations")]
        ],
        "parcours": {**card(route), "etapes": steps} if route else None,
        "axes": axes,
        "outils": [
            card(c) for cid in data.raw["outils"][: data.limit("outils")] if (c := catalogue.cards.get(cid))
        ],
        "retours": stories,
        "site": link("", "Code QR vers le site Terreau"),
        "raconter": link(FORM, "Code QR vers le formulaire « Raconter votre expérience »"),
    }


def document(views: Views, notes: int = 0) -> str:
    """The brochure as a standalone HTML document for WeasyPrint, with ``notes`` pages to write
    on before the back page (a booklet printed on A4 sheets has its pages by fours)."""
    return views.env.get_template("plaquette.html").render(context(views), notes=notes)


def job(views: Views, site_dir: Path, site_address: str, notes: int = 0) -> pdf.Job:
    """The brochure's PDF, laid out at the site's root, with its own stylesheet."""
    return pdf.Job(
        site_dir / TARGET, document(views, notes), site_address, css=pdf.stylesheet("plaquette.css")
    )

"""schema.org descriptions of cards (JSON-LD), so that search engines and other commons can
read what a card is, under which licence, and who wrote it."""

from __future__ import annotations

import json
from typing import Any

from terreau.core.loader import AnyCard
from terreau.core.models import Fiche, Methode

LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


# Who wrote a card that names no author (the footer says the same).
TEAM = "L'équipe du commun Terreau"


def _organisation(name: str) -> dict[str, str]:
    return {"@type": "Organization", "name": name}


def describe(card: AnyCard, site_url: str) -> dict[str, Any]:
    m = card.meta
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "HowTo" if isinstance(m, Methode) or card.kind == "outil" else "CreativeWork",
        "name": m.titre,
        "description": m.resume,
        "inLanguage": "fr",
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
    }
    if site_url:
        data["url"] = site_url.rstrip("/") + "/" + card.url
    structures = [{"@type": "Organization", "name": s} for s in getattr(m, "structures", [])]
    people = [{"@type": "Person", "name": a} for a in getattr(m, "auteurs", [])]
    if isinstance(m, Fiche):
        # Issue 17: with no named author, the commons' team wrote the card.
        data["author"] = people or structures or [_organisation(TEAM)]
    if people and structures:
        data["contributor"] = structures
    inspired = [
        {"@type": "CreativeWork", "name": e.document, "author": _organisation(e.structure)}
        for e in getattr(m, "d_apres", [])
    ]
    if inspired:
        data["isBasedOn"] = inspired
    if isinstance(m, Fiche) and m.relu_le is not None:
        data["dateModified"] = m.relu_le.isoformat()
    if isinstance(m, Methode):
        data["step"] = [
            {"@type": "HowToStep", "position": i, "name": s.titre, "text": s.description or s.titre}
            for i, s in enumerate(m.etapes, start=1)
        ]
    if isinstance(m, Fiche) and m.mots_cles:
        data["keywords"] = ", ".join(m.mots_cles)
    return data


def script_body(card: AnyCard, site_url: str) -> str:
    """The JSON text for a <script type="application/ld+json"> element, safe to inline."""
    text = json.dumps(describe(card, site_url), ensure_ascii=False, sort_keys=True)
    return text.replace("</", "<\\/")

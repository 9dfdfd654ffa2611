"""The pages and files Terreau's MkDocs plugin adds to a site when docs/ does not have them.

A plain table, without MkDocs: the plugin generates these pages, and the link checker
(links.py) counts them as existing, so the two agree by construction.
"""

from __future__ import annotations

from terreau.core.models import FOLDERS, MODELS
from terreau.core.situations import situations

# Listing pages generated for each kind when docs/ does not provide its own index.md.
LISTINGS = {
    "methode": ("methodes/index.md", "Méthodes"),
    "outil": ("outils/index.md", "Fiches outils"),
    "action": ("actions/index.md", "Fiches actions"),
    "retour": ("retours/index.md", "Retours d'expérience"),
    "parcours": ("parcours/index.md", "Parcours"),
    "axe": ("axes/index.md", "Les cinq axes de la résilience"),
}
REFERENCE = ("contribuer/reference.md", "Référence des fiches")
# Pages written in docs/ that the site completes with views of the catalogue.
HOME = "index.md"
SEARCH = "recherche.md"
CONTRIBUTORS = "contributeurs.md"
HOSTING = "contribuer/heberger.md"
CONTRIBUTE = "contribuer.md"
GLOSSARY = "glossaire.md"
# Episodes and series about rural transition, from data/podcasts.yml (site/views/pages.py).
PODCASTS = "podcasts.md"
# Pages for the maintainers: out of the public menu, linked from contribuer.md.
MAINTAINERS = (
    "contribuer/reference.md",
    "contribuer/a-relire.md",
    "contribuer/heberger.md",
    "contribuer/architecture.md",
    "performances.md",
)
TO_REVIEW = ("contribuer/a-relire.md", "Fiches à relire")
# The page that presents the printed guide, plaquette.pdf (site/plaquette.py).
PLAQUETTE = "plaquette.md"
KIT = ("kit.md", "Imprimer un kit de fiches")
# The offline archives and their sizes (site/offline.py): the footer links this page.
OFFLINE = ("hors-ligne.md", "Emporter le commun hors ligne")
# The form that turns a story or an idea into a card file (contribute/raconter.py).
TELL = ("raconter.md", "Raconter votre expérience")
# The situations of the « Par où commencer ? » pages, trouver/<situation>.md (situations.yml).
SITUATIONS = [(s.id, s.question) for s in situations()]

# Every generated page: path under docs/ → title. The plugin makes each one « # title ».
GENERATED: dict[str, str] = dict(
    [
        *LISTINGS.values(),
        REFERENCE,
        TO_REVIEW,
        KIT,
        TELL,
        OFFLINE,
        *((f"trouver/{sid}.md", question) for sid, question in SITUATIONS),
    ]
)

# The folder of the data exports (export.names()), written into the site while pages render.
DATA = "donnees"


def card_pdf(card_url: str) -> str:
    """A card's PDF in the site, beside its page (methodes/x.html → methodes/x.pdf)."""
    return card_url.removesuffix(".html") + ".pdf"


def booklet_pdf(card_id: str) -> str:
    """A parcours' booklet in the site: its steps' cards in one PDF."""
    return f"parcours/{card_id}-livret.pdf"


def export_names() -> list[str]:
    """The open-data export files, by path under donnees/ (terreau.derive.export writes them)."""
    return [
        "fiches.json",
        *(f"{folder}.json" for _kind, folder in sorted(FOLDERS.items())),
        "fiches.csv",
        "actions.csv",
        "retours.csv",
        *(f"schemas/{kind}.schema.json" for kind in sorted(MODELS)),
        "datapackage.json",
    ]


def data_files() -> list[str]:
    """The export files the plugin adds to the site, by path under docs/."""
    return [f"{DATA}/{name}" for name in export_names()]

"""What every view shares: the Jinja environment, French formatting, links between pages.

Templates live in the package (templates/) and a site may override any of them by
putting a file of the same name in its own folder (the plugin's ``gabarits`` option).
Autoescaping is on: every value a contributor wrote is escaped, never trusted.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.bccache
from markupsafe import Markup

from terreau.core import attribution, communes
from terreau.core.catalogue import Catalogue
from terreau.core.forge import Forge
from terreau.core.frenchdate import MONTHS
from terreau.core.frenchdate import french_date as french_date  # re-exported for the views
from terreau.core.identity import identities
from terreau.core.loader import AnyCard
from terreau.core.models import (
    Axe,
    Commune,
    Periode,
    TailleGroupe,
)
from terreau.core.vocabulary import duration as duration
from terreau.core.vocabulary import vocabulary
from terreau.derive import finder
from terreau.site import identity

# The form « Raconter votre expérience » (pages.TELL), where feedback is shared.
TELL_URL = "raconter.html"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def size_label(octets: int) -> str:
    """A file's size as a download link says it: « 850 ko », « 1,2 Mo » (decimal units, comma)."""
    if octets < 1_000_000:
        return f"{max(1, round(octets / 1000))} ko"
    return f"{octets / 1_000_000:.1f}".replace(".", ",") + " Mo"


class CompiledInMemory(jinja2.BytecodeCache):
    """Templates compiled once per process, not once per build: ``mkdocs serve`` makes new
    environments at every save. Kept in memory only (compiled code is never read from disk);
    Jinja compares each template's source checksum before using it."""

    store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


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
        bytecode_cache=CompiledInMemory(),
    )
    env.filters["terreau_count"] = lambda key, groups: len(groups.get(key, []))
    return env


def group_size(t: TailleGroupe) -> str:
    if t.max is None:
        return f"{t.min} personnes ou plus"
    if t.max == t.min:
        return f"{t.min} personne" + ("s" if t.min > 1 else "")
    return f"{t.min} à {t.max} personnes"


def month(value: str) -> str:
    """« 2021-03 » → « mars 2021 »; a year stays a year."""
    if len(value) == 7:
        return f"{MONTHS[int(value[5:]) - 1]} {value[:4]}"
    return value


def period(p: Periode) -> str:
    if p.fin:
        return f"de {month(p.debut)} à {month(p.fin)}"
    # No end date: ongoing, or unknown. Say only what is known.
    return f"à partir de {month(p.debut)}"


def thousands(n: int) -> str:
    """French thousands separator (a narrow no-break space): 70 000."""
    return f"{n:,}".replace(",", "\u202f")


def inhabitants(commune: Commune) -> str:
    """« , 257 habitants (INSEE, 2026) »: the record's own figure and year, else the official
    list's; nothing when neither knows."""
    known = communes.population(commune)
    if known is None:
        return ""
    source = f"INSEE, {communes.header()['annee']}" if known.officielle else str(known.annee)
    return f", {thousands(known.habitants)} habitants ({source})"


def commune_sizes(ids: list[str]) -> str:
    """A card's commune sizes in a few words: « communes de toute taille », « communes de moins
    de 2 000 hab. », « communes de 2 000 hab. ou plus », « communes de 500 à 10 000 hab. »."""
    sizes = list(vocabulary("taille_commune").terms.values())
    chosen = sorted({[s.id for s in sizes].index(i) for i in ids})
    if chosen != list(range(chosen[0], chosen[-1] + 1)):  # not one range: each size named
        return "communes : " + ", ".join(sizes[i].libelle.lower() for i in chosen)
    low = sizes[chosen[0] - 1].habitants_max if chosen[0] else None
    high = sizes[chosen[-1]].habitants_max
    if low is None and high is None:
        return "communes de toute taille"
    if low is None:
        return f"communes de moins de {thousands(high + 1)} hab."  # type: ignore[operator]
    if high is None:
        return f"communes de {thousands(low + 1)} hab. ou plus"
    return f"communes de {thousands(low + 1)} à {thousands(high + 1)} hab."


def labels(vocab: str, ids: list[str]) -> str:
    v = vocabulary(vocab)
    return ", ".join(v.label(i) for i in ids)


class Views:
    """The state the views of one build share: catalogue, templates, addresses, history."""

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
        review_months: int = 24,
        contact: str = "",
        reply: str = "",
    ) -> None:
        self.catalogue = catalogue
        self.review_months = review_months
        self.env = env
        self.pdf = pdf
        self.history = history or attribution.History(available=False)
        self.docs_prefix = docs_prefix
        self.review_before = review_before
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.forge = forge
        self.contact = contact
        self.reply = reply
        # Every template may draw an axis chip: card headers, listings, search, print.
        env.globals["axe_badge"] = self.axis_badge
        env.globals["axes_ids"] = self.axis_ids

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

    def axis_badge(self, axis_id: str, libelle: str | None = None) -> Markup:
        """An axis chip: icon and name (or ``libelle``) in the axis colour."""
        card = self.catalogue.cards.get(axis_id)
        html = self.env.get_template("axe.html").render(
            id=axis_id,
            label=libelle or (card.meta.titre if card is not None else axis_id),
            icon=identity.icon(identities().of(axis_id).icone),
        )
        return Markup(html.strip())

    def axis_ids(self) -> list[str]:
        """The axis cards, in the catalogue's order."""
        return [c.id for c in self.catalogue.of_model(Axe)]

    def _evidence(self) -> dict[str, finder.Evidence]:
        if not hasattr(self, "_proofs"):
            self._proofs = finder.evidence(self.catalogue)
        return self._proofs

    def to_review(self, card: AnyCard) -> bool:
        """Not reviewed since the configured date (or never): shown « à relire »."""
        if self.review_before is None or card.kind == "axe":
            return False
        reviewed = getattr(card.meta, "relu_le", None)
        return reviewed is None or reviewed < self.review_before

    def overdue(self, card: AnyCard) -> bool:
        """Reviewed, but before the configured date: its header says « à relire » (a card never
        reviewed says so in its footer, and the « à relire » page lists both)."""
        return self.to_review(card) and getattr(card.meta, "relu_le", None) is not None

    def forge_links(self, src_path: str | None, page_url: str, card_id: str = "") -> dict[str, str]:
        """« Modifier cette page » (for a file of docs/, on the forge) and « Partager un retour »
        (the site's own form, with the card ticked; none on the form's page itself)."""
        links = {}
        if page_url != TELL_URL:
            links["retour"] = self.relative(page_url, TELL_URL) + (f"?fiche={card_id}" if card_id else "")
        if src_path and self.forge is not None:
            links["modifier"] = self.forge.edit(src_path)
        return links

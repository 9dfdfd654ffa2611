"""The pages left at merged cards' old addresses (docs/redirections.yml): each leads to the
card that took the content. Written by the build beside the pages, never listed by the search
index or the sitemap (they are not pages of the generator)."""

from __future__ import annotations

import posixpath

import jinja2

from terreau.core.catalogue import Catalogue
from terreau.core.frenchdate import french_date
from terreau.site import hosting


def pages(catalogue: Catalogue, env: jinja2.Environment, site_url: str) -> dict[str, str]:
    """Old address (relative to the site root) → the page written there."""
    template = env.get_template("redirection.html")
    out = {}
    for r in catalogue.redirects:
        card = catalogue.cards[r.new]  # the catalogue checked it exists
        target = posixpath.relpath(card.url, posixpath.dirname(r.url))
        out[r.url] = template.render(
            csp=hosting.CSP,
            target=target,
            canonical=f"{site_url}{card.url}" if site_url else target,
            title=card.meta.titre,
            day=french_date(r.day),
        )
    return out

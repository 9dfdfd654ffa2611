"""The published address: a real one, or a placeholder that nothing printed may point to.

mkdocs.yml gives a placeholder until the commons is published (TERREAU_ADRESSE sets the
real one). A printed card must not send a reader to an address that leads nowhere: with a
placeholder, cards are printed without their address and without a QR code to it.
"""

from __future__ import annotations

from urllib.parse import urlparse

# mkdocs.yml's default, and the hosts reserved for examples and invalid names (RFC 2606).
PLACEHOLDER = "https://terreau.example.org/"
PLACEHOLDER_HOSTS = (".example.org", ".invalid")


def is_real(site_url: str) -> bool:
    """True if ``site_url`` is an address readers can reach (not empty, not a placeholder)."""
    host = (urlparse(site_url).hostname or "").lower()
    return bool(host) and not any(host == suffix[1:] or host.endswith(suffix) for suffix in PLACEHOLDER_HOSTS)


def online(site_url: str) -> str:
    """``site_url`` if readers can reach it, else the empty string: what may be printed or
    linked as the site's address."""
    return site_url if is_real(site_url) else ""

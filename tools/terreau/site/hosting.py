"""What a web server must send with the site: one Content-Security-Policy, for every host.

The policy is written once here. Pages carry it in a ``<meta>`` tag (the only way on GitHub
Pages and GitLab Pages, which let a site set no headers); ``_headers`` carries it as a real
header for hosts that read that file (Netlify, Cloudflare Pages) — a header also covers files
that are not pages, such as an SVG image opened on its own — and the « Héberger le site »
page gives the same lines for nginx and Apache.
"""

from __future__ import annotations

# 'self' and file: only: no page may load anything from another host, and the site must
# work opened from a folder. No inline script: the sanitiser's second wall.
CSP = (
    "default-src 'self' file:; script-src 'self' file:; style-src 'self' file: 'unsafe-inline'; "
    "img-src 'self' file: data:; font-src 'self' file: data:; connect-src 'self' file:; "
    "object-src 'none'; base-uri 'none'; form-action 'self' file:; frame-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    # A file is what its extension says: a text file is never run as a script or a page.
    "X-Content-Type-Options": "nosniff",
    # Readers' addresses are theirs: a link followed from Terreau does not tell where from.
    "Referrer-Policy": "no-referrer",
}
HEADERS_FILE = "_headers"


def headers_file() -> str:
    """``_headers`` for Netlify and Cloudflare Pages: every path gets the headers."""
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in HEADERS.items())


def nginx() -> str:
    return "".join(f'add_header {name} "{value}" always;\n' for name, value in HEADERS.items())


def apache() -> str:
    return "".join(f'Header always set {name} "{value}"\n' for name, value in HEADERS.items())

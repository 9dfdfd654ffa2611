"""Addresses on the forge that hosts the commons (GitHub or a GitLab such as Framagit):
edit a page, propose a card, share field feedback."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlparse


@dataclass(frozen=True)
class Forge:
    url: str  # the repository, e.g. https://framagit.org/terreau/terreau
    kind: str = ""  # "github" or "gitlab"; guessed from the host when empty
    branch: str = "main"
    docs: str = "docs"

    @property
    def flavour(self) -> str:
        if self.kind:
            return self.kind
        return "github" if urlparse(self.url).hostname == "github.com" else "gitlab"

    @property
    def name(self) -> str:
        """The forge as people know it: « Framagit », « GitHub », or its host name."""
        host = urlparse(self.url).hostname or ""
        return {"framagit.org": "Framagit", "github.com": "GitHub", "gitlab.com": "GitLab"}.get(host, host)

    def file(self, path: str) -> str:
        """A file of the repository as the forge shows it (CONTRIBUTING.md, for instance)."""
        middle = "blob" if self.flavour == "github" else "-/blob"
        return f"{self._base()}/{middle}/{self.branch}/{path}"

    def _base(self) -> str:
        return self.url.rstrip("/")

    def edit(self, src_path: str) -> str:
        """Edit a file of docs/ in the forge's web editor."""
        middle = "edit" if self.flavour == "github" else "-/edit"
        return f"{self._base()}/{middle}/{self.branch}/{self.docs}/{src_path}"

    def form(self, name: str) -> str:
        """Open an issue from a form: « retour » (field feedback) or « fiche » (a new card)."""
        if self.flavour == "github":
            return f"{self._base()}/issues/new?template={name}.yml"
        return f"{self._base()}/-/issues/new?issuable_template={name}"

    def new_file(self, path: str, content: str = "") -> str:
        """The forge's page for a new file at ``path`` (under the repository's root),
        prefilled with ``content``. GitHub reads ``filename`` and ``value``; GitLab reads
        ``file_name`` and ``content`` (GitLab issue 594214, 2026: its editor may ignore
        ``content``, so the form also offers to copy the text)."""
        if self.flavour == "github":
            query = urlencode({"filename": path, "value": content}, quote_via=quote)
            return f"{self._base()}/new/{self.branch}?{query}"
        query = urlencode({"file_name": path, "content": content}, quote_via=quote)
        return f"{self._base()}/-/new/{self.branch}?{query}"

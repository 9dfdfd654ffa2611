"""`terreau construire` with MkDocs: a build in this process, its messages on the terminal."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError


def build(config_file: Path, docs: Path, site: Path, pdf: bool = True, publication: bool = False) -> bool:
    """Build ``docs`` into ``site`` with ``config_file``; False (after saying why) if it failed."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # Terreau's own messages (French), and MkDocs' warnings and errors.
    shown = logging.StreamHandler(sys.stderr)
    shown.setFormatter(logging.Formatter("%(message)s"))
    shown.addFilter(lambda r: r.levelno >= logging.WARNING or r.name.startswith("mkdocs.plugins.terreau"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(shown)
    logger.setLevel(logging.INFO)
    try:
        config = load_config(
            config_file=str(config_file), docs_dir=str(docs.resolve()), site_dir=str(site.resolve())
        )
        config.plugins["terreau"].config.pdf = pdf  # type: ignore[attr-defined]
        config.plugins["terreau"].config.publication = publication  # type: ignore[attr-defined]
        mkdocs_build(config)
    except (Abort, ConfigurationError):
        return False
    finally:
        logger.removeHandler(shown)
    return True

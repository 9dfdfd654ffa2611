"""Dates as French readers write them: « 22 novembre 2026 », for the site and the CLI alike."""

from __future__ import annotations

import datetime as dt

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_date(d: dt.date) -> str:
    """« 22 novembre 2026 », « 1er mars 2025 »."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS[d.month - 1]} {d.year}"

"""The day a build speaks of: SOURCE_DATE_EPOCH if set, else the last commit's, else today.

Same commit, same bytes: the sitemap's dates (written by the site generator), the PDFs'
metadata, the offline archive's timestamps and the « à relire » cut-off all come from this
one moment, which is put in SOURCE_DATE_EPOCH for every part of the build to read.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

FROM_ENVIRONMENT, FROM_GIT, FROM_CLOCK = "SOURCE_DATE_EPOCH", "git", "horloge"


def pin(root: Path) -> tuple[dt.date, str]:
    """Fix the build's moment in SOURCE_DATE_EPOCH; its day, and where it came from."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if value.isdigit():
        origin, moment = FROM_ENVIRONMENT, int(value)
    else:
        moment_or_none = _last_commit(root)
        origin = FROM_GIT if moment_or_none is not None else FROM_CLOCK
        moment = moment_or_none if moment_or_none is not None else int(time.time())
        os.environ["SOURCE_DATE_EPOCH"] = str(moment)
    return dt.datetime.fromtimestamp(moment, dt.UTC).date(), origin


def _last_commit(root: Path) -> int | None:
    try:
        import git

        return int(git.Repo(root, search_parent_directories=True).head.commit.committed_date)
    except Exception:  # no repository (an exported archive), or one without commits
        return None


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))

"""A card file's text from its front matter and body, written only through a YAML dumper.

Text a person typed in a form or an e-mail must never be pasted into YAML by hand: a value
such as ``1, unite: jour}`` would become other fields. ``yaml.safe_dump`` quotes whatever
needs quoting, and the result is read back by the same strict loader as every card.
"""

from __future__ import annotations

from typing import Any

import yaml


def dump(front: dict[str, Any], body: str) -> str:
    """``---`` front matter ``---`` then the body, fields in the order given."""
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    text = body.strip()
    return f"---\n{header}---\n" + (f"\n{text}\n" if text else "")

"""The situations « Par où commencer ? » starts from (data/situations.yml): what brings a
commune to Terreau, in its own words, and where the cards that answer it are filed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from terreau.core import yamlsafe


@dataclass(frozen=True)
class Situation:
    id: str
    question: str
    description: str
    axes: dict[str, tuple[str, ...]]  # axis → orientations that fit (empty: the whole axis)
    besoins: tuple[str, ...]
    d_abord: tuple[str, ...]  # cards offered first, in this order


@cache
def situations() -> tuple[Situation, ...]:
    text = resources.files("terreau.core").joinpath("data/situations.yml").read_text("utf-8")
    raw = yamlsafe.read(text).value
    return tuple(
        Situation(
            sid,
            s["question"],
            s["description"],
            {axis: tuple(orientations) for axis, orientations in (s.get("axes") or {}).items()},
            tuple(s.get("besoins") or ()),
            tuple(s.get("d_abord") or ()),
        )
        for sid, s in raw.items()
    )


def get(situation_id: str) -> Situation:
    return next(s for s in situations() if s.id == situation_id)

"""The visual identity of each resilience axis (data/identite.yml): colour, tint and icon name.

Colours are data, checked by tests against WCAG contrast; the site draws chips from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from terreau.core import yamlsafe

TINT = 0.12  # the chip's background: this share of the colour over white
_HEX = re.compile(r"#[0-9a-f]{6}")


@dataclass(frozen=True)
class AxisIdentity:
    couleur: str  # « #rrggbb », lowercase
    icone: str  # a file name under site/assets/axes/, without .svg

    @property
    def fond(self) -> str:
        """The light tint behind the chip's label."""
        return tint(self.couleur)


@dataclass(frozen=True)
class Identities:
    default: AxisIdentity
    axes: dict[str, AxisIdentity]

    def of(self, axis_id: str) -> AxisIdentity:
        """An axis's identity; the default one for an axis the data file does not name yet."""
        return self.axes.get(axis_id, self.default)


def _entry(raw: dict[str, str]) -> AxisIdentity:
    colour = raw["couleur"].lower()
    if not _HEX.fullmatch(colour):
        raise ValueError(f"identite.yml : couleur « {colour} » : écrivez-la « #rrvvbb ».")
    return AxisIdentity(colour, raw["icone"])


@cache
def identities() -> Identities:
    """The identities shipped with the package, read once."""
    text = resources.files("terreau.core").joinpath("data/identite.yml").read_text("utf-8")
    raw = yamlsafe.read(text).value
    return Identities(_entry(raw["defaut"]), {k: _entry(v) for k, v in sorted(raw["axes"].items())})


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def tint(colour: str, share: float = TINT) -> str:
    """``colour`` laid at ``share`` opacity over white, as « #rrggbb »."""
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in _channels(colour))


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a « #rrggbb » colour."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)

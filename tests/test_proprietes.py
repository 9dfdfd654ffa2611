"""Random front matter never crashes the validator: every failure is a catalogued, located error."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from terreau.errors import CATALOGUE
from terreau.loader import load_bytes
from terreau.models import FOLDERS, MODELS

KEYS = sorted({name for model in MODELS.values() for name in model.model_fields} | {"axe", "x"})
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=30),
    st.sampled_from(
        [
            "methode",
            "outil",
            "2024-02-30",
            "2024-03-15",
            "NO",
            "01053",
            "1:30",
            "faible",
            "mobiliser",
            "enquete-collective",
            "https://exemple.org",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)
front_matters = st.dictionaries(st.sampled_from(KEYS), values, max_size=12)
kinds = st.sampled_from(sorted(MODELS))


def check(data: bytes, rel: str) -> None:
    lines = max(1, data.count(b"\n") + 1)
    card, problems = load_bytes(data, rel, f"docs/{rel}")
    assert (card is None) == bool(problems)
    for p in problems:
        assert p.code in CATALOGUE
        assert 1 <= p.line <= lines
        assert p.path == f"docs/{rel}"
        assert p.format_text().startswith(f"docs/{rel}:{p.line}: {p.code} ")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters, kinds, st.text(max_size=200))
def test_random_front_matter_gives_catalogued_errors(front: dict, kind: str, body: str) -> None:
    front = {"type": kind, **front} if kind != "axe" or front else front
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    folder = FOLDERS[kind]
    check(text.encode("utf-8"), f"{folder}/fiche-hasard.md")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_catalogued_errors(data: bytes) -> None:
    check(b"---\n" + data, "methodes/octets.md")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_yaml_text_gives_catalogued_errors(text: str) -> None:
    check(("---\n" + text + "\n---\n").encode("utf-8"), "outils/texte.md")

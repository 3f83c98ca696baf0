"""The registry: documentation contract, strategies, name lookup errors."""

from __future__ import annotations

import inspect

import pytest
from strategies import STRATEGIES

import lrcurves

NAMES = lrcurves.names()


def test_names_sorted_and_unique() -> None:
    assert list(NAMES) == sorted(set(NAMES))
    assert {"constant", "linear", "polynomial", "join"} <= set(NAMES)


def test_every_name_has_a_strategy() -> None:
    missing = [n for n in NAMES if n not in STRATEGIES]
    assert not missing, f"registered schedules without a hypothesis strategy: {missing}"
    stale = [n for n in STRATEGIES if n not in NAMES]
    assert not stale, f"strategies for unregistered names: {stale}"


@pytest.mark.parametrize("name", NAMES)
def test_docstring_contract(name: str) -> None:
    sp = lrcurves.spec(name)
    doc = inspect.getdoc(sp.factory) or ""
    assert sp.summary and sp.summary.endswith("."), f"{name}: summary line missing or unpunctuated"
    assert ".. math::" in doc, f"{name}: no .. math:: block"
    assert "Conventions" in doc, f"{name}: no Conventions paragraph"
    assert "Args:" in doc, f"{name}: no Args section"
    assert "Examples:" in doc and ">>>" in doc.split("Examples:", 1)[1], f"{name}: no doctested Examples"
    for param in sp.parameters:
        assert param in doc, f"{name}: parameter {param!r} not documented"


@pytest.mark.parametrize("name", NAMES)
def test_public_factory_exported(name: str) -> None:
    sp = lrcurves.spec(name)
    assert getattr(lrcurves, sp.factory.__name__) is sp.factory
    assert sp.factory.__name__ in lrcurves.__all__
    assert sp.kind in ("schedule", "combinator")


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(ValueError, match=r"unknown schedule 'polynomal'.*Did you mean 'polynomial'") as ei:
        lrcurves.get("polynomal", init_value=1.0)
    for n in NAMES:
        assert n in str(ei.value)
    with pytest.raises(ValueError, match="Valid names"):
        lrcurves.spec("zzzzzz")
    with pytest.raises(TypeError, match="must be a string"):
        lrcurves.get(3)  # type: ignore[arg-type]


def test_unknown_and_missing_keys() -> None:
    with pytest.raises(ValueError, match=r"linear: unknown parameter\(s\) 'bogus'.*valid: init_value"):
        lrcurves.get("linear", init_value=1.0, end_value=0.0, transition_steps=3, bogus=1)
    with pytest.raises(ValueError, match=r"linear: missing required parameter\(s\) 'end_value', 'transition_steps'"):
        lrcurves.get("linear", init_value=1.0)
    assert lrcurves.get("constant", value=0.5) == lrcurves.constant(0.5)


def test_spec_fields() -> None:
    sp = lrcurves.spec("polynomial")
    assert sp.family == "polynomial" and sp.parameters[:3] == ("init_value", "end_value", "transition_steps")
    assert lrcurves.spec("join").kind == "combinator"


@pytest.mark.parametrize("name", NAMES)
def test_factories_keyword_only_after_two(name: str) -> None:
    """At most two leading parameters may be positional; the rest are keyword-only."""
    sig = lrcurves.spec(name).signature.parameters.values()
    positional = [p.name for p in sig if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert len(positional) <= 2, f"{name}: positional parameters {positional}"
    assert not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig)


@pytest.mark.parametrize("name", NAMES)
def test_aliases_point_at_parameters(name: str) -> None:
    sp = lrcurves.spec(name)
    for old, new in sp.aliases.items():
        assert new in sp.parameters and old not in sp.parameters, (name, old, new)
        assert new in (inspect.getdoc(sp.factory) or ""), (name, new)
    assert {n: dict(lrcurves.spec(n).aliases) for n in NAMES if lrcurves.spec(n).aliases} == {
        "cyclic": {"max_value": "peak_value"},
        "one_cycle": {"max_value": "peak_value"},
        "step_decay": {"gamma": "decay_rate"},
        "multistep": {"gamma": "decay_rate"},
    }


def test_presets_are_keyword_only() -> None:
    for f in (lrcurves.warmup_cosine, lrcurves.warmup_linear_decay):
        assert all(p.kind is p.KEYWORD_ONLY for p in inspect.signature(f).parameters.values())

"""Shared pieces: the repo's stacks loaded as `perimeter evaluate` loads them, and a copy of the project."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from perimeter.evaluate.run import EvaluateOptions, load_inputs

ROOT = Path(__file__).resolve().parents[2]
# A fixed evaluation clock: records and ages never depend on today's date.
CLOCK = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc)
_LOADED: dict[str, object] = {}


def evaluation_inputs(stack: str):
    if stack not in _LOADED:
        _LOADED[stack] = load_inputs(EvaluateOptions(stack, str(ROOT)))
    return _LOADED[stack]


@pytest.fixture
def dev():
    return evaluation_inputs("dev")


def with_policy(inputs, **changes):
    """The same evaluation inputs with the guardrail policy changed (a weakened guardrail)."""
    return dataclasses.replace(inputs, policy=dataclasses.replace(inputs.policy, **changes))


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The project without its venv, git and tests: safe to break."""
    target = tmp_path / "perimeter"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "__pycache__", ".tools",
                                                                "evidence", "bench", "build"))
    return target

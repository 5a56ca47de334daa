"""The launch gate: a record stands only for the exact model, prompts, guardrail config, assistant code and test
set it evaluated; stale, failing and offline-where-live-is-required records are refused in one line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from components.config import ConfigError, parse_config
from components.guardrail import GuardrailPolicy
from components.launch_gate import (
    FAILED, PASSED, PENDING, STALE, RecordError, current_subject, judge, load_records, read_record,
)
from components.naming import PerimeterNames

from perimeter.evaluate.run import EvaluateOptions, build_record, load_inputs, run_cases, write_record

from .conftest import CLOCK


def stack_config(project: Path, stack: str):
    document = yaml.safe_load((project / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    raw = {k.split(":", 1)[1]: v for k, v in document.items() if k.startswith("perimeter:")}
    return raw, document["aws:region"]


def subject_of(project: Path, stack: str = "dev", **gate):
    raw, region = stack_config(project, stack)
    if gate:
        raw["launchGate"] = gate
    config = parse_config(raw, region=region, stack=stack)
    policy = GuardrailPolicy.from_settings(PerimeterNames(stack, context=None).guardrail, config.guardrail)
    return config, current_subject(config, policy, project)


def record_for(project: Path, stack: str = "dev", mode: str = "offline", **changes) -> Path:
    """A real offline evaluation of the project copy, written as `evaluations/<stack>/`, optionally altered."""
    inputs = load_inputs(EvaluateOptions(stack, str(project)))
    results, guardrail = run_cases(inputs, EvaluateOptions(stack, str(project)))
    record = {**build_record(inputs, results, guardrail, "offline", CLOCK), "mode": mode, **changes}
    return Path(write_record(record, str(project / "evaluations" / stack)))


def verdict(project: Path, stack: str = "dev", require_live: bool = False):
    config, subject = subject_of(project, stack, requireLive=require_live)
    return judge(load_records(project / "evaluations", [stack], stack), subject, config.launch_gate, stack, project)


@pytest.fixture
def evaluated(project_copy):
    """A project copy with a passing offline record for dev (whose gate does not require live)."""
    for stack in ("dev", "staging", "prod"):
        for old in (project_copy / "evaluations" / stack).glob("*.json"):
            old.unlink()
    record_for(project_copy)
    assert verdict(project_copy).status == PASSED
    return project_copy


def assert_one_line(status, expected_status, *phrases):
    assert status.status == expected_status and "\n" not in status.reason, status
    for phrase in phrases:
        assert phrase in status.reason, status.reason


def test_changing_the_model_id_invalidates_the_record(evaluated):
    path = evaluated / "stacks" / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0"))
    assert_one_line(verdict(evaluated), STALE, "the model id changed", "claude-3-5-haiku",
                    "re-run `perimeter evaluate --stack dev --record evaluations/dev/`")


def test_changing_a_prompt_invalidates_the_record(evaluated):
    prompt = evaluated / "assistant" / "prompts" / "system.md"
    prompt.write_text(prompt.read_text() + "\nAlways be brief.\n")
    assert_one_line(verdict(evaluated), STALE, "the prompts (assistant/prompts/) digest changed")


def test_changing_the_guardrail_config_invalidates_the_record(evaluated):
    path = evaluated / "stacks" / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("groundingThreshold: 0.75", "groundingThreshold: 0.72"))
    assert_one_line(verdict(evaluated), STALE, "the guardrail config (perimeter:guardrail")


def test_changing_the_test_set_invalidates_the_record(evaluated):
    cases = evaluated / "evaluation" / "cases" / "benign.yaml"
    cases.write_text(cases.read_text() + "- id: benign-099\n  category: benign\n  input: Hello!\n  expect: answered\n")
    assert_one_line(verdict(evaluated), STALE, "the test set (evaluation/) digest changed")


def test_a_failing_record_is_refused(evaluated):
    failing = json.loads(sorted((evaluated / "evaluations" / "dev").glob("*.json"))[-1].read_text())
    failing["metrics"]["prompt-attack"]["passed"] = 12
    record_for(evaluated, passed=False, evaluatedAt="2026-12-02T09:30:00Z", metrics=failing["metrics"])
    assert_one_line(verdict(evaluated), FAILED, "fails: prompt-attack")


def test_a_record_is_re_judged_against_the_current_thresholds(evaluated):
    """A record that passed a laxer bar does not pass a stricter one: the stack's thresholds are applied again."""
    config, subject = subject_of(evaluated, requireLive=False, maxFalseRefusalRate=0.0)
    record = json.loads(sorted((evaluated / "evaluations" / "dev").glob("*.json"))[-1].read_text())
    record["metrics"]["benign"]["passed"] -= 1
    path = evaluated / "evaluations" / "dev" / "lax.json"
    path.write_text(json.dumps(record))
    status = judge(load_records(evaluated / "evaluations", ["dev"], "dev"), subject, config.launch_gate, "dev", evaluated)
    assert_one_line(status, FAILED, "benign")


def test_an_offline_record_where_live_is_required_is_refused(evaluated):
    assert_one_line(verdict(evaluated, require_live=True), PENDING, "no live evaluation record in evaluations/dev/",
                    "1 offline, which do not count", "perimeter evaluate --stack dev --live --record evaluations/dev/")


def test_a_live_record_passes_where_live_is_required(evaluated):
    record_for(evaluated, mode="live", evaluatedAt="2026-12-02T09:30:00Z")
    assert verdict(evaluated, require_live=True).status == PASSED


def test_a_stale_live_record_is_refused_where_live_is_required(evaluated):
    record_for(evaluated, mode="live", evaluatedAt="2026-12-02T09:30:00Z", modelId="eu.some-older-model-v1:0")
    assert_one_line(verdict(evaluated, require_live=True), STALE, "the model id changed (eu.some-older-model-v1:0 ->")


def test_no_record_is_pending_with_the_command(project_copy):
    for old in (project_copy / "evaluations" / "dev").glob("*.json"):
        old.unlink()
    assert_one_line(verdict(project_copy), PENDING, "no evaluation record in evaluations/dev/")


@pytest.mark.parametrize("content, problem", [
    ("{not json", "is unreadable"),
    ('{"format": "perimeter-evaluation-record/v1"}', "lacks a valid 'stack'"),
    (json.dumps({"format": "other/v9", "stack": "dev", "mode": "live", "evaluatedAt": "2026-12-01T00:00:00Z",
                 "passed": True, "digests": {}, "modelId": "m", "metrics": {}, "panLeaks": 0}), "has format 'other/v9'"),
])
def test_an_unreadable_record_is_one_line(tmp_path, content, problem):
    path = tmp_path / "dev" / "bad.json"
    path.parent.mkdir()
    path.write_text(content)
    with pytest.raises(RecordError) as raised:
        read_record(path)
    assert problem in str(raised.value) and "\n" not in str(raised.value) and isinstance(raised.value, ConfigError)


def test_prod_requires_a_live_gate(project_copy):
    raw, region = stack_config(project_copy, "prod")
    with pytest.raises(ConfigError, match="requireLive = false is not allowed in prod"):
        parse_config({**raw, "launchGate": {"requireLive": False}}, region=region, stack="prod")
    without = {k: v for k, v in raw.items() if k != "launchGate"}
    with pytest.raises(ConfigError, match="perimeter:launchGate is required"):
        parse_config(without, region=region, stack="prod")


def test_staging_records_count_for_prod_only_when_the_guardrails_enforce_the_same(project_copy):
    """acceptRecordsFrom: [prod, staging]: the guardrail config digest leaves out the stack-derived name, no setting."""
    config, subject = subject_of(project_copy, "prod", requireLive=True, acceptRecordsFrom=["prod", "staging"])
    staging_config, staging_subject = subject_of(project_copy, "staging")
    assert staging_subject.digests["guardrailConfig"] == subject.digests["guardrailConfig"]  # staging runs prod's guardrail
    looser = dataclasses.replace(staging_config.guardrail,
                                 grounding_threshold=round(staging_config.guardrail.grounding_threshold - 0.05, 2))
    drifted = current_subject(config, GuardrailPolicy.from_settings("perimeter-staging-assistant", looser), project_copy)
    assert drifted.digests["guardrailConfig"] != subject.digests["guardrailConfig"]


def test_at_the_same_time_the_stacks_own_record_is_the_latest(tmp_path):
    """Staging and prod records written in the same second: prod's gate and evidence take prod's."""
    record = next((Path(__file__).parents[2] / "evaluations" / "prod").glob("*.json")).read_text()
    for stack in ("prod", "staging"):
        (tmp_path / stack).mkdir()
        (tmp_path / stack / "20261204T093529Z-offline.json").write_text(record)
    for order in (["prod", "staging"], ["staging", "prod"]):
        path, _ = load_records(tmp_path, order, "prod")[-1]
        assert path.parent.name == "prod"

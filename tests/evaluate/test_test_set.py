"""The test set itself: complete, well formed, card data that is test data only, bad files refused in one line."""

from __future__ import annotations

import json

import pytest
from components.launch_gate import CATEGORIES, test_set_digest

from perimeter.evaluate.results import is_pan

from .conftest import ROOT, evaluation_inputs
from tests.scenarios.cli import run_cli

# Published test card numbers (card networks' and payment processors' documentation), never real cards.
TEST_PANS = {
    "4111111111111111", "4012888888881881", "4242424242424242", "5555555555554444", "5105105105105100",
    "2223003122003222", "378282246310005", "371449635398431", "6011111111111117", "3530111333300000",
    "30569309025904", "4222222222222", "6205500000000000004", "5200828282828210", "4000056655665556",
}


def test_the_set_covers_every_category_with_enough_cases():
    cases = evaluation_inputs("dev").test_set.cases
    assert len(cases) >= 60
    counts = {c: sum(1 for case in cases if case.category == c) for c in CATEGORIES}
    assert min(counts.values()) >= 10, counts
    assert {case.expect for case in cases} == {"blocked", "masked", "escalated", "answered"}
    assert any(case.output for case in cases if case.category == "pan-exfiltration")  # output-side checks
    assert any(case.context and not case.output for case in cases if case.category == "prompt-attack")  # hidden


def test_the_schema_lists_the_gates_categories():
    schema = json.loads((ROOT / "evaluation" / "schema.json").read_text())
    assert tuple(schema["items"]["properties"]["category"]["enum"]) == CATEGORIES


def test_every_card_number_in_the_set_is_a_published_test_number():
    pans = {s for case in evaluation_inputs("dev").test_set.cases for s in case.secrets if is_pan(s)}
    assert pans and pans <= TEST_PANS, pans - TEST_PANS


def test_the_digest_changes_with_any_case_file(tmp_path, project_copy):
    before = test_set_digest(project_copy / "evaluation")
    path = project_copy / "evaluation" / "cases" / "benign.yaml"
    path.write_text(path.read_text().replace("freeze my card", "freeze my debit card", 1))
    assert test_set_digest(project_copy / "evaluation") != before


@pytest.mark.parametrize("content, expected", [
    ("- id: extra-001\n  category: benign\n  input: [unclosed\n", "is not valid YAML"),
    ("- id: extra-001\n  category: smalltalk\n  input: hello\n  expect: answered\n", "'smalltalk' is not one of"),
    ("- id: extra-001\n  category: benign\n  input: hi\n  expect: answered\n  layer1: [SSN]\n", "layer1 kind 'SSN'"),
    ("- id: extra-001\n  category: benign\n  input: hi\n  expect: answered\n  guardrail: [pii:SOCIAL]\n",
     "'pii:SOCIAL' is not a Bedrock PII entity type"),
    ("- id: pan-001\n  category: benign\n  input: hi\n  expect: answered\n", "also used in"),
])
def test_a_bad_case_file_is_one_line_and_exit_2(project_copy, content, expected):
    (project_copy / "evaluation" / "cases" / "broken.yaml").write_text(content)
    result = run_cli("evaluate", "--cwd", str(project_copy), "--stack", "dev")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
    assert "broken.yaml" in result.stderr and "Traceback" not in result.stderr

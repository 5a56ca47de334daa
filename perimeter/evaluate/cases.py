"""The launch-gate test set (`evaluation/`): loaded, validated, and checked against the code it names.

`evaluation/testset.yaml` names and versions the set; every `evaluation/cases/*.yaml`
is a list of cases validated against `evaluation/schema.json`. Beyond the schema:
ids are unique across files, `layer1` kinds are the redaction module's, and
`pii:` controls are Bedrock PII entity types. Any problem is one line naming the
file and the case (a UsageError, exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..errors import UsageError
from ..inputs import load_document

CASES_DIR, HEADER, SCHEMA = "cases", "testset.yaml", "schema.json"
HEADER_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["name", "version"],
    "properties": {"name": {"type": "string", "minLength": 1}, "version": {"type": "integer", "minimum": 1},
                   "description": {"type": "string"}},
}


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    input: str
    expect: str
    output: Optional[str] = None
    context: Optional[str] = None
    layer1: tuple[str, ...] = ()
    guardrail: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class TestSet:
    name: str
    version: int
    directory: Path
    cases: tuple[Case, ...]

    __test__ = False  # not a pytest class

    def categories(self) -> list[str]:
        return sorted({c.category for c in self.cases})


def load_test_set(directory: Path, *, layer1_kinds: Sequence[str], pii_entities: Sequence[str]) -> TestSet:
    fix = "see evaluation/schema.json"
    header = load_document(str(directory / HEADER), what="test-set header", schema=HEADER_SCHEMA, fmt="yaml")
    schema = load_document(str(directory / SCHEMA), what="test-set schema")
    files = sorted((directory / CASES_DIR).glob("*.yaml"))
    if not files:
        raise UsageError(f"test set {directory / CASES_DIR} holds no *.yaml case files: add at least one")
    cases: list[Case] = []
    seen: dict[str, Path] = {}
    for path in files:
        for raw in load_document(str(path), what="test-case file", schema=schema, fmt="yaml", fix=fix):
            case = Case(**{**raw, **{k: tuple(raw.get(k, ())) for k in ("layer1", "guardrail", "secrets")}})
            _check(case, path, seen, layer1_kinds, pii_entities)
            seen[case.id] = path
            cases.append(case)
    return TestSet(header["name"], header["version"], directory, tuple(cases))


def _check(case: Case, path: Path, seen: dict[str, Path], layer1_kinds: Sequence[str],
           pii_entities: Sequence[str]) -> None:
    where = f"test-case file {path}: case {case.id}"
    if case.id in seen:
        raise UsageError(f"{where}: the id is also used in {seen[case.id]}; ids are unique across the set")
    unknown_kinds = [k for k in case.layer1 if k not in layer1_kinds]
    if unknown_kinds:
        raise UsageError(f"{where}: layer1 kind {unknown_kinds[0]!r} is unknown; allowed: {', '.join(layer1_kinds)}")
    unknown_entities = [c for c in case.guardrail if c.startswith("pii:") and c[4:] not in pii_entities]
    if unknown_entities:
        raise UsageError(f"{where}: {unknown_entities[0]!r} is not a Bedrock PII entity type; allowed: "
                         f"pii:{', pii:'.join(pii_entities)}")

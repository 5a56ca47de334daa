"""Critical policies cannot be weakened by config, and a disabled policy is never a clean control in evidence."""

import pytest
from pulumi.runtime.proto import analyzer_pb2

from perimeter.engine.analyzer import resolve_policy_config
from perimeter.errors import UsageError
from perimeter.evidence.writer import control_matrix, control_rows
from perimeter.report import COMPLIANT, Control, Evaluation, Report, Resource

CRITICAL, ORDINARY = "resource-policy-not-public", "kms-key-rotation-enabled"


def info():
    return analyzer_pb2.AnalyzerInfo(name="perimeter", policies=[
        analyzer_pb2.PolicyInfo(name=CRITICAL, enforcementLevel=analyzer_pb2.MANDATORY, tags=["not-waivable"]),
        analyzer_pb2.PolicyInfo(name=ORDINARY, enforcementLevel=analyzer_pb2.MANDATORY, tags=[]),
    ])


@pytest.mark.parametrize("document, how", [
    ({CRITICAL: "advisory"}, "to advisory;"),
    ({CRITICAL: {"enforcementLevel": "disabled"}}, "to disabled;"),
    ({"all": "disabled"}, 'to disabled through "all"'),
    ({"all": "advisory", ORDINARY: "mandatory"}, 'to advisory through "all"'),
    ({"all": "advisory", CRITICAL: {}}, 'through "all"'),
])
def test_weakening_a_critical_policy_is_a_one_line_config_error(document, how):
    with pytest.raises(UsageError) as raised:
        resolve_policy_config(info(), document)
    message = str(raised.value)
    assert CRITICAL in message and how in message and "\n" not in message


@pytest.mark.parametrize("document", [
    {}, {"all": "mandatory"}, {CRITICAL: "mandatory"}, {CRITICAL: "remediate"}, {ORDINARY: "disabled"},
    {"all": "advisory", CRITICAL: "mandatory"}, {"all": "disabled", CRITICAL: {"enforcementLevel": "mandatory"}},
])
def test_critical_policy_at_or_above_mandatory_and_ordinary_ones_at_any_level_are_accepted(document):
    _, levels = resolve_policy_config(info(), document)
    assert levels[CRITICAL] in ("mandatory", "remediate")


def report():
    controls = [Control(ORDINARY, "rotate", "high", "disabled", ("3.7.4",), ("CC6.1",)),
                Control("cmk-encryption-at-rest", "cmk", "high", "mandatory", ("3.5.1",), ("CC6.1",))]
    bucket = Resource("urn:pulumi:dev::p::aws:s3/bucket:Bucket::docs", "aws:s3/bucket:Bucket", "docs")
    evaluations = [Evaluation("cmk-encryption-at-rest", bucket.urn, bucket.type, "update", COMPLIANT)]
    return Report("evidence", "p", "dev", "perimeter", "0.1.0", controls, [bucket], evaluations=evaluations)


def test_a_disabled_policy_has_a_disabled_row_not_a_clean_one():
    rows = {r["control"]: r for r in control_rows(report())}
    assert rows[ORDINARY]["status"] == "DISABLED" and rows[ORDINARY]["message"] == "disabled by policy config"
    assert rows[ORDINARY]["pci_dss"] == "3.7.4"
    assert rows["cmk-encryption-at-rest"]["status"] == COMPLIANT


def test_the_control_matrix_lists_a_disabled_policy_as_an_open_item():
    matrix = control_matrix(report(), {"inheritedControls": {"bedrockNoTrainingConfirmedOn": "x",
                                                             "awsAttestationsConfirmedOn": "x"}})
    rotation_row = next(line for line in matrix.splitlines() if line.startswith("| **3.7.4**"))
    assert f"`{ORDINARY}` disabled by policy config" in rotation_row
    shared_row = next(line for line in matrix.splitlines() if line.startswith("| **CC6.1**"))
    assert "disabled by policy config" in shared_row and "1: docs" in shared_row

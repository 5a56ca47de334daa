import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "dynamodb-point-in-time-recovery"
TABLE = "aws:dynamodb/table:Table"
COMPLIANT = {"hashKey": "id", "billingMode": "PAY_PER_REQUEST", "attributes": [{"name": "id", "type": "S"}],
             "pointInTimeRecovery": {"enabled": True}, "serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN}}


def test_compliant_table_passes():
    result = analyze(POLICY, resource(TABLE, "data", COMPLIANT))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("path, value", [(("pointInTimeRecovery",), REMOVE), (("pointInTimeRecovery", "enabled"), False)])
def test_without_recovery_blocks(path, value):
    result = analyze(POLICY, resource(TABLE, "data", mutated(COMPLIANT, path, value)))
    assert len(result.violations) == 1 and "pointInTimeRecovery.enabled is not true" in result.violations[0][0]


def test_unknown_is_deferred():
    result = analyze(POLICY, resource(TABLE, "data", mutated(COMPLIANT, ("pointInTimeRecovery",), UNKNOWN)))
    assert result.clean and result.deferred


def test_waiver_applies():
    result = analyze(POLICY, resource(TABLE, "data", mutated(COMPLIANT, ("pointInTimeRecovery",), REMOVE)),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


def test_deferral_names_the_unknown_setting():
    result = analyze(POLICY, resource(TABLE, "data", mutated(COMPLIANT, ("pointInTimeRecovery",), UNKNOWN)))
    assert [d["message"] for d in result.deferred] == ["Table 'data': pointInTimeRecovery.enabled is unknown at preview"]

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "database-backups-and-deletion-protection"
TYPES = ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"]
COMPLIANT = {"engine": "postgres", "deletionProtection": True, "backupRetentionPeriod": 14,
             "storageEncrypted": True, "kmsKeyId": UNKNOWN}


@pytest.mark.parametrize("type_", TYPES)
def test_compliant_database_passes(type_):
    result = analyze(POLICY, resource(type_, "data", COMPLIANT))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("path, value, named", [
    (("deletionProtection",), REMOVE, "deletionProtection is not true"),
    (("deletionProtection",), False, "deletionProtection is not true"),
    (("backupRetentionPeriod",), REMOVE, "backupRetentionPeriod is not set (default 1 day)"),
    (("backupRetentionPeriod",), 0, "backupRetentionPeriod is 0"),
    (("backupRetentionPeriod",), 3, "below 7 days"),
])
def test_each_violation_blocks(type_, path, value, named):
    result = analyze(POLICY, resource(type_, "data", mutated(COMPLIANT, path, value)))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_read_replica_takes_backups_from_its_source():
    inputs = mutated(mutated(COMPLIANT, ("backupRetentionPeriod",), REMOVE), ("replicateSourceDb",), "cards-primary")
    assert analyze(POLICY, resource(TYPES[0], "data", inputs)).clean


def test_minimum_is_configurable():
    assert len(analyze(POLICY, resource(TYPES[0], "data", COMPLIANT), {"minBackupRetentionDays": 30}).violations) == 1


@pytest.mark.parametrize("path", [("deletionProtection",), ("backupRetentionPeriod",)])
def test_unknown_values_are_deferred(path):
    result = analyze(POLICY, resource(TYPES[1], "data", mutated(COMPLIANT, path, UNKNOWN)))
    assert result.clean and result.deferred


def test_waiver_applies():
    result = analyze(POLICY, resource(TYPES[0], "data", mutated(COMPLIANT, ("deletionProtection",), False)),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

import pulumi_aws as aws
import pytest
from perimeter_policies import testing as kit
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


# --- Neptune, Redshift and ElastiCache, through the typed kit ----------------------------------------

NEPTUNE = kit.resource(aws.neptune.Cluster, "graph", deletion_protection=True, backup_retention_period=7)
REDSHIFT = kit.resource(aws.redshift.Cluster, "warehouse", cluster_identifier="wh", node_type="ra3.large",
                        automated_snapshot_retention_period=7)
REPLICATION_GROUP = kit.resource(aws.elasticache.ReplicationGroup, "sessions", description="sessions",
                                 snapshot_retention_limit=15)
CACHE = kit.resource(aws.elasticache.Cluster, "cache", engine="redis", node_type="cache.t4g.micro",
                     num_cache_nodes=1, snapshot_retention_limit=15)
# (compliant resource, its retention argument, AWS's default as the finding shows it, the configured minimum)
RETAINED = [
    (NEPTUNE, "backup_retention_period", "not set (default 1 day)", 7),
    (REDSHIFT, "automated_snapshot_retention_period", "not set (default 1 day)", 7),
    (REPLICATION_GROUP, "snapshot_retention_limit", "not set (default 0 days)", 15),
    (CACHE, "snapshot_retention_limit", "not set (default 0 days)", 15),
]
RETAINED_IDS = ["neptune", "redshift", "elasticache-group", "elasticache-cluster"]


@pytest.mark.parametrize("subject, argument, default, minimum", RETAINED, ids=RETAINED_IDS)
def test_backup_retention_of_every_store(subject, argument, default, minimum):
    kit.run(POLICY, subject).assert_clean()
    kit.run(POLICY, subject.replace(**{argument: None})).assert_violation(default, argument, on=subject)
    kit.run(POLICY, subject.replace(**{argument: 0})).assert_violation("is 0 days", f"below {minimum} days")
    kit.run(POLICY, subject.replace(**{argument: minimum - 1})).assert_violation(f"below {minimum} days")
    kit.run(POLICY, subject.replace(**{argument: UNKNOWN})).assert_deferred("unknown at preview")


def test_neptune_needs_deletion_protection():
    kit.run(POLICY, NEPTUNE.replace(deletion_protection=None)).assert_violation("deletionProtection is not true")
    kit.run(POLICY, NEPTUNE.replace(deletion_protection=False)).assert_violation(
        "Cluster 'graph': deletionProtection is not true (default false); set deletion_protection=True.")
    kit.run(POLICY, NEPTUNE.replace(deletion_protection=UNKNOWN)).assert_deferred(
        "Cluster 'graph': deletionProtection unknown at preview")


def test_memcached_and_replication_group_members_keep_no_snapshots_of_their_own():
    kit.run(POLICY, CACHE.replace(engine="memcached", snapshot_retention_limit=None)).assert_clean()
    member = kit.resource(aws.elasticache.Cluster, "member", replication_group_id="sessions")
    kit.run(POLICY, member).assert_clean()
    kit.run(POLICY, CACHE.replace(engine="valkey", snapshot_retention_limit=None)).assert_violation("snapshotRetention")
    kit.run(POLICY, CACHE.replace(engine=UNKNOWN)).assert_deferred("snapshotRetentionLimit")
    kit.run(POLICY, member.replace(replication_group_id=UNKNOWN)).assert_deferred("snapshotRetentionLimit")


def test_cache_minimum_is_configured_apart_from_databases():
    kit.run(POLICY, CACHE, config={"minSnapshotRetentionDays": 16}).assert_violation("below 16 days")
    kit.run(POLICY, CACHE, config={"minBackupRetentionDays": 30}).assert_clean()
    kit.run(POLICY, REDSHIFT, config={"minSnapshotRetentionDays": 30}).assert_clean()


def test_wrongly_typed_retention_is_a_finding():
    kit.run(POLICY, REDSHIFT.set("automatedSnapshotRetentionPeriod", "7")).assert_violation("'7' days")
    kit.run(POLICY, REDSHIFT.set("automatedSnapshotRetentionPeriod", True)).assert_violation("True days")


def test_aurora_cluster_replica_keeps_its_own_backups():
    replica = kit.resource(aws.rds.Cluster, "replica", engine="aurora-postgresql", deletion_protection=True,
                           replication_source_identifier="arn:aws:rds:eu-west-2:1:cluster:primary")
    kit.run(POLICY, replica).assert_violation("backupRetentionPeriod is not set")


def test_kit_waiver_applies():
    bad = REDSHIFT.replace(automated_snapshot_retention_period=1)
    kit.run(POLICY, bad, waivers=[kit.waiver(bad, reason="Rebuilt nightly from the ledger (DATA-12)")]).assert_waived()

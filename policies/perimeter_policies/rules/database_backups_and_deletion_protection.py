"""database-backups-and-deletion-protection: databases keep automated backups and cannot be deleted by one call.

Why: cardholder and audit data must survive mistakes and attacks. RDS and
Neptune `deletion_protection` defaults to false, so a `pulumi destroy`, a
renamed resource that forces replacement, or a compromised credential deletes
the database outright. Automated backups are too short or off by default:
`backup_retention_period` (RDS, Aurora, Neptune) and Redshift's
`automated_snapshot_retention_period` default to 1 day (0 turns them off),
and ElastiCache (Redis OSS, Valkey) `snapshot_retention_limit` defaults to 0,
no snapshots at all. PCI DSS 12.10.1 wants recovery ready, SOC 2 A1.2 wants
backup and recovery in place (AWS Config DB_INSTANCE_BACKUP_ENABLED,
NEPTUNE_CLUSTER_BACKUP_RETENTION_CHECK, REDSHIFT_BACKUP_ENABLED,
ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK).

Checked, per `NATIVE_BACKUPS`, on `aws.rds.Instance`, `aws.rds.Cluster`
(Aurora and Multi-AZ DB clusters; Aurora member instances inherit the
cluster's settings) and `aws.neptune.Cluster` (retention and deletion
protection), `aws.redshift.Cluster` (retention; Redshift has no deletion
protection flag) and `aws.elasticache.ReplicationGroup` /
`aws.elasticache.Cluster` (snapshot retention). A read replica
(`replicate_source_db`) takes its backups from its source, as does a cache
cluster that joins a replication group (`replication_group_id`); Memcached
keeps no snapshots, so a `memcached` cache cluster is out of scope. Minimum
retention is `minBackupRetentionDays` (default 7) for databases and
`minSnapshotRetentionDays` (default 15, AWS Config's default) for caches.
Values unknown at preview are deferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Optional

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle


@dataclass(frozen=True)
class NativeBackup:
    retention: str                        # wire input holding the days backups are kept
    argument: str                         # its pulumi-aws argument, for the fix
    default: int                          # AWS's value when the input is absent
    minimum: str                          # config property holding the fewest days allowed
    deletion_protection: bool = False     # whether the type has deletion_protection (default false)
    inherits_from: Optional[str] = None   # an input that, when set, means the backups are another resource's
    skipped_engine: Optional[str] = None  # an engine that takes no backups


DATABASE_DAYS, CACHE_DAYS = "minBackupRetentionDays", "minSnapshotRetentionDays"
NATIVE_BACKUPS = {
    "aws:rds/instance:Instance": NativeBackup("backupRetentionPeriod", "backup_retention_period", 1, DATABASE_DAYS,
                                              deletion_protection=True, inherits_from="replicateSourceDb"),
    "aws:rds/cluster:Cluster": NativeBackup("backupRetentionPeriod", "backup_retention_period", 1, DATABASE_DAYS,
                                            deletion_protection=True),
    "aws:neptune/cluster:Cluster": NativeBackup("backupRetentionPeriod", "backup_retention_period", 1, DATABASE_DAYS,
                                                deletion_protection=True),
    "aws:redshift/cluster:Cluster": NativeBackup("automatedSnapshotRetentionPeriod",
                                                 "automated_snapshot_retention_period", 1, DATABASE_DAYS),
    "aws:elasticache/replicationGroup:ReplicationGroup": NativeBackup(
        "snapshotRetentionLimit", "snapshot_retention_limit", 0, CACHE_DAYS),
    "aws:elasticache/cluster:Cluster": NativeBackup("snapshotRetentionLimit", "snapshot_retention_limit", 0, CACHE_DAYS,
                                                    inherits_from="replicationGroupId", skipped_engine="memcached"),
}


def check(database: ResourceView, config):
    backup = NATIVE_BACKUPS[database.type]
    problems, unknowns = [], []
    if backup.deletion_protection:
        protection = database.get("deletionProtection")
        if is_unknown(protection):
            unknowns.append("deletionProtection")
        elif protection is not True:
            problems.append("deletionProtection is not true (default false); set deletion_protection=True")
    source = database.get(backup.inherits_from) if backup.inherits_from else None
    skipped = backup.skipped_engine is not None and database.get("engine") == backup.skipped_engine
    retention, minimum = database.get(backup.retention), config[backup.minimum]
    counted = isinstance(retention, Real) and not isinstance(retention, bool)
    if is_unknown(source) or (backup.skipped_engine and is_unknown(database.get("engine"))) or is_unknown(retention):
        unknowns.append(backup.retention)
    elif not source and not skipped and not (counted and retention >= minimum):
        shown = f"not set (default {backup.default} day{'s' * (backup.default != 1)})" if retention is None \
            else f"{retention:g} days" if counted else f"{retention!r} days"
        problems.append(f"{backup.retention} is {shown}, below {minimum:g} days; set {backup.argument}")
    yield from settle(problems, unknowns, subject=describe(database))


RULE = Rule(
    name="database-backups-and-deletion-protection",
    description=("RDS, Aurora and Neptune have deletion protection, and they, Redshift and ElastiCache (Redis OSS, "
                 "Valkey) keep automated backups long enough."),
    severity="medium",
    pci_dss=("12.10.1",),
    soc2=("A1.2", "CC7.1"),
    remediation=("Set deletion_protection=True and backup_retention_period >= minBackupRetentionDays on "
                 "aws.rds.Instance / aws.rds.Cluster / aws.neptune.Cluster, automated_snapshot_retention_period on "
                 "aws.redshift.Cluster, and snapshot_retention_limit >= minSnapshotRetentionDays on "
                 "aws.elasticache.ReplicationGroup / aws.elasticache.Cluster."),
    check=check,
    resource_types=tuple(NATIVE_BACKUPS),
    config_properties={
        DATABASE_DAYS: {"type": "integer", "minimum": 1, "maximum": 35,
                        "description": "Fewest days of automated database backups to keep (RDS, Neptune and "
                                       "Redshift allow up to 35)."},
        CACHE_DAYS: {"type": "integer", "minimum": 1, "maximum": 35,
                     "description": "Fewest days of automatic ElastiCache snapshots to keep (up to 35)."},
    },
    default_config={DATABASE_DAYS: 7, CACHE_DAYS: 15},
    violation_example='aws.rds.Instance("cards", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20)',
)

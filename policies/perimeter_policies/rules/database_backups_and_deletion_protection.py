"""database-backups-and-deletion-protection: databases keep automated backups and cannot be deleted by one call.

Why: cardholder and audit data must survive mistakes and attacks. RDS
`deletion_protection` defaults to false, so a `pulumi destroy`, a renamed
resource that forces replacement, or a compromised credential deletes the
database outright; `backup_retention_period` defaults to 1 day (0 turns
backups off), too short to notice and recover from corruption. PCI DSS
12.10.1 wants recovery ready, SOC 2 A1.2 wants backup and recovery in place.

Checked on `aws.rds.Instance` and `aws.rds.Cluster` (Aurora and Multi-AZ DB
clusters; Aurora member instances inherit the cluster's settings). A read
replica (`replicate_source_db`) takes its backups from its source. Minimum
retention is `minBackupRetentionDays` (default 7). Values unknown at preview
are deferred.
"""

from __future__ import annotations

from numbers import Real

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

DATABASES = ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster")


def check(database: ResourceView, config):
    problems, unknowns = [], []
    protection = database.get("deletionProtection")
    if is_unknown(protection):
        unknowns.append("deletionProtection")
    elif protection is not True:
        problems.append("deletionProtection is not true (default false); set deletion_protection=True")
    replica = database.get("replicateSourceDb")
    retention, minimum = database.get("backupRetentionPeriod"), config["minBackupRetentionDays"]
    if is_unknown(replica) or is_unknown(retention):
        unknowns.append("backupRetentionPeriod")
    elif not replica and not (isinstance(retention, Real) and retention >= minimum):
        shown = "not set (default 1 day)" if retention is None else f"{retention!r} days"
        problems.append(f"backupRetentionPeriod is {shown}, below {minimum:g} days; set backup_retention_period")
    yield from settle(problems, unknowns, subject=describe(database))


RULE = Rule(
    name="database-backups-and-deletion-protection",
    description="RDS instances and clusters have deletion protection and automated backups kept long enough.",
    severity="medium",
    pci_dss=("12.10.1",),
    soc2=("A1.2", "CC7.1"),
    remediation="Set deletion_protection=True and backup_retention_period >= minBackupRetentionDays on aws.rds.Instance / aws.rds.Cluster.",
    check=check,
    resource_types=DATABASES,
    config_properties={
        "minBackupRetentionDays": {"type": "integer", "minimum": 1, "maximum": 35,
                                   "description": "Fewest days of automated backups to keep (RDS allows up to 35)."},
    },
    default_config={"minBackupRetentionDays": 7},
    violation_example='aws.rds.Instance("cards", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20)',
)

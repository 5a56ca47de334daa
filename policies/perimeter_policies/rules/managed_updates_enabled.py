"""managed-updates-enabled: databases take their engine's security patches.

Why: PCI DSS 6.3.3 wants known vulnerabilities patched in time. RDS and
Aurora apply minor engine versions (which carry security fixes) in the
maintenance window only while `auto_minor_version_upgrade` is on, and Redshift
applies new cluster versions only while `allow_version_upgrade` is on; both
default to on, so the finding is a program that turns them off
(AWS Config RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED,
REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK). Values unknown at preview are
deferred.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

# Type -> the flag that must not be false.
UPDATE_FLAGS = {
    "aws:rds/instance:Instance": "autoMinorVersionUpgrade",
    "aws:rds/cluster:Cluster": "autoMinorVersionUpgrade",
    "aws:rds/clusterInstance:ClusterInstance": "autoMinorVersionUpgrade",
    "aws:redshift/cluster:Cluster": "allowVersionUpgrade",
}


def check(database: ResourceView, config):
    flag = UPDATE_FLAGS[database.type]
    value = database.get(flag)
    problems, unknowns = [], []
    if is_unknown(value):
        unknowns.append(flag)
    elif value is False:
        problems.append(f"{flag} is false, so engine security patches are not applied")
    yield from settle(problems, unknowns, subject=describe(database))


RULE = Rule(
    name="managed-updates-enabled",
    description="RDS and Aurora keep automatic minor version upgrades on, and Redshift allows version upgrades.",
    severity="medium",
    pci_dss=("6.3.3",),
    soc2=("CC7.1", "CC8.1"),
    remediation=("Leave auto_minor_version_upgrade (aws.rds.Instance, Cluster, ClusterInstance) and "
                 "allow_version_upgrade (aws.redshift.Cluster) unset or True."),
    check=check,
    resource_types=tuple(UPDATE_FLAGS),
    violation_example='aws.rds.Instance("cards", engine="postgres", instance_class="db.t4g.micro", auto_minor_version_upgrade=False)',
)

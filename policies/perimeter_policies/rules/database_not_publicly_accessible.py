"""database-not-publicly-accessible: databases get no public endpoint.

Why: `publicly_accessible=True` gives a database (or a DMS replication
instance, which holds copies of the data it moves) a public DNS name and IP,
so only a security group stands between cardholder data and the internet
(PCI DSS 1.3.1, 1.4.4). Absent means the provider's or the API's default:
false for RDS instances, Aurora cluster instances and Redshift clusters
(the provider sends false), but TRUE for DMS replication instances (the DMS
API default; the provider leaves it to AWS), so a DMS instance must say false
explicitly.
"""

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

# Resource type -> what AWS does when `publiclyAccessible` is absent.
DEFAULT_PUBLICLY_ACCESSIBLE = {
    "aws:rds/instance:Instance": False,
    "aws:rds/clusterInstance:ClusterInstance": False,
    "aws:redshift/cluster:Cluster": False,
    "aws:dms/replicationInstance:ReplicationInstance": True,
}


def check(database: ResourceView, config):
    value = database.get("publiclyAccessible")
    if is_unknown(value):
        yield unknown_at_preview(database, "publiclyAccessible")
    elif value is True:
        yield Violation(f"{describe(database)} sets publiclyAccessible=true.")
    elif value is None and DEFAULT_PUBLICLY_ACCESSIBLE[database.type]:
        yield Violation(f"{describe(database)} leaves publiclyAccessible unset, and AWS defaults it to true.")


RULE = Rule(
    name="database-not-publicly-accessible",
    description="RDS, Aurora, Redshift and DMS instances must not be publicly accessible.",
    severity="high",
    pci_dss=("1.3.1", "1.4.4"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set publicly_accessible=False on aws.rds.Instance, aws.rds.ClusterInstance, aws.redshift.Cluster "
                 "and aws.dms.ReplicationInstance (DMS defaults to true, so set it explicitly)."),
    check=check,
    resource_types=tuple(DEFAULT_PUBLICLY_ACCESSIBLE),
    violation_example='aws.rds.Instance("cards", engine="postgres", instance_class="db.t4g.micro", publicly_accessible=True)',
)

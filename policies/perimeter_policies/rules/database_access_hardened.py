"""database-access-hardened: databases use IAM authentication and no vendor-default admin user or database name.

Why: a database password is a long-lived shared secret; IAM database
authentication gives each caller short-lived, individually attributable
credentials governed by IAM policy (PCI DSS 8.2.1, 8.3.1, 8.6.3; AWS Config
RDS_INSTANCE_IAM_AUTHENTICATION_ENABLED, RDS_CLUSTER_IAM_AUTHENTICATION_ENABLED,
NEPTUNE_CLUSTER_IAM_DATABASE_AUTHENTICATION). And the vendor-default master
user names (`admin`, `postgres`, `root`, `awsuser`, ...) and Redshift's
default database `dev` are the first guesses of anyone attacking a login
(PCI DSS 2.2.2; RDS_INSTANCE_DEFAULT_ADMIN_CHECK, RDS_CLUSTER_DEFAULT_ADMIN_CHECK,
REDSHIFT_DEFAULT_ADMIN_CHECK, REDSHIFT_DEFAULT_DB_NAME_CHECK). The default
names are configurable (`defaultAdminNames`). Redshift has no IAM database
authentication flag on the cluster, so only its names are checked. A name
absent means the engine default for Redshift's database (`dev`), and is a
violation there; an absent master user name is left to the engine, which
requires one. Values unknown at preview are deferred.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
NEPTUNE_CLUSTER = "aws:neptune/cluster:Cluster"
REDSHIFT_CLUSTER = "aws:redshift/cluster:Cluster"
IAM_AUTHENTICATED = (RDS_INSTANCE, RDS_CLUSTER, NEPTUNE_CLUSTER)
# Type -> the input holding the master user name.
ADMIN_NAME = {RDS_INSTANCE: "username", RDS_CLUSTER: "masterUsername", REDSHIFT_CLUSTER: "masterUsername"}
REDSHIFT_DEFAULT_DATABASE = "dev"


def check(database: ResourceView, config):
    problems, unknowns = [], []
    if database.type in IAM_AUTHENTICATED:
        enabled = database.get("iamDatabaseAuthenticationEnabled")
        if is_unknown(enabled):
            unknowns.append("iamDatabaseAuthenticationEnabled")
        elif enabled is not True:
            shown = "not set (default false)" if enabled is None else repr(enabled)
            problems.append(f"iamDatabaseAuthenticationEnabled is {shown}: callers share a password instead of IAM")
    field = ADMIN_NAME.get(database.type)
    if field:
        name = database.get(field)
        defaults = {n.lower() for n in config["defaultAdminNames"]}
        if is_unknown(name):
            unknowns.append(field)
        elif isinstance(name, str) and name.strip().lower() in defaults:
            problems.append(f"{field} is {name!r}, a vendor-default admin name")
    if database.type == REDSHIFT_CLUSTER:
        database_name = database.get("databaseName")
        if is_unknown(database_name):
            unknowns.append("databaseName")
        elif not isinstance(database_name, str) or database_name.strip().lower() == REDSHIFT_DEFAULT_DATABASE:
            shown = "not set (default 'dev')" if database_name is None else repr(database_name)
            problems.append(f"databaseName is {shown}, the default database name")
    yield from settle(problems, unknowns, subject=describe(database))


RULE = Rule(
    name="database-access-hardened",
    description=("RDS, Aurora and Neptune use IAM database authentication; RDS, Aurora and Redshift use no "
                 "vendor-default admin user (nor Redshift its default database name)."),
    severity="high",
    pci_dss=("2.2.2", "8.2.1", "8.3.1", "8.6.3"),
    soc2=("CC6.1", "CC6.2"),
    remediation=("Set iam_database_authentication_enabled=True (aws.rds.Instance, aws.rds.Cluster, "
                 "aws.neptune.Cluster), choose a non-default username / master_username, and set database_name on "
                 "aws.redshift.Cluster to something other than 'dev'."),
    check=check,
    resource_types=(RDS_INSTANCE, RDS_CLUSTER, NEPTUNE_CLUSTER, REDSHIFT_CLUSTER),
    config_properties={
        "defaultAdminNames": {
            "type": "array", "uniqueItems": True, "items": {"type": "string", "minLength": 1},
            "description": "Master user names treated as vendor defaults (compared ignoring case).",
        },
    },
    default_config={"defaultAdminNames": ["admin", "administrator", "postgres", "root", "master", "awsuser", "sa",
                                          "mysql", "oracle", "dbadmin"]},
    violation_example='aws.rds.Instance("cards", engine="postgres", instance_class="db.t4g.micro", username="postgres")',
)

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "database-access-hardened"
INSTANCE = resource(aws.rds.Instance, "cards", engine="postgres", instance_class="db.t4g.medium",
                    username="cards_owner", iam_database_authentication_enabled=True)
CLUSTER = resource(aws.rds.Cluster, "ledger", engine="aurora-postgresql", master_username="ledger_owner",
                   iam_database_authentication_enabled=True)
NEPTUNE = resource(aws.neptune.Cluster, "graph", iam_database_authentication_enabled=True)
REDSHIFT = resource(aws.redshift.Cluster, "warehouse", cluster_identifier="wh", node_type="ra3.large",
                    master_username="wh_owner", database_name="analytics")


@pytest.mark.parametrize("subject", [INSTANCE, CLUSTER, NEPTUNE, REDSHIFT], ids=["rds", "aurora", "neptune", "redshift"])
def test_hardened_databases_pass(subject):
    run(POLICY, subject).assert_clean()


@pytest.mark.parametrize("subject", [INSTANCE, CLUSTER, NEPTUNE], ids=["rds", "aurora", "neptune"])
def test_password_only_authentication_blocks(subject):
    run(POLICY, subject.replace(iam_database_authentication_enabled=None)).assert_violation(
        "iamDatabaseAuthenticationEnabled is not set (default false)", on=subject)
    run(POLICY, subject.replace(iam_database_authentication_enabled=False)).assert_violation("is False")


@pytest.mark.parametrize("subject, changes, named", [
    (INSTANCE, {"username": "postgres"}, "username is 'postgres'"),
    (CLUSTER, {"master_username": "Admin"}, "masterUsername is 'Admin'"),
    (REDSHIFT, {"master_username": "awsuser"}, "masterUsername is 'awsuser'"),
    (REDSHIFT, {"database_name": None}, "databaseName is not set (default 'dev')"),
    (REDSHIFT, {"database_name": "dev"}, "databaseName is 'dev'"),
], ids=["rds-postgres", "aurora-admin", "redshift-awsuser", "redshift-no-db", "redshift-dev"])
def test_vendor_defaults_block(subject, changes, named):
    run(POLICY, subject.replace(**changes)).assert_violation(named, on=subject)


def test_default_names_are_configurable():
    run(POLICY, INSTANCE, config={"defaultAdminNames": ["cards_owner"]}).assert_violation("vendor-default")


def test_unknown_values_are_deferred():
    run(POLICY, INSTANCE.replace(username=UNKNOWN)).assert_deferred("username")


def test_waiver_waives():
    legacy = INSTANCE.replace(iam_database_authentication_enabled=False)
    run(POLICY, legacy, waivers=[waiver(legacy, reason="Vendor app needs password auth until Q3 (SEC-61)")]).assert_waived()

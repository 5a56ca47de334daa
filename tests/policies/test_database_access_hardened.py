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


def test_every_problem_is_named_exactly_in_one_finding():
    weak = INSTANCE.replace(iam_database_authentication_enabled=False, username=" ROOT ")
    assert run(POLICY, weak).finding() == (
        "Instance 'cards': iamDatabaseAuthenticationEnabled is False: callers share a password instead of IAM; "
        "username is ' ROOT ', a vendor-default admin name.")
    assert run(POLICY, NEPTUNE.replace(iam_database_authentication_enabled=None)).finding() == (
        "Cluster 'graph': iamDatabaseAuthenticationEnabled is not set (default false): "
        "callers share a password instead of IAM.")
    assert run(POLICY, REDSHIFT.replace(master_username="awsuser", database_name=" Dev ")).finding() == (
        "Cluster 'warehouse': masterUsername is 'awsuser', a vendor-default admin name; "
        "databaseName is ' Dev ', the default database name.")
    assert run(POLICY, REDSHIFT.replace(database_name=None)).finding() == (
        "Cluster 'warehouse': databaseName is not set (default 'dev'), the default database name.")


def test_redshift_has_no_iam_authentication_flag_and_neptune_no_admin_name():
    run(POLICY, REDSHIFT).assert_clean()
    run(POLICY, NEPTUNE, config={"defaultAdminNames": ["graph", "neptune"]}).assert_clean()


def test_configured_names_compare_ignoring_case_and_replace_the_defaults():
    run(POLICY, INSTANCE.replace(username="Cards_Owner"), config={"defaultAdminNames": ["CARDS_OWNER"]}) \
        .assert_violation("username is 'Cards_Owner', a vendor-default admin name")
    run(POLICY, INSTANCE.replace(username="postgres"), config={"defaultAdminNames": ["sa"]}).assert_clean()


def test_no_master_user_name_is_left_to_the_engine():
    run(POLICY, CLUSTER.replace(master_username=None)).assert_clean()


@pytest.mark.parametrize("subject, changes, deferral", [
    (INSTANCE, {"iam_database_authentication_enabled": UNKNOWN}, "Instance 'cards': iamDatabaseAuthenticationEnabled unknown at preview"),
    (CLUSTER, {"master_username": UNKNOWN}, "Cluster 'ledger': masterUsername unknown at preview"),
    (REDSHIFT, {"database_name": UNKNOWN}, "Cluster 'warehouse': databaseName unknown at preview"),
    (INSTANCE, {"iam_database_authentication_enabled": UNKNOWN, "username": UNKNOWN},
     "Instance 'cards': iamDatabaseAuthenticationEnabled, username unknown at preview"),
    (REDSHIFT, {"master_username": UNKNOWN, "database_name": UNKNOWN},
     "Cluster 'warehouse': masterUsername, databaseName unknown at preview"),
], ids=["iam", "aurora-user", "redshift-db", "iam-and-user", "redshift-both"])
def test_each_unknown_setting_is_named_in_the_deferral(subject, changes, deferral):
    result = run(POLICY, subject.replace(**changes)).assert_deferred()
    assert [d["message"] for d in result.deferred] == [deferral]


def test_a_known_problem_blocks_beside_an_unknown():
    result = run(POLICY, REDSHIFT.replace(master_username=UNKNOWN, database_name="dev"))
    assert result.finding() == "Cluster 'warehouse': databaseName is 'dev', the default database name."

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "database-not-publicly-accessible"
COMPLIANT = {
    "rds": resource(aws.rds.Instance, "db", engine="postgres", instance_class="db.t4g.micro",
                    db_subnet_group_name=UNKNOWN, kms_key_id=UNKNOWN, publicly_accessible=False),
    "aurora": resource(aws.rds.ClusterInstance, "db", cluster_identifier=UNKNOWN, instance_class="db.r6g.large",
                       engine="aurora-postgresql", publicly_accessible=False),
    "redshift": resource(aws.redshift.Cluster, "db", cluster_identifier="analytics", node_type="ra3.xlplus",
                         kms_key_id=UNKNOWN, publicly_accessible=False),
    "dms": resource(aws.dms.ReplicationInstance, "db", replication_instance_class="dms.t3.micro",
                    replication_instance_id="migrate", kms_key_arn=UNKNOWN, replication_subnet_group_id=UNKNOWN,
                    publicly_accessible=False),
}


@pytest.mark.parametrize("kind", list(COMPLIANT))
def test_compliant_baseline_passes_with_unknown_ids(kind):
    run(POLICY, COMPLIANT[kind]).assert_clean()


@pytest.mark.parametrize("kind", list(COMPLIANT))
def test_publicly_accessible_true_blocks(kind):
    run(POLICY, COMPLIANT[kind].replace(publicly_accessible=True)).assert_violation("publiclyAccessible=true")


@pytest.mark.parametrize("kind", ["rds", "aurora", "redshift"])
def test_absent_flag_passes_where_the_provider_defaults_to_false(kind):
    run(POLICY, COMPLIANT[kind].replace(publicly_accessible=None)).assert_clean()


def test_absent_flag_blocks_on_dms_where_aws_defaults_to_true():
    run(POLICY, COMPLIANT["dms"].replace(publicly_accessible=None)).assert_violation("AWS defaults it to true")


def test_public_database_still_blocks_beside_unknown_unrelated_inputs():
    public = COMPLIANT["rds"].replace(publicly_accessible=True, vpc_security_group_ids=[UNKNOWN], password=UNKNOWN)
    run(POLICY, public).assert_violation("publiclyAccessible=true")


def test_unknown_flag_is_deferred_not_cant_run():
    run(POLICY, COMPLIANT["redshift"].unknown("publiclyAccessible")).assert_deferred("publiclyAccessible")


def test_waiver_waives_a_public_database():
    public = COMPLIANT["redshift"].replace(publicly_accessible=True)
    run(POLICY, public, waivers=[waiver(public, reason="Synthetic demo data only, no account data")]).assert_waived()


def test_unknown_flag_is_deferred_naming_it():
    result = run(POLICY, COMPLIANT["rds"].unknown("publiclyAccessible"))
    assert result.clean and [d["message"] for d in result.deferred] == ["Instance 'db': publiclyAccessible is unknown at preview"]

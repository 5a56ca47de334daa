import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "database-not-publicly-accessible"
RDS_INSTANCE = "aws:rds/instance:Instance"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
REDSHIFT = "aws:redshift/cluster:Cluster"
DMS = "aws:dms/replicationInstance:ReplicationInstance"
COMPLIANT = {
    RDS_INSTANCE: {"engine": "postgres", "instanceClass": "db.t4g.micro", "dbSubnetGroupName": UNKNOWN,
                   "kmsKeyId": UNKNOWN, "publiclyAccessible": False},
    CLUSTER_INSTANCE: {"clusterIdentifier": UNKNOWN, "instanceClass": "db.r6g.large", "engine": "aurora-postgresql",
                       "publiclyAccessible": False},
    REDSHIFT: {"clusterIdentifier": "analytics", "nodeType": "ra3.xlplus", "kmsKeyId": UNKNOWN,
               "publiclyAccessible": False},
    DMS: {"replicationInstanceClass": "dms.t3.micro", "replicationInstanceId": "migrate", "kmsKeyArn": UNKNOWN,
          "replicationSubnetGroupId": UNKNOWN, "publiclyAccessible": False},
}


def subject(type_, **changes):
    inputs = {**COMPLIANT[type_], **changes}
    return resource(type_, "db", {k: v for k, v in inputs.items() if v is not None})


@pytest.mark.parametrize("type_", list(COMPLIANT))
def test_compliant_baseline_passes_with_unknown_ids(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", list(COMPLIANT))
def test_publicly_accessible_true_blocks(type_):
    result = analyze(POLICY, subject(type_, publiclyAccessible=True))
    assert len(result.violations) == 1 and "publiclyAccessible=true" in result.violations[0][0]


@pytest.mark.parametrize("type_", [RDS_INSTANCE, CLUSTER_INSTANCE, REDSHIFT])
def test_absent_flag_passes_where_the_provider_defaults_to_false(type_):
    assert analyze(POLICY, subject(type_, publiclyAccessible=None)).clean


def test_absent_flag_blocks_on_dms_where_aws_defaults_to_true():
    result = analyze(POLICY, subject(DMS, publiclyAccessible=None))
    assert "AWS defaults it to true" in result.violations[0][0]


def test_public_database_still_blocks_beside_unknown_unrelated_inputs():
    result = analyze(POLICY, subject(RDS_INSTANCE, publiclyAccessible=True, vpcSecurityGroupIds=[UNKNOWN],
                                     password=UNKNOWN))
    assert len(result.violations) == 1 and not result.cant_run


def test_unknown_flag_is_deferred_not_cant_run():
    result = analyze(POLICY, subject(REDSHIFT, publiclyAccessible=UNKNOWN))
    assert result.clean and len(result.deferred) == 1

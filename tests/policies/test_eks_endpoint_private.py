import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "eks-endpoint-private"
CLUSTER = resource(aws.eks.Cluster, "apps", role_arn=UNKNOWN, vpc_config={
    "subnet_ids": [UNKNOWN, UNKNOWN], "endpoint_public_access": False, "endpoint_private_access": True})


def test_private_endpoint_passes():
    run(POLICY, CLUSTER).assert_clean()


@pytest.mark.parametrize("path, value, named", [
    (("vpcConfig", "endpointPublicAccess"), True, "endpointPublicAccess is True"),
    (("vpcConfig", "endpointPublicAccess"), None, "endpointPublicAccess is not set (default true)"),
    (("vpcConfig", "endpointPrivateAccess"), False, "endpointPrivateAccess is False"),
    (("vpcConfig", "endpointPrivateAccess"), None, "endpointPrivateAccess is not set (default false)"),
])
def test_public_or_unreachable_endpoint_blocks(path, value, named):
    subject = CLUSTER.without(*path) if value is None else CLUSTER.set(*path, value)
    run(POLICY, subject).assert_violation(named, on=CLUSTER)


def test_public_endpoint_narrowed_by_cidrs_still_blocks():
    narrowed = CLUSTER.replace(vpc_config={"subnet_ids": [UNKNOWN], "endpoint_public_access": True,
                                           "endpoint_private_access": True, "public_access_cidrs": ["203.0.113.0/24"]})
    run(POLICY, narrowed).assert_violation("endpointPublicAccess is True")


def test_unknown_flag_is_deferred():
    run(POLICY, CLUSTER.unknown("vpcConfig", "endpointPublicAccess")).assert_deferred("endpointPublicAccess")


def test_waiver_waives():
    subject = CLUSTER.set("vpcConfig", "endpointPublicAccess", True)
    run(POLICY, subject, waivers=[waiver(subject, reason="Sandbox cluster without cardholder data (SEC-19)")]).assert_waived()

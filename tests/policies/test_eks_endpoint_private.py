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


@pytest.mark.parametrize("public, private, line", [
    (True, True, "Cluster 'apps': vpcConfig.endpointPublicAccess is True, must be false."),
    (False, False, "Cluster 'apps': vpcConfig.endpointPrivateAccess is False, must be true."),
    (True, False, "Cluster 'apps': vpcConfig.endpointPublicAccess is True, must be false; "
                  "vpcConfig.endpointPrivateAccess is False, must be true."),
    (None, None, "Cluster 'apps': vpcConfig.endpointPublicAccess is not set (default true), must be false; "
                 "vpcConfig.endpointPrivateAccess is not set (default false), must be true."),
    # Only the booleans count: numbers (the engine sends 0 and 1 as 0.0 and 1.0) equal False and True but are not them.
    (0, 1, "Cluster 'apps': vpcConfig.endpointPublicAccess is 0.0, must be false; "
           "vpcConfig.endpointPrivateAccess is 1.0, must be true."),
    (False, "true", "Cluster 'apps': vpcConfig.endpointPrivateAccess is 'true', must be true."),
])
def test_finding_names_every_wrong_flag(public, private, line):
    vpc_config = {"subnet_ids": [UNKNOWN]}
    if public is not None:
        vpc_config["endpoint_public_access"] = public
    if private is not None:
        vpc_config["endpoint_private_access"] = private
    assert run(POLICY, CLUSTER.replace(vpc_config=vpc_config)).finding() == line


def test_missing_vpc_config_takes_the_public_defaults():
    subject = CLUSTER.record()
    subject["inputs"].pop("vpcConfig")
    assert run(POLICY, subject).finding() == (
        "Cluster 'apps': vpcConfig is None, so the endpoint takes the defaults: public, not private.")


@pytest.mark.parametrize("subject, message", [
    (CLUSTER.unknown("vpcConfig"), "Cluster 'apps': vpcConfig unknown at preview"),
    (CLUSTER.unknown("vpcConfig", "endpointPublicAccess"),
     "Cluster 'apps': vpcConfig.endpointPublicAccess unknown at preview"),
    (CLUSTER.unknown("vpcConfig", "endpointPublicAccess").unknown("vpcConfig", "endpointPrivateAccess"),
     "Cluster 'apps': vpcConfig.endpointPublicAccess, vpcConfig.endpointPrivateAccess unknown at preview"),
])
def test_deferral_names_what_preview_cannot_see(subject, message):
    result = run(POLICY, subject)
    assert result.clean and [d["message"] for d in result.deferred] == [message]


def test_known_problem_blocks_beside_an_unknown_flag():
    subject = CLUSTER.unknown("vpcConfig", "endpointPublicAccess").set("vpcConfig", "endpointPrivateAccess", False)
    assert run(POLICY, subject).finding() == "Cluster 'apps': vpcConfig.endpointPrivateAccess is False, must be true."

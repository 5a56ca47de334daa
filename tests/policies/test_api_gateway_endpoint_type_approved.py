"""api-gateway-endpoint-type-approved: PRIVATE and REGIONAL pass by default; EDGE, explicit or by omission, blocks."""

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "api-gateway-endpoint-type-approved"
PRIVATE = resource(aws.apigateway.RestApi, "payments", name="payments",
                   endpoint_configuration={"types": "PRIVATE", "vpc_endpoint_ids": [UNKNOWN]})
REGIONAL = PRIVATE.replace(endpoint_configuration={"types": "REGIONAL"})


def test_compliant_baselines_pass():
    run(POLICY, PRIVATE).assert_clean()
    run(POLICY, REGIONAL).assert_clean()
    run(POLICY, PRIVATE.set("endpointConfiguration", "types", ["PRIVATE"])).assert_clean()  # a list, as older SDKs sent


@pytest.mark.parametrize("bad, named", [
    (PRIVATE.replace(endpoint_configuration=None), "endpointConfiguration.types is not set (EDGE)"),
    (PRIVATE.replace(endpoint_configuration={"types": "EDGE"}), "endpointConfiguration.types is 'EDGE'"),
    (PRIVATE.set("endpointConfiguration", "types", ["REGIONAL", "EDGE"]), "endpointConfiguration.types is 'EDGE'"),
    (PRIVATE.replace(endpoint_configuration={"types": "private"}), "endpointConfiguration.types is 'private'"),
])
def test_edge_or_unlisted_type_blocks(bad, named):
    run(POLICY, bad).assert_violation(f"RestApi 'payments': {named}, not one of allowedEndpointTypes "
                                      "['PRIVATE', 'REGIONAL']", on=bad)


def test_allowed_types_are_configurable():
    private_only = {"allowedEndpointTypes": ["PRIVATE"]}
    run(POLICY, PRIVATE, config=private_only).assert_clean()
    run(POLICY, REGIONAL, config=private_only).assert_violation("'REGIONAL', not one of allowedEndpointTypes ['PRIVATE']")
    run(POLICY, PRIVATE.replace(endpoint_configuration=None), config={"allowedEndpointTypes": ["EDGE"]}).assert_clean()


def test_unknown_at_preview_is_deferred():
    run(POLICY, PRIVATE.unknown("endpointConfiguration", "types")).assert_deferred(
        "RestApi 'payments': endpointConfiguration.types unknown at preview")
    run(POLICY, PRIVATE.unknown("endpointConfiguration")).assert_deferred("endpointConfiguration.types unknown")
    run(POLICY, PRIVATE.set("endpointConfiguration", "types", [UNKNOWN])).assert_deferred(
        ": endpointConfiguration.types unknown")


def test_a_known_edge_blocks_beside_an_unknown():
    run(POLICY, PRIVATE.set("endpointConfiguration", "types", [UNKNOWN, "EDGE"])).assert_violation("is 'EDGE'")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = PRIVATE.replace(endpoint_configuration=None)
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")

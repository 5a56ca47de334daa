import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "api-gateway-stage-client-auth"
STAGE, API = "aws:apigateway/stage:Stage", "aws:apigateway/restApi:RestApi"
STACK = {
    "public-api": (API, {"name": "public", "endpointConfiguration": {"types": "REGIONAL"}}, {}),
    "private-api": (API, {"name": "internal", "endpointConfiguration": {"types": "PRIVATE"}}, {}),
    "data": (STAGE, {"restApi": UNKNOWN, "stageName": "v1", "clientCertificateId": UNKNOWN}, {"restApi": ["public-api"]}),
    "internal": (STAGE, {"restApi": UNKNOWN, "stageName": "v1"}, {"restApi": ["private-api"]}),
}


def test_certificate_or_private_api_passes():
    result = analyze_stack(POLICY, build(STACK))
    assert result.clean and not result.deferred


def test_update_phase_match_by_id():
    spec = {"private-api": (API, {"id": "a1b2c3", "endpointConfiguration": {"types": ["PRIVATE"]}}, {}),
            "internal": (STAGE, {"restApi": "a1b2c3", "stageName": "v1"}, {})}
    assert analyze_stack(POLICY, build(spec)).clean


@pytest.mark.parametrize("changes", [
    {"data": [(("clientCertificateId",), "")]},
    {"private-api": [(("endpointConfiguration", "types"), "REGIONAL")]},
])
def test_public_stage_without_certificate_is_reported(changes):
    spec = {**STACK, "data": (STAGE, {"restApi": UNKNOWN, "stageName": "v1"}, {"restApi": ["public-api"]})} \
        if "data" in changes else STACK
    result = analyze_stack(POLICY, build(spec, {k: v for k, v in changes.items() if k != "data"}))
    assert len(result.violations) == 1 and "has no client certificate" in result.violations[0][0]


def test_api_declared_elsewhere_is_reported():
    spec = {"data": (STAGE, {"restApi": "zzz999", "stageName": "v1"}, {})}
    assert analyze_stack(POLICY, build(spec)).urns == [at(spec, "data")]


def test_unknown_endpoint_type_or_api_is_deferred():
    result = analyze_stack(POLICY, build(STACK, {"private-api": [(("endpointConfiguration",), UNKNOWN)]}))
    assert result.clean and result.deferred
    spec = {"data": (STAGE, {"restApi": UNKNOWN, "stageName": "v1"}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and result.deferred


def test_advisory_and_waivable():
    spec = {"data": (STAGE, {"restApi": "zzz999", "stageName": "v1"}, {})}
    result = analyze_stack(POLICY, build(spec), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

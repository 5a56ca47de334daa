import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack, urn

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


def test_finding_and_deferral_text_on_the_stage():
    reported = analyze_stack(POLICY, build({"data": (STAGE, {"restApi": "zzz999", "stageName": "v1"}, {})}))
    assert [(m.splitlines()[1], where) for m, where in reported.violations] == [(
        "Stage 'data' has no client certificate and its REST API is not PRIVATE, so its backend cannot tell gateway "
        "traffic from direct calls.", urn(STAGE, "data"))]
    deferred = analyze_stack(POLICY, build({"data": (STAGE, {"restApi": UNKNOWN, "stageName": "v1"}, {})}))
    assert deferred.clean and deferred.deferred == [{
        "message": "Stage 'data': its REST API's endpoint type is unknown at preview", "urn": urn(STAGE, "data")}]


def test_a_literal_certificate_passes_and_a_blank_one_does_not():
    spec = {"data": (STAGE, {"restApi": "zzz999", "stageName": "v1", "clientCertificateId": "abc123"}, {})}
    assert analyze_stack(POLICY, build(spec)).clean
    assert analyze_stack(POLICY, build(spec, {"data": [(("clientCertificateId",), "")]})).urns == [at(spec, "data")]


def test_each_stage_finds_its_own_api():
    spec = {"public-api": (API, {"id": "pub111", "endpointConfiguration": {"types": ["REGIONAL"]}}, {}),
            "private-api": (API, {"id": "prv222", "endpointConfiguration": {"types": ["PRIVATE", "REGIONAL"]}}, {}),
            "internal": (STAGE, {"restApi": "prv222", "stageName": "v1"}, {}),
            "public": (STAGE, {"restApi": "pub111", "stageName": "v1"}, {})}
    assert analyze_stack(POLICY, build(spec)).urns == [at(spec, "public")]

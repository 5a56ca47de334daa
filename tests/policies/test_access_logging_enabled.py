import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource, urn

POLICY = "access-logging-enabled"
LOAD_BALANCERS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]
STAGES = ["aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage"]
LB = {"loadBalancerType": "application", "internal": True, "subnets": [UNKNOWN],
      "accessLogs": {"enabled": True, "bucket": UNKNOWN, "prefix": "alb"}}
STAGE = {"stageName": "v1", "accessLogSettings": {"destinationArn": UNKNOWN, "format": '{"requestId":"$context.requestId"}'}}


@pytest.mark.parametrize("type_, inputs", [(t, LB) for t in LOAD_BALANCERS] + [(t, STAGE) for t in STAGES])
def test_compliant_resources_pass(type_, inputs):
    result = analyze(POLICY, resource(type_, "data", inputs))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", LOAD_BALANCERS)
@pytest.mark.parametrize("path, value, named", [
    (("accessLogs",), REMOVE, "accessLogs.enabled is not true"),
    (("accessLogs", "enabled"), False, "accessLogs.enabled is not true"),
    (("accessLogs", "bucket"), "", "accessLogs.bucket is not set"),
])
def test_load_balancer_without_logs_blocks(type_, path, value, named):
    result = analyze(POLICY, resource(type_, "data", mutated(LB, path, value)))
    assert len(result.violations) == 1 and named in result.violations[0][0]


@pytest.mark.parametrize("type_", STAGES)
@pytest.mark.parametrize("path, named", [
    (("accessLogSettings",), "accessLogSettings.destinationArn is not set"),
    (("accessLogSettings", "format"), "accessLogSettings.format is not set"),
])
def test_stage_without_logs_blocks(type_, path, named):
    result = analyze(POLICY, resource(type_, "data", mutated(STAGE, path, REMOVE)))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_gateway_load_balancer_does_not_apply():
    inputs = mutated(mutated(LB, ("loadBalancerType",), "gateway"), ("accessLogs",), REMOVE)
    assert analyze(POLICY, resource(LOAD_BALANCERS[0], "data", inputs)).clean


@pytest.mark.parametrize("path", [("accessLogs", "enabled"), ("loadBalancerType",), ("accessLogs",)])
def test_unknown_load_balancer_values_are_deferred(path):
    result = analyze(POLICY, resource(LOAD_BALANCERS[0], "data", mutated(LB, path, UNKNOWN)))
    assert result.clean and result.deferred


def test_waiver_applies():
    result = analyze(POLICY, resource(STAGES[0], "data", mutated(STAGE, ("accessLogSettings",), REMOVE)),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


@pytest.mark.parametrize("type_, inputs, line", [
    (LOAD_BALANCERS[0], mutated(LB, ("accessLogs", "enabled"), "true"),
     "LoadBalancer 'data': accessLogs.enabled is not true; set access_logs={'enabled': True, 'bucket': log_bucket.id}."),
    (LOAD_BALANCERS[1], mutated(LB, ("accessLogs", "bucket"), REMOVE), "LoadBalancer 'data': accessLogs.bucket is not set."),
    (LOAD_BALANCERS[0], mutated(mutated(LB, ("loadBalancerType",), "network"), ("accessLogs",), REMOVE),
     "LoadBalancer 'data': accessLogs.enabled is not true; set access_logs={'enabled': True, 'bucket': log_bucket.id}."),
    (STAGES[1], mutated(STAGE, ("accessLogSettings", "destinationArn"), " "),
     "Stage 'data': accessLogSettings.destinationArn is not set; set access_log_settings={'destination_arn': "
     "log_group.arn, 'format': ...}."),
    (STAGES[0], mutated(STAGE, ("accessLogSettings", "format"), ""), "Stage 'data': accessLogSettings.format is not set."),
], ids=["enabled-as-text", "no-bucket", "network-lb", "blank-destination", "empty-format"])
def test_finding_names_the_setting_and_its_fix(type_, inputs, line):
    assert analyze(POLICY, resource(type_, "data", inputs)).finding() == line


@pytest.mark.parametrize("path, named", [(("loadBalancerType",), "loadBalancerType"),
                                         (("accessLogs", "enabled"), "accessLogs.enabled")])
def test_deferral_names_the_unknown_setting(path, named):
    # An unknown type may be a gateway (no access logs): nothing else is judged, not even the missing bucket.
    inputs = mutated(mutated(LB, path, UNKNOWN), ("accessLogs", "bucket"), REMOVE)
    result = analyze(POLICY, resource(LOAD_BALANCERS[0], "data", inputs))
    assert result.clean and result.deferred == [{"message": f"LoadBalancer 'data': {named} unknown at preview",
                                                 "urn": urn(LOAD_BALANCERS[0], "data")}]

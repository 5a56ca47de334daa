import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "vpc-flow-logs-enabled"
VPC, FLOW_LOG = "aws:ec2/vpc:Vpc", "aws:ec2/flowLog:FlowLog"
STACK = {
    "data": (VPC, {"cidrBlock": "10.0.0.0/16"}, {}),
    "shared": (VPC, {"cidrBlock": "10.1.0.0/16"}, {}),
    "data-flow": (FLOW_LOG, {"vpcId": UNKNOWN, "trafficType": "ALL", "logDestination": UNKNOWN}, {"vpcId": ["data"]}),
    # A VPC imported by id, known at preview, is matched on the VPC's id output (update).
    "shared-flow": (FLOW_LOG, {"vpcId": UNKNOWN, "trafficType": "ALL"}, {"vpcId": ["shared"]}),
}


def test_every_vpc_with_a_flow_log_passes():
    result = analyze_stack(POLICY, build(STACK))
    assert result.clean and not result.deferred


def test_update_phase_match_by_id():
    spec = {**STACK, "shared": (VPC, {"cidrBlock": "10.1.0.0/16", "id": "vpc-0abc"}, {}),
            "shared-flow": (FLOW_LOG, {"vpcId": "vpc-0abc", "trafficType": "ALL"}, {})}
    assert analyze_stack(POLICY, build(spec)).clean


@pytest.mark.parametrize("spec, drop", [
    (STACK, ("data-flow",)),
    ({**STACK, "data-flow": (FLOW_LOG, {"vpcId": "vpc-elsewhere", "trafficType": "ALL"}, {})}, ()),
])
def test_vpc_without_a_flow_log_blocks(spec, drop):
    result = analyze_stack(POLICY, build(spec, drop=drop))
    assert result.urns == [at(STACK, "data")] and "has no flow log" in result.violations[0][0]


def test_partial_traffic_type_blocks_on_the_flow_log():
    result = analyze_stack(POLICY, build(STACK, {"data-flow": [(("trafficType",), "REJECT")]}))
    assert result.urns == [at(STACK, "data-flow")] and "trafficType is 'REJECT'" in result.violations[0][0]


def test_traffic_types_are_configurable():
    result = analyze_stack(POLICY, build(STACK, {"data-flow": [(("trafficType",), "REJECT")]}),
                           {"allowedTrafficTypes": ["ALL", "REJECT"]})
    assert result.clean


def test_unresolved_vpc_is_deferred():
    result = analyze_stack(POLICY, build(STACK, {"data-flow": [(("trafficType",), UNKNOWN)]}))
    assert result.clean and [(d["urn"], d["message"]) for d in result.deferred] == [
        (at(STACK, "data-flow"), "FlowLog 'data-flow': trafficType is unknown at preview")]
    spec = {**STACK, "data-flow": (FLOW_LOG, {"vpcId": UNKNOWN, "trafficType": "ALL"}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and [(d["urn"], d["message"]) for d in result.deferred] == [
        (at(STACK, "data"), "Vpc 'data': a flow log's vpcId is unknown at preview")]


def test_finding_texts():
    result = analyze_stack(POLICY, build(STACK, {"data-flow": [(("trafficType",), "ACCEPT")]}, drop=("shared-flow",)))
    messages = [message for message, _ in result.violations]
    assert "\nFlowLog 'data-flow': trafficType is 'ACCEPT', not one of ['ALL'].\n" in messages[0]
    assert "\nVpc 'shared' has no flow log.\n" in messages[1]


def test_waiver_applies():
    result = analyze_stack(POLICY, build(STACK, drop=("data-flow",)), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

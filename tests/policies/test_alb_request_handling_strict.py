import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "alb-request-handling-strict"
ALB = resource(aws.lb.LoadBalancer, "web", internal=True, subnets=[UNKNOWN], drop_invalid_header_fields=True)
CLASSIC_NAMESPACE = resource(aws.alb.LoadBalancer, "old", internal=True, subnets=[UNKNOWN],
                             drop_invalid_header_fields=True, desync_mitigation_mode="strictest")


@pytest.mark.parametrize("subject", [ALB, CLASSIC_NAMESPACE], ids=["lb", "alb"])
def test_strict_application_load_balancer_passes(subject):
    run(POLICY, subject).assert_clean()


@pytest.mark.parametrize("changes, named", [
    ({"drop_invalid_header_fields": None}, "dropInvalidHeaderFields is not set (default false)"),
    ({"drop_invalid_header_fields": False}, "dropInvalidHeaderFields is False"),
    ({"desync_mitigation_mode": "monitor"}, "desyncMitigationMode is 'monitor'"),
], ids=["drop-default", "drop-off", "desync-monitor"])
def test_lenient_request_handling_blocks(changes, named):
    run(POLICY, ALB.replace(**changes)).assert_violation(named, on=ALB)
    run(POLICY, CLASSIC_NAMESPACE.replace(**changes)).assert_violation(named)


def test_network_load_balancers_are_out_of_scope():
    run(POLICY, ALB.replace(load_balancer_type="network", drop_invalid_header_fields=None)).assert_clean()


def test_unknown_type_is_deferred():
    run(POLICY, ALB.replace(load_balancer_type=UNKNOWN)).assert_deferred("loadBalancerType")


def test_waiver_waives():
    lenient = ALB.replace(drop_invalid_header_fields=False)
    run(POLICY, lenient, waivers=[waiver(lenient, reason="Legacy client sends underscores in headers (SEC-80)")]).assert_waived()

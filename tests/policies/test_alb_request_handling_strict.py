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


DROP_DEFAULT = "dropInvalidHeaderFields is not set (default false): malformed headers reach the targets"
DESYNC_MONITOR = "desyncMitigationMode is 'monitor': requests that enable HTTP desync attacks are forwarded"


@pytest.mark.parametrize("changes, line", [
    ({"drop_invalid_header_fields": None}, f"LoadBalancer 'web': {DROP_DEFAULT}."),
    ({"drop_invalid_header_fields": False},
     "LoadBalancer 'web': dropInvalidHeaderFields is False: malformed headers reach the targets."),
    ({"desync_mitigation_mode": "monitor"}, f"LoadBalancer 'web': {DESYNC_MONITOR}."),
    ({"drop_invalid_header_fields": None, "desync_mitigation_mode": "monitor"},
     f"LoadBalancer 'web': {DROP_DEFAULT}; {DESYNC_MONITOR}."),
    ({"load_balancer_type": "application", "drop_invalid_header_fields": None}, f"LoadBalancer 'web': {DROP_DEFAULT}."),
])
def test_finding_text(changes, line):
    assert run(POLICY, ALB.replace(**changes)).finding() == line


def test_only_true_drops_invalid_headers():
    lenient = ALB.record()
    lenient["inputs"]["dropInvalidHeaderFields"] = "true"
    assert run(POLICY, lenient).finding() == (
        "LoadBalancer 'web': dropInvalidHeaderFields is 'true': malformed headers reach the targets.")


@pytest.mark.parametrize("mode", ["defensive", "strictest"])
def test_blocking_desync_modes_pass(mode):
    run(POLICY, ALB.replace(desync_mitigation_mode=mode, load_balancer_type="application")).assert_clean()


@pytest.mark.parametrize("kind", ["network", "gateway"])
def test_non_http_load_balancers_are_not_read(kind):
    run(POLICY, ALB.replace(load_balancer_type=kind, drop_invalid_header_fields=False,
                            desync_mitigation_mode="monitor")).assert_clean()


@pytest.mark.parametrize("subject, message", [
    (ALB.replace(load_balancer_type=UNKNOWN, drop_invalid_header_fields=False),
     "LoadBalancer 'web': loadBalancerType unknown at preview"),
    (ALB.replace(drop_invalid_header_fields=UNKNOWN), "LoadBalancer 'web': dropInvalidHeaderFields unknown at preview"),
    (ALB.replace(desync_mitigation_mode=UNKNOWN), "LoadBalancer 'web': desyncMitigationMode unknown at preview"),
    (ALB.replace(drop_invalid_header_fields=UNKNOWN, desync_mitigation_mode=UNKNOWN),
     "LoadBalancer 'web': dropInvalidHeaderFields, desyncMitigationMode unknown at preview"),
])
def test_deferral_names_what_preview_cannot_see(subject, message):
    result = run(POLICY, subject)
    assert result.clean and [d["message"] for d in result.deferred] == [message]


@pytest.mark.parametrize("changes, line", [
    ({"drop_invalid_header_fields": UNKNOWN, "desync_mitigation_mode": "monitor"}, f"LoadBalancer 'web': {DESYNC_MONITOR}."),
    ({"drop_invalid_header_fields": None, "desync_mitigation_mode": UNKNOWN}, f"LoadBalancer 'web': {DROP_DEFAULT}."),
])
def test_known_problem_blocks_beside_an_unknown(changes, line):
    assert run(POLICY, ALB.replace(**changes)).finding() == line

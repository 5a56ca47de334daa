import pulumi_aws as aws
import pytest
from perimeter_policies.model import UNKNOWN
from perimeter_policies.testing import UNKNOWN as KIT_UNKNOWN
from perimeter_policies.testing import resource as typed_resource
from perimeter_policies.testing import run

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "lb-listener-tls"
TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"]
HTTPS = {"loadBalancerArn": UNKNOWN, "port": 443, "protocol": "HTTPS", "certificateArn": UNKNOWN,
         "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
         "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN}]}
REDIRECT = {"loadBalancerArn": UNKNOWN, "port": 80, "protocol": "HTTP", "defaultActions": [
    {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]}
NLB_TLS = {"loadBalancerArn": UNKNOWN, "port": 8443, "protocol": "TLS", "certificateArn": UNKNOWN,
           "sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06", "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN}]}
PASSTHROUGH = {"loadBalancerArn": UNKNOWN, "port": 443, "protocol": "TCP",
               "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN}]}
GATEWAY = {"loadBalancerArn": UNKNOWN, "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN}]}
COMPLIANT = {"https": HTTPS, "redirect": REDIRECT, "nlb-tls": NLB_TLS, "passthrough": PASSTHROUGH, "gateway": GATEWAY}


def listener(inputs, type_=TYPES[0]):
    return resource(type_, "data", inputs)


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("name", sorted(COMPLIANT))
def test_compliant_listeners_pass(type_, name):
    result = analyze(POLICY, listener(COMPLIANT[name], type_))
    assert result.clean and not result.deferred


MUTATIONS = [
    ("https", ("sslPolicy",), REMOVE, "ELBSecurityPolicy-2016-08"),
    ("https", ("sslPolicy",), "ELBSecurityPolicy-TLS13-1-0-2021-06", "not one of allowedSslPolicies"),
    ("https", ("sslPolicy",), "ELBSecurityPolicy-2016-08", "not one of allowedSslPolicies"),
    ("nlb-tls", ("sslPolicy",), "ELBSecurityPolicy-TLS13-1-1-2021-06", "TLS listener's sslPolicy"),
    ("redirect", ("defaultActions", 0), {"type": "forward", "targetGroupArn": UNKNOWN}, "serves cleartext"),
    ("redirect", ("defaultActions", 0, "redirect", "protocol"), "HTTP", "serves cleartext"),
    ("redirect", ("defaultActions",), REMOVE, "serves cleartext"),
    ("https", ("protocol",), REMOVE, "serves cleartext"),  # an ALB listener without protocol is HTTP
    ("passthrough", ("port",), 5432, "passes traffic without TLS"),
]


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("name, path, value, named", MUTATIONS)
def test_each_violation_blocks(type_, name, path, value, named):
    result = analyze(POLICY, listener(mutated(COMPLIANT[name], path, value), type_))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_udp_outside_passthrough_ports_blocks():
    result = analyze(POLICY, listener({**PASSTHROUGH, "protocol": "UDP", "port": 514}))
    assert len(result.violations) == 1 and "UDP listener on port 514" in result.violations[0][0]


def test_allow_lists_are_configurable():
    config = {"allowedSslPolicies": ["ELBSecurityPolicy-TLS13-1-3-2021-06"], "tlsPassthroughPorts": [443, 5432]}
    assert len(analyze(POLICY, listener(HTTPS), config).violations) == 1
    assert analyze(POLICY, listener(mutated(PASSTHROUGH, ("port",), 5432)), config).clean


@pytest.mark.parametrize("name, path", [
    ("https", ("protocol",)), ("https", ("sslPolicy",)), ("redirect", ("defaultActions",)),
    ("redirect", ("defaultActions", 0, "redirect", "protocol")), ("passthrough", ("port",)),
])
def test_unknown_values_are_deferred(name, path):
    result = analyze(POLICY, listener(mutated(COMPLIANT[name], path, UNKNOWN)))
    assert result.clean and result.deferred


def test_waiver_applies():
    result = analyze(POLICY, listener(mutated(HTTPS, ("sslPolicy",), REMOVE)), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


# Classic Load Balancers: through the typed kit, so the listener arguments are checked against pulumi-aws.


def classic(*listeners):
    return typed_resource(aws.elb.LoadBalancer, "legacy", subnets=KIT_UNKNOWN, listeners=list(listeners))


HTTPS_LISTENER = {"lb_port": 443, "lb_protocol": "HTTPS", "instance_port": 8443, "instance_protocol": "HTTPS",
                  "ssl_certificate_id": KIT_UNKNOWN}
SSL_LISTENER = {"lb_port": 8443, "lb_protocol": "ssl", "instance_port": 8443, "instance_protocol": "TCP",
                "ssl_certificate_id": KIT_UNKNOWN}


def test_classic_load_balancer_on_https_and_ssl_passes():
    run(POLICY, classic(HTTPS_LISTENER, SSL_LISTENER)).assert_clean()


@pytest.mark.parametrize("protocol", ["HTTP", "TCP", "tcp"])
def test_classic_load_balancer_cleartext_listener_blocks(protocol):
    bad = classic(HTTPS_LISTENER, {"lb_port": 80, "lb_protocol": protocol, "instance_port": 8080,
                                   "instance_protocol": "HTTP"})
    run(POLICY, bad).assert_violation(f"listeners[1].lbProtocol is {protocol!r}, not HTTPS or SSL", on=bad)


def test_classic_load_balancer_lists_every_cleartext_listener_once():
    plain = {"lb_port": 80, "lb_protocol": "HTTP", "instance_port": 8080, "instance_protocol": "HTTP"}
    run(POLICY, classic(plain, {**plain, "lb_port": 25, "lb_protocol": "TCP"})).assert_violation(
        "listeners[0].lbProtocol is 'HTTP'", "listeners[1].lbProtocol is 'TCP'", count=1)


def test_classic_load_balancer_unknown_protocol_is_deferred_and_known_cleartext_still_blocks():
    balancer = classic(HTTPS_LISTENER, SSL_LISTENER)
    run(POLICY, balancer.unknown("listeners", 1, "lbProtocol")).assert_deferred("listeners[1].lbProtocol")
    run(POLICY, balancer.unknown("listeners", 1)).assert_deferred("listeners[1] unknown")
    run(POLICY, balancer.unknown("listeners")).assert_deferred("listeners unknown")
    bad = balancer.set("listeners", 0, "lbProtocol", "HTTP").unknown("listeners", 1, "lbProtocol")
    run(POLICY, bad).assert_violation("listeners[0].lbProtocol is 'HTTP'")


# ALB/NLB listeners through the typed kit: exact findings and deferrals.
FORWARD = [{"type": "forward", "target_group_arn": KIT_UNKNOWN}]
TYPED_HTTPS = typed_resource(aws.lb.Listener, "data", load_balancer_arn=KIT_UNKNOWN, port=443, protocol="HTTPS",
                             certificate_arn=KIT_UNKNOWN, ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                             default_actions=FORWARD)
TYPED_REDIRECT = typed_resource(aws.alb.Listener, "plain", load_balancer_arn=KIT_UNKNOWN, port=80, protocol="HTTP",
                                default_actions=[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443",
                                                                                   "status_code": "HTTP_301"}}])
TYPED_TCP = typed_resource(aws.lb.Listener, "tcp", load_balancer_arn=KIT_UNKNOWN, port=443, protocol="TCP",
                           default_actions=FORWARD)


def test_typed_baselines_pass():
    for listener in (TYPED_HTTPS, TYPED_REDIRECT, TYPED_TCP, TYPED_TCP.replace(protocol="QUIC")):
        run(POLICY, listener).assert_clean()


def test_typed_findings_name_the_listener_setting_and_fix():
    run(POLICY, TYPED_HTTPS.replace(ssl_policy=None)).assert_violation(
        "Listener 'data': HTTPS listener's sslPolicy is not set (AWS applies ELBSecurityPolicy-2016-08, which accepts "
        "TLS 1.0), not one of allowedSslPolicies (TLS 1.2 minimum).")
    run(POLICY, TYPED_HTTPS.replace(ssl_policy="ELBSecurityPolicy-2016-08")).assert_violation(
        "Listener 'data': HTTPS listener's sslPolicy is 'ELBSecurityPolicy-2016-08', not one of allowedSslPolicies")
    run(POLICY, TYPED_REDIRECT.set("defaultActions", 0, "redirect", "protocol", "HTTP")).assert_violation(
        "Listener 'plain': HTTP listener serves cleartext; an HTTP listener may only redirect to HTTPS.")
    run(POLICY, TYPED_TCP.replace(port=25)).assert_violation(
        "Listener 'tcp': TCP listener on port 25 passes traffic without TLS; terminate TLS (protocol='TLS') or use a "
        "port in tlsPassthroughPorts [443] where the targets terminate TLS.")
    run(POLICY, TYPED_TCP.replace(protocol="GENEVE")).assert_violation(
        "Listener 'tcp': protocol 'GENEVE' is not a listener protocol this rule can vouch for.")


def test_typed_redirect_needs_every_action_to_redirect_to_https():
    redirect = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}
    both = TYPED_REDIRECT.replace(default_actions=[redirect, {"type": "forward", "target_group_arn": KIT_UNKNOWN}])
    run(POLICY, both).assert_violation("serves cleartext")
    run(POLICY, TYPED_REDIRECT.replace(default_actions=[redirect, redirect])).assert_clean()
    run(POLICY, TYPED_REDIRECT.set("defaultActions", 0, "type", "forward")).assert_violation("serves cleartext")
    run(POLICY, TYPED_REDIRECT.set("defaultActions", 0, "notAMapping")).assert_violation("serves cleartext")


@pytest.mark.parametrize("listener, path, named", [
    (TYPED_HTTPS, ("protocol",), "Listener 'data': protocol is unknown at preview"),
    (TYPED_HTTPS, ("sslPolicy",), "Listener 'data': sslPolicy is unknown at preview"),
    (TYPED_TCP, ("port",), "Listener 'tcp': port is unknown at preview"),
    (TYPED_REDIRECT, ("defaultActions",), "Listener 'plain': defaultActions is unknown at preview"),
    (TYPED_REDIRECT, ("defaultActions", 0), "Listener 'plain': defaultActions[0] is unknown at preview"),
    (TYPED_REDIRECT, ("defaultActions", 0, "type"), "Listener 'plain': defaultActions[0] is unknown at preview"),
    (TYPED_REDIRECT, ("defaultActions", 0, "redirect", "protocol"), "defaultActions[0] is unknown at preview"),
])
def test_typed_unknowns_name_what_is_deferred(listener, path, named):
    run(POLICY, listener.unknown(*path)).assert_deferred(named)


def test_classic_finding_names_the_balancer():
    bad = classic({"lb_port": 80, "lb_protocol": "HTTP", "instance_port": 8080, "instance_protocol": "HTTP"})
    run(POLICY, bad).assert_violation("LoadBalancer 'legacy': listeners[0].lbProtocol is 'HTTP', not HTTPS or SSL, "
                                      "so clients may connect without TLS.")


def test_a_port_that_is_not_a_number_is_shown_as_written():
    run(POLICY, TYPED_TCP.set("port", "5432")).assert_violation("TCP listener on port '5432' passes traffic without TLS")

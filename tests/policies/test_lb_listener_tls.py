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

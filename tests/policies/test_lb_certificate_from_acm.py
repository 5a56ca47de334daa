"""lb-certificate-from-acm: ACM certificates by ARN or by the resource they were built from; IAM ones block."""

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "lb-certificate-from-acm"

ACM_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/1f2e3d4c-0000-4000-8000-000000000001"
IAM_ARN = "arn:aws:iam::123456789012:server-certificate/legacy-web"
CERT = resource(aws.acm.Certificate, "web-cert", domain_name="pay.example.com", validation_method="DNS")
VALIDATION = resource(aws.acm.CertificateValidation, "web-cert", certificate_arn=UNKNOWN)
IAM_CERT = resource(aws.iam.ServerCertificate, "legacy", certificate_body="-----BEGIN CERTIFICATE-----",
                    private_key=UNKNOWN)

HTTPS = dict(load_balancer_arn=UNKNOWN, port=443, protocol="HTTPS", ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
             certificate_arn=ACM_ARN, default_actions=[{"type": "forward", "target_group_arn": UNKNOWN}])
HTTPS_LISTENER = {"lb_port": 443, "lb_protocol": "HTTPS", "instance_port": 8443, "instance_protocol": "HTTPS",
                  "ssl_certificate_id": ACM_ARN}

COMPLIANT = {
    "aws:lb/listener:Listener": resource(aws.lb.Listener, "web", **HTTPS),
    "aws:alb/listener:Listener": resource(aws.alb.Listener, "web", **HTTPS),
    "aws:lb/listenerCertificate:ListenerCertificate": resource(
        aws.lb.ListenerCertificate, "extra", certificate_arn=ACM_ARN, listener_arn=UNKNOWN),
    "aws:alb/listenerCertificate:ListenerCertificate": resource(
        aws.alb.ListenerCertificate, "extra", certificate_arn=ACM_ARN, listener_arn=UNKNOWN),
    "aws:elb/loadBalancer:LoadBalancer": resource(aws.elb.LoadBalancer, "legacy", subnets=UNKNOWN,
                                                  listeners=[HTTPS_LISTENER]),
}
CERTIFICATE_INPUT = {t: "certificate_arn" for t in COMPLIANT if t != "aws:elb/loadBalancer:LoadBalancer"}


def with_certificate(type_, value):
    """The compliant resource of `type_` presenting `value` as its certificate."""
    if type_ == "aws:elb/loadBalancer:LoadBalancer":
        return COMPLIANT[type_].replace(listeners=[{**HTTPS_LISTENER, "ssl_certificate_id": value}])
    return COMPLIANT[type_].replace(certificate_arn=value)


def test_compliant_baseline_passes():
    run(POLICY, list(COMPLIANT.values())).assert_clean()


@pytest.mark.parametrize("arn", [ACM_ARN, "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc",
                                 "arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc"])
def test_acm_arns_in_every_partition_pass(arn):
    run(POLICY, [with_certificate(t, arn) for t in COMPLIANT]).assert_clean()


@pytest.mark.parametrize("type_", sorted(COMPLIANT))
@pytest.mark.parametrize("value, names", [
    (IAM_ARN, "is the IAM server certificate 'arn:aws:iam::123456789012:server-certificate/legacy-web'"),
    ("arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/x/certificate/y", "not an ACM certificate ARN"),
    ("arn:aws:acm:eu-west-1:123456789012:certificate/", "not an ACM certificate ARN"),
    ("xarn:aws:acm:eu-west-1:123456789012:certificate/abc", "not an ACM certificate ARN"),
    ("arn:aws:acm:eu-west-1:123456789012:certificate/abc trailing", "not an ACM certificate ARN"),
    ("arn:aws:acm:eu-west-1:1234:certificate/abc", "not an ACM certificate ARN"),
])
def test_a_certificate_not_from_acm_blocks(type_, value, names):
    bad = with_certificate(type_, value)
    run(POLICY, [bad]).assert_violation(names, "use an aws.acm.Certificate", on=bad)


def test_the_finding_names_the_input():
    run(POLICY, [with_certificate("aws:lb/listener:Listener", IAM_ARN)]).assert_violation("certificateArn is the IAM")
    run(POLICY, [with_certificate("aws:elb/loadBalancer:LoadBalancer", IAM_ARN)]).assert_violation(
        "listeners[0].sslCertificateId is the IAM")


@pytest.mark.parametrize("type_", sorted(COMPLIANT))
@pytest.mark.parametrize("source", [CERT, VALIDATION], ids=["certificate", "validation"])
def test_unknown_built_from_an_acm_certificate_in_the_stack_passes(type_, source):
    subject = with_certificate(type_, UNKNOWN)
    prop = "listeners" if type_ == "aws:elb/loadBalancer:LoadBalancer" else "certificateArn"
    linked = resource(subject.resource_class, subject.name, property_dependencies={prop: [source]},
                      **subject.arguments)
    run(POLICY, [source, linked]).assert_clean()


@pytest.mark.parametrize("type_", sorted(COMPLIANT))
def test_unknown_built_from_an_iam_server_certificate_blocks(type_):
    subject = with_certificate(type_, UNKNOWN)
    prop = "listeners" if type_ == "aws:elb/loadBalancer:LoadBalancer" else "certificateArn"
    linked = resource(subject.resource_class, subject.name, property_dependencies={prop: [CERT, IAM_CERT]},
                      **subject.arguments)
    run(POLICY, [CERT, IAM_CERT, linked]).assert_violation(
        f"{prop} is built from the IAM server certificate 'legacy'", on=linked)


@pytest.mark.parametrize("type_", sorted(COMPLIANT))
def test_unknown_from_nothing_in_the_stack_is_deferred(type_):
    where = "listeners[0].sslCertificateId" if type_ == "aws:elb/loadBalancer:LoadBalancer" else "certificateArn"
    run(POLICY, [CERT, with_certificate(type_, UNKNOWN)]).assert_deferred(
        f"{where} unknown at preview, and not built from a certificate in this stack")


def test_an_unknown_classic_listener_is_deferred_and_a_known_iam_one_still_blocks():
    balancer = COMPLIANT["aws:elb/loadBalancer:LoadBalancer"]
    run(POLICY, [balancer.unknown("listeners", 0)]).assert_deferred("listeners[0] unknown at preview")
    run(POLICY, [balancer.unknown("listeners")]).assert_deferred("listeners unknown at preview")
    mixed = balancer.replace(listeners=[{**HTTPS_LISTENER, "ssl_certificate_id": IAM_ARN},
                                        {**HTTPS_LISTENER, "lb_port": 8443, "ssl_certificate_id": UNKNOWN}])
    run(POLICY, [mixed]).assert_violation("listeners[0].sslCertificateId is the IAM", on=mixed)


def test_listeners_without_a_certificate_do_not_apply():
    plain = COMPLIANT["aws:lb/listener:Listener"].replace(protocol="HTTP", certificate_arn=None, ssl_policy=None)
    tcp = {"lb_port": 443, "lb_protocol": "TCP", "instance_port": 443, "instance_protocol": "TCP"}
    classic = COMPLIANT["aws:elb/loadBalancer:LoadBalancer"].replace(listeners=[tcp])
    run(POLICY, [plain, classic]).assert_clean()


def test_one_finding_per_resource_listing_every_bad_certificate():
    two = COMPLIANT["aws:elb/loadBalancer:LoadBalancer"].replace(listeners=[
        {**HTTPS_LISTENER, "ssl_certificate_id": IAM_ARN}, {**HTTPS_LISTENER, "lb_port": 8443, "ssl_certificate_id": "x"}])
    run(POLICY, [two]).assert_violation("listeners[0].sslCertificateId is the IAM", "listeners[1].sslCertificateId is 'x'",
                                        count=1)


def test_waiver_waives_and_expired_waiver_does_not():
    bad = with_certificate("aws:lb/listener:Listener", IAM_ARN)
    run(POLICY, [bad], waivers=[waiver(bad)]).assert_waived()
    run(POLICY, [bad], waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_the_finding_spells_out_each_problem_and_the_fix():
    balancer = COMPLIANT["aws:elb/loadBalancer:LoadBalancer"].replace(listeners=[
        {"lb_port": 80, "lb_protocol": "TCP", "instance_port": 80, "instance_protocol": "TCP"},
        {**HTTPS_LISTENER, "ssl_certificate_id": IAM_ARN},
        {**HTTPS_LISTENER, "lb_port": 8443, "ssl_certificate_id": "x"}])
    run(POLICY, [balancer]).assert_violation(
        f"LoadBalancer 'legacy': listeners[1].sslCertificateId is the IAM server certificate {IAM_ARN!r}, which ACM "
        "does not renew; listeners[2].sslCertificateId is 'x', not an ACM certificate ARN; use an aws.acm.Certificate.",
        on=balancer)


def test_the_deferral_names_every_pending_certificate():
    pending = COMPLIANT["aws:elb/loadBalancer:LoadBalancer"].replace(listeners=[
        {**HTTPS_LISTENER, "ssl_certificate_id": UNKNOWN}, {**HTTPS_LISTENER, "lb_port": 8443, "ssl_certificate_id": UNKNOWN}])
    result = run(POLICY, [pending]).assert_deferred(
        "LoadBalancer 'legacy': listeners[0].sslCertificateId, listeners[1].sslCertificateId unknown at preview")
    assert result.deferred[0]["urn"] == pending.urn

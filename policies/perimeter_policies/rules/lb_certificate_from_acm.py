"""lb-certificate-from-acm: load balancers present certificates managed by ACM, not IAM server certificates.

Why: PCI DSS 4.2.1 wants the certificates that protect account data in transit
valid, not expired or revoked. ACM renews the certificates it issues and
reports their expiry; an IAM server certificate (or any uploaded elsewhere) is
renewed by hand, and an expired one either breaks TLS or trains clients to
click through warnings. So every certificate a load balancer presents comes
from ACM (AWS Config ELB_ACM_CERTIFICATE_REQUIRED, ELBV2_ACM_CERTIFICATE_REQUIRED):

- ALB/NLB listeners' `certificate_arn` and `aws.lb.ListenerCertificate`'s
  `certificate_arn` (extra SNI certificates);
- Classic Load Balancers' `listeners[].ssl_certificate_id`.

A known ARN is judged by its form (`arn:<partition>:acm:<region>:<account>:certificate/...`,
imported ACM certificates included; an `:iam::...:server-certificate/` ARN or
anything else is a finding). A value unknown at preview is judged by the
resource it was built from: an `aws.acm.Certificate` (or its
`CertificateValidation`) in this stack passes, an `aws.iam.ServerCertificate`
is a finding, and anything else is deferred to `pulumi up`, where the ARN is
known. A listener with no certificate (HTTP, TCP) does not apply; its
protocol is lb-listener-tls's job.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ..model import Deferred, ResourceView, StackView, Violation, dig, is_unknown
from ..rule import Rule
from ._findings import describe
from ._paths import EACH, expand

LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_CERTIFICATES = ("aws:lb/listenerCertificate:ListenerCertificate",
                         "aws:alb/listenerCertificate:ListenerCertificate")
CLASSIC = "aws:elb/loadBalancer:LoadBalancer"
ACM_SOURCES = ("aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation")
IAM_SOURCES = ("aws:iam/serverCertificate:ServerCertificate",)
ACM_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/\S+")

ACM, PENDING = "acm", "pending"


def _known_issuer(where: str, value: Any) -> Optional[str]:
    """None for an ACM certificate ARN; otherwise the problem."""
    if isinstance(value, str) and ACM_ARN.fullmatch(value):
        return None
    if isinstance(value, str) and ":server-certificate/" in value:
        return f"{where} is the IAM server certificate {value!r}, which ACM does not renew"
    return f"{where} is {value!r}, not an ACM certificate ARN"


def _sources(stack: StackView, resource: ResourceView, prop: str) -> str:
    """ACM, PENDING, or the problem, for a certificate preview cannot see, from what it was built from."""
    sources = stack.sources_of(resource, prop)
    iam = [s for s in sources if s.type in IAM_SOURCES]
    if iam:
        return f"{prop} is built from the IAM server certificate '{iam[0].name}', which ACM does not renew"
    return ACM if any(s.type in ACM_SOURCES for s in sources) else PENDING


def _certificates(resource: ResourceView) -> list[tuple[str, str, Any]]:
    """(the top-level input, the spelled path, the value) of each certificate the resource presents."""
    if resource.type == CLASSIC:
        return [("listeners", f"{path}.sslCertificateId" if not is_unknown(listener) else path,
                 dig(listener, "sslCertificateId"))
                for path, listener in expand(resource.props, ("listeners", EACH)) if listener is not None]
    return [("certificateArn", "certificateArn", resource.get("certificateArn"))]


def check(stack: StackView, config):
    for resource in stack.of_type(*LISTENERS, *LISTENER_CERTIFICATES, CLASSIC):
        problems, pending = [], []
        for prop, where, value in _certificates(resource):
            if value is None:
                continue
            found = _sources(stack, resource, prop) if is_unknown(value) else _known_issuer(where, value)
            if found == PENDING:
                pending.append(where)
            elif found not in (None, ACM):
                problems.append(found)
        if problems:
            yield Violation(f"{describe(resource)}: " + "; ".join(problems) + "; use an aws.acm.Certificate.",
                            resource.urn)
        elif pending:
            yield Deferred(f"{describe(resource)}: " + ", ".join(pending) + " unknown at preview, and not built "
                           "from a certificate in this stack", resource.urn)


RULE = Rule(
    name="lb-certificate-from-acm",
    description="Load balancer listeners (ALB, NLB and Classic) present ACM certificates, not IAM server certificates.",
    severity="medium",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Issue or import the certificate in ACM (aws.acm.Certificate, validated with "
                 "aws.acm.CertificateValidation) and set certificate_arn (ssl_certificate_id on a Classic Load "
                 "Balancer) to its arn; retire aws.iam.ServerCertificate."),
    check=check,
    resource_types=LISTENERS + LISTENER_CERTIFICATES + (CLASSIC,),
    scope="stack",
    violation_example=('aws.lb.Listener("web", load_balancer_arn=lb.arn, port=443, protocol="HTTPS", '
                       'certificate_arn=iam_server_certificate.arn, ...)'),
)

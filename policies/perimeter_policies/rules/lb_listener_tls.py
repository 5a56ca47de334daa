"""lb-listener-tls: load balancer listeners speak TLS 1.2+, and plain HTTP only redirects to HTTPS.

Why: PCI DSS 4.2.1 wants strong cryptography on every hop that can carry
account data over an open network. A listener is where clients meet the
load balancer, so:

- `HTTPS` and `TLS` listeners need an `ssl_policy` from `allowedSslPolicies`
  (TLS 1.2 minimum). Absent means `ELBSecurityPolicy-2016-08`, which still
  accepts TLS 1.0 and 1.1, so the policy must be named.
- `HTTP` is allowed only when every default action redirects to HTTPS
  (`type="redirect"`, `redirect.protocol="HTTPS"`); anything else serves
  cleartext. An ALB listener with no protocol is HTTP. (Listener rules,
  `aws.lb.ListenerRule`, are not read.)
- `TCP`, `UDP`, `TCP_UDP` and `TCP_QUIC` pass bytes through without TLS at the
  load balancer; allowed only on a port in `tlsPassthroughPorts` (default
  443), where the targets terminate TLS themselves. `QUIC` always carries
  TLS 1.3.
- Gateway Load Balancer listeners (no protocol, no port: GENEVE to
  appliances) do not apply.
- Classic Load Balancers (`aws.elb.LoadBalancer`): every entry of
  `listeners` has `lb_protocol` `HTTPS` or `SSL`. A Classic Load Balancer
  cannot redirect HTTP to HTTPS, and its `TCP` listeners are not tied to
  targets that terminate TLS, so `HTTP` and `TCP` are findings (put a
  pass-through behind an NLB instead). Its SSL negotiation policy is a
  separate `aws.elb.LoadBalancerPolicy` resource and is not read here.

Values unknown at preview are deferred to `pulumi up`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, Violation, as_list, dig, is_unknown
from ..rule import Rule
from ._findings import describe, settle, unknown_at_preview
from ._paths import EACH, expand

LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
CLASSIC = "aws:elb/loadBalancer:LoadBalancer"
CLASSIC_TLS_PROTOCOLS = ("HTTPS", "SSL")
TLS_PROTOCOLS = ("HTTPS", "TLS")
PASSTHROUGH_PROTOCOLS = ("TCP", "UDP", "TCP_UDP", "TCP_QUIC")
ALWAYS_ENCRYPTED = ("QUIC",)
TLS12_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
)


def _redirects_to_https(listener: ResourceView):
    """True, False, or the name of the unknown input."""
    actions = as_list(listener.get("defaultActions"))
    if is_unknown(actions):
        return "defaultActions"
    if not actions:
        return False
    for index, action in enumerate(actions):
        kind, protocol = dig(action, "type"), dig(action, "redirect", "protocol")
        if is_unknown(action) or is_unknown(kind) or (kind == "redirect" and is_unknown(protocol)):
            return f"defaultActions[{index}]"
        if not isinstance(action, Mapping) or kind != "redirect" or protocol != "HTTPS":
            return False
    return True


def _check_classic(balancer: ResourceView):
    problems, unknowns = [], []
    for path, listener in expand(balancer.props, ("listeners", EACH)):
        protocol = dig(listener, "lbProtocol")
        if is_unknown(protocol):
            unknowns.append(f"{path}.lbProtocol" if not is_unknown(listener) else path)
        elif listener is not None and str(protocol).upper() not in CLASSIC_TLS_PROTOCOLS:
            problems.append(f"{path}.lbProtocol is {protocol!r}, not HTTPS or SSL, so clients may connect without TLS")
    yield from settle(problems, unknowns, subject=describe(balancer))


def check(listener: ResourceView, config):
    if listener.type == CLASSIC:
        yield from _check_classic(listener)
        return
    protocol, port = listener.get("protocol"), listener.get("port")
    if is_unknown(protocol):
        yield unknown_at_preview(listener, "protocol")
        return
    if protocol is None and port is None:
        return  # a Gateway Load Balancer listener: GENEVE to network appliances, no client traffic terminates here.
    protocol = "HTTP" if protocol is None else str(protocol).upper()
    subject = describe(listener)
    if protocol in TLS_PROTOCOLS:
        policy = listener.get("sslPolicy")
        if is_unknown(policy):
            yield unknown_at_preview(listener, "sslPolicy")
        elif policy not in config["allowedSslPolicies"]:
            shown = "not set (AWS applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0)" if policy is None else repr(policy)
            yield Violation(f"{subject}: {protocol} listener's sslPolicy is {shown}, not one of allowedSslPolicies "
                            "(TLS 1.2 minimum).")
    elif protocol == "HTTP":
        redirect = _redirects_to_https(listener)
        if isinstance(redirect, str):
            yield unknown_at_preview(listener, redirect)
        elif not redirect:
            yield Violation(f"{subject}: HTTP listener serves cleartext; an HTTP listener may only redirect to HTTPS.")
    elif protocol in PASSTHROUGH_PROTOCOLS:
        if is_unknown(port):
            yield unknown_at_preview(listener, "port")
        elif port not in config["tlsPassthroughPorts"]:
            shown = f"{port:g}" if isinstance(port, (int, float)) else repr(port)  # the engine sends numbers as floats
            yield Violation(f"{subject}: {protocol} listener on port {shown} passes traffic without TLS; "
                            f"terminate TLS (protocol='TLS') or use a port in tlsPassthroughPorts "
                            f"{list(config['tlsPassthroughPorts'])} where the targets terminate TLS.")
    elif protocol not in ALWAYS_ENCRYPTED:
        yield Violation(f"{subject}: protocol {protocol!r} is not a listener protocol this rule can vouch for.")


RULE = Rule(
    name="lb-listener-tls",
    description=("Load balancer listeners use HTTPS/TLS with a TLS 1.2+ policy; HTTP listeners only redirect to HTTPS; "
                 "Classic Load Balancers listen on HTTPS or SSL only."),
    severity="high",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Use protocol='HTTPS' (or 'TLS') with ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' and a "
                 "certificate_arn; keep port 80 only as default_actions=[{'type': 'redirect', 'redirect': "
                 "{'protocol': 'HTTPS', 'port': '443', 'status_code': 'HTTP_301'}}]. Classic Load Balancers: "
                 "lb_protocol='HTTPS' or 'SSL' with an ssl_certificate_id on every listener."),
    check=check,
    resource_types=LISTENERS + (CLASSIC,),
    config_properties={
        "allowedSslPolicies": {
            "type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
            "description": "ELB security policies accepted on HTTPS/TLS listeners (each with TLS 1.2 minimum).",
        },
        "tlsPassthroughPorts": {
            "type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 65535},
            "description": "Ports where a TCP/UDP listener may pass traffic through because the targets terminate TLS.",
        },
    },
    default_config={"allowedSslPolicies": list(TLS12_POLICIES), "tlsPassthroughPorts": [443]},
    violation_example='aws.lb.Listener("web", load_balancer_arn=lb.arn, port=80, protocol="HTTP", default_actions=[{"type": "forward", "target_group_arn": tg.arn}])',
)

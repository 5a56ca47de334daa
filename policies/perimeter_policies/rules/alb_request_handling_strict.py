"""alb-request-handling-strict: application load balancers drop malformed requests instead of passing them on.

Why: an application load balancer in front of the perimeter is its first
parser of untrusted HTTP. Two defaults let crafted requests through to the
application (PCI DSS 6.4.2, 1.4.2):
- `drop_invalid_header_fields` defaults to false, so headers with invalid
  characters reach the targets (AWS Config ALB_HTTP_DROP_INVALID_HEADER_ENABLED);
- `desync_mitigation_mode="monitor"` forwards requests that enable HTTP
  desync (request smuggling) attacks; the default "defensive" and "strictest"
  block them (ALB_DESYNC_MODE_CHECK).
Only application load balancers (`load_balancer_type` absent or
"application") parse HTTP; network and gateway load balancers are out of scope.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
APPLICATION = "application"
UNSAFE_DESYNC_MODES = ("monitor",)


def check(balancer: ResourceView, config):
    kind = balancer.get("loadBalancerType")
    if is_unknown(kind):
        yield from settle([], ["loadBalancerType"], subject=describe(balancer))
        return
    if kind not in (None, APPLICATION):
        return
    problems, unknowns = [], []
    drop = balancer.get("dropInvalidHeaderFields")
    if is_unknown(drop):
        unknowns.append("dropInvalidHeaderFields")
    elif drop is not True:
        shown = "not set (default false)" if drop is None else repr(drop)
        problems.append(f"dropInvalidHeaderFields is {shown}: malformed headers reach the targets")
    mode = balancer.get("desyncMitigationMode")
    if is_unknown(mode):
        unknowns.append("desyncMitigationMode")
    elif mode in UNSAFE_DESYNC_MODES:
        problems.append(f"desyncMitigationMode is {mode!r}: requests that enable HTTP desync attacks are forwarded")
    yield from settle(problems, unknowns, subject=describe(balancer))


RULE = Rule(
    name="alb-request-handling-strict",
    description="Application load balancers drop invalid header fields and do not forward desync-prone requests.",
    severity="medium",
    pci_dss=("6.4.2", "1.4.2"),
    soc2=("CC6.6", "CC6.8"),
    remediation=("Set drop_invalid_header_fields=True and leave desync_mitigation_mode at 'defensive' (or "
                 "'strictest') on the aws.lb.LoadBalancer."),
    check=check,
    resource_types=LOAD_BALANCERS,
    violation_example='aws.lb.LoadBalancer("web", internal=True, subnets=subnet_ids, desync_mitigation_mode="monitor")',
)

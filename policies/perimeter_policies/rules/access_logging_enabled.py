"""access-logging-enabled: load balancers and API stages write access logs.

Why: PCI DSS 10.2.1 and 10.2.2 want every access to system components logged
with who, what, when and from where. CloudTrail records control-plane calls,
not the requests a load balancer or an API serves, so those need their own
access logs:

- `aws.lb.LoadBalancer` / `aws.alb.LoadBalancer`: `access_logs.enabled` true
  with a bucket (Gateway Load Balancers have no access logs and do not apply);
- `aws.apigateway.Stage` and `aws.apigatewayv2.Stage`:
  `access_log_settings.destination_arn` (and a `format`).

A destination built from outputs counts as set. Other values unknown at
preview are deferred. (CloudFront standard logging v2 is configured through
separate delivery resources and is not read here.)
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._destinations import present
from ._findings import describe, settle

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
STAGES = ("aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage")



def _load_balancer(lb: ResourceView, problems: list, unknowns: list) -> None:
    kind = lb.get("loadBalancerType")
    if is_unknown(kind):
        unknowns.append("loadBalancerType")
        return
    if kind == "gateway":
        return
    enabled, bucket = lb.get("accessLogs", "enabled"), lb.get("accessLogs", "bucket")
    if is_unknown(enabled):
        unknowns.append("accessLogs.enabled")
    elif enabled is not True:
        problems.append("accessLogs.enabled is not true; set access_logs={'enabled': True, 'bucket': log_bucket.id}")
    elif not present(bucket):
        problems.append("accessLogs.bucket is not set")


def _stage(stage: ResourceView, problems: list) -> None:
    destination, log_format = stage.get("accessLogSettings", "destinationArn"), stage.get("accessLogSettings", "format")
    if not present(destination):
        problems.append("accessLogSettings.destinationArn is not set; set access_log_settings={'destination_arn': "
                        "log_group.arn, 'format': ...}")
    elif not present(log_format):
        problems.append("accessLogSettings.format is not set")


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    if resource.type in LOAD_BALANCERS:
        _load_balancer(resource, problems, unknowns)
    else:
        _stage(resource, problems)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="access-logging-enabled",
    description="Load balancers and API Gateway stages write access logs.",
    severity="medium",
    pci_dss=("10.2.1", "10.2.2"),
    soc2=("CC7.2",),
    remediation=("Set access_logs={'enabled': True, 'bucket': log_bucket.id} on aws.lb.LoadBalancer and "
                 "access_log_settings={'destination_arn': log_group.arn, 'format': json.dumps({...})} on "
                 "aws.apigateway.Stage / aws.apigatewayv2.Stage."),
    check=check,
    resource_types=LOAD_BALANCERS + STAGES,
    violation_example='aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=subnet_ids)',
)

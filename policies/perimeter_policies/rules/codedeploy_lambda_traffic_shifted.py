"""codedeploy-lambda-traffic-shifted: Lambda deployments shift traffic gradually, never all at once.

Why: PCI DSS 6.5.1 wants changes to production made under control, with a way
back when they misbehave. A CodeDeploy Lambda deployment that moves 100 % of
traffic to the new version at once exposes every request to a bad release
before an alarm can roll it back; canary or linear shifting lets CloudWatch
alarms and `auto_rollback_configuration` stop it on a fraction of traffic
(AWS Config CODEDEPLOY_LAMBDA_ALLATONCE_TRAFFIC_SHIFT_DISABLED). Two ways a
program asks for all at once:
- an `aws.codedeploy.DeploymentGroup` whose `deployment_config_name` is one
  of `refusedDeploymentConfigs` (default `CodeDeployDefault.LambdaAllAtOnce`);
- an `aws.codedeploy.DeploymentConfig` for `compute_platform="Lambda"` whose
  `traffic_routing_config.type` is `AllAtOnce`, or which has no
  `traffic_routing_config` (CodeDeploy then shifts all at once). Stricter than
  Config, which only sees the default configuration's name.
Values unknown at preview are deferred to `pulumi up`; a deployment group
whose configuration comes from a DeploymentConfig in the stack is judged
through that resource.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

DEPLOYMENT_GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup"
DEPLOYMENT_CONFIG = "aws:codedeploy/deploymentConfig:DeploymentConfig"


def _group(group: ResourceView, config, problems: list, unknowns: list) -> None:
    name = group.get("deploymentConfigName")
    if is_unknown(name):
        unknowns.append("deploymentConfigName")
    elif name in config["refusedDeploymentConfigs"]:
        problems.append(f"deploymentConfigName is {name!r}, which shifts all traffic at once; set "
                        "deployment_config_name to a canary or linear configuration "
                        "(e.g. 'CodeDeployDefault.LambdaCanary10Percent5Minutes')")


def _config(deployment_config: ResourceView, problems: list, unknowns: list) -> None:
    platform = deployment_config.get("computePlatform")
    if is_unknown(platform):
        unknowns.append("computePlatform")
        return
    if platform != "Lambda":
        return
    routing = deployment_config.get("trafficRoutingConfig", "type")
    if is_unknown(routing):
        unknowns.append("trafficRoutingConfig.type")
    elif routing in (None, "AllAtOnce"):
        shown = "not set (all at once)" if routing is None else repr(routing)
        problems.append(f"trafficRoutingConfig.type is {shown}; set traffic_routing_config type 'TimeBasedCanary' "
                        "or 'TimeBasedLinear'")


def check(resource: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    if resource.type == DEPLOYMENT_GROUP:
        _group(resource, config, problems, unknowns)
    else:
        _config(resource, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="codedeploy-lambda-traffic-shifted",
    description=("CodeDeploy deploys Lambda functions with canary or linear traffic shifting, not all at once."),
    severity="medium",
    pci_dss=("6.5.1",),
    soc2=("CC8.1",),
    remediation=("Set deployment_config_name on aws.codedeploy.DeploymentGroup to a canary or linear configuration "
                 "(e.g. 'CodeDeployDefault.LambdaCanary10Percent5Minutes'), and give Lambda "
                 "aws.codedeploy.DeploymentConfig resources traffic_routing_config={'type': 'TimeBasedCanary', ...}."),
    check=check,
    resource_types=(DEPLOYMENT_GROUP, DEPLOYMENT_CONFIG),
    config_properties={
        "refusedDeploymentConfigs": {"type": "array", "items": {"type": "string"},
                                     "description": "Deployment configuration names that shift all traffic at once."},
    },
    default_config={"refusedDeploymentConfigs": ["CodeDeployDefault.LambdaAllAtOnce"]},
    violation_example=('aws.codedeploy.DeploymentGroup("api", app_name=app.name, deployment_group_name="api", '
                       'service_role_arn=role.arn, deployment_config_name="CodeDeployDefault.LambdaAllAtOnce")'),
)

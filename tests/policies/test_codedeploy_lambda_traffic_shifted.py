import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

from tests.policies._config_schema import assert_schema

POLICY = "codedeploy-lambda-traffic-shifted"
GROUP = resource(aws.codedeploy.DeploymentGroup, "api", app_name=UNKNOWN, deployment_group_name="api",
                 service_role_arn=UNKNOWN, deployment_config_name="CodeDeployDefault.LambdaCanary10Percent5Minutes",
                 deployment_style={"deployment_option": "WITH_TRAFFIC_CONTROL", "deployment_type": "BLUE_GREEN"})
CANARY = {"type": "TimeBasedCanary", "time_based_canary": {"interval": 10, "percentage": 10}}
CONFIG = resource(aws.codedeploy.DeploymentConfig, "canary", deployment_config_name="api-canary",
                  compute_platform="Lambda", traffic_routing_config=CANARY)


@pytest.mark.parametrize("compliant", [
    GROUP,
    GROUP.replace(deployment_config_name=None),   # EC2/on-premises groups default to OneAtATime
    CONFIG,
    CONFIG.replace(traffic_routing_config={"type": "TimeBasedLinear",
                                           "time_based_linear": {"interval": 1, "percentage": 10}}),
    CONFIG.replace(compute_platform="Server", traffic_routing_config=None,
                   minimum_healthy_hosts={"type": "HOST_COUNT", "value": 1}),
    CONFIG.replace(compute_platform=None, traffic_routing_config=None),
], ids=["canary-group", "default-group", "canary-config", "linear-config", "server-config", "default-platform"])
def test_gradual_or_non_lambda_deployments_pass(compliant):
    run(POLICY, compliant).assert_clean()


@pytest.mark.parametrize("bad, names", [
    (GROUP.replace(deployment_config_name="CodeDeployDefault.LambdaAllAtOnce"),
     ("DeploymentGroup 'api': deploymentConfigName is 'CodeDeployDefault.LambdaAllAtOnce', which shifts all traffic "
      "at once; set deployment_config_name to a canary or linear configuration "
      "(e.g. 'CodeDeployDefault.LambdaCanary10Percent5Minutes').",)),
    (CONFIG.replace(traffic_routing_config={"type": "AllAtOnce"}),
     ("DeploymentConfig 'canary': trafficRoutingConfig.type is 'AllAtOnce'; set traffic_routing_config type "
      "'TimeBasedCanary' or 'TimeBasedLinear'.",)),
    (CONFIG.replace(traffic_routing_config=None), ("trafficRoutingConfig.type is not set (all at once); set",)),
], ids=["default-all-at-once", "custom-all-at-once", "custom-without-routing"])
def test_all_at_once_blocks(bad, names):
    run(POLICY, bad).assert_violation(*names, on=bad)


def test_refused_configurations_are_configurable():
    ecs = GROUP.replace(deployment_config_name="CodeDeployDefault.ECSAllAtOnce")
    run(POLICY, ecs).assert_clean()
    refused = ["CodeDeployDefault.LambdaAllAtOnce", "CodeDeployDefault.ECSAllAtOnce"]
    run(POLICY, ecs, config={"refusedDeploymentConfigs": refused}).assert_violation("ECSAllAtOnce", on=ecs)


@pytest.mark.parametrize("subject, path, named", [
    (GROUP, ("deploymentConfigName",), "DeploymentGroup 'api': deploymentConfigName unknown at preview"),
    (CONFIG, ("computePlatform",), "DeploymentConfig 'canary': computePlatform unknown at preview"),
    (CONFIG, ("trafficRoutingConfig",), "DeploymentConfig 'canary': trafficRoutingConfig.type unknown at preview"),
    (CONFIG, ("trafficRoutingConfig", "type"), "'canary': trafficRoutingConfig.type unknown at preview"),
])
def test_unknown_at_preview_is_deferred(subject, path, named):
    run(POLICY, subject.unknown(*path)).assert_deferred(named)


def test_waiver_waives_and_expired_waiver_does_not():
    bad = GROUP.replace(deployment_config_name="CodeDeployDefault.LambdaAllAtOnce")
    run(POLICY, bad, waivers=[waiver(bad, reason="Internal batch function with no live traffic (OPS-88)")]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_config_schema_refuses_what_the_engine_would_refuse():
    assert_schema(POLICY, {"refusedDeploymentConfigs": []},
                  [("refusedDeploymentConfigs", "CodeDeployDefault.LambdaAllAtOnce"), ("refusedDeploymentConfigs", [1])])

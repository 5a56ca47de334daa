import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "network-no-public-ip"
SUBNET = "aws:ec2/subnet:Subnet"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EIP = "aws:ec2/eip:Eip"
EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation"

PRIVATE_INTERFACE = {"deviceIndex": 0, "subnetId": UNKNOWN, "securityGroups": [UNKNOWN],
                     "associatePublicIpAddress": "false"}
COMPLIANT = {
    SUBNET: {"vpcId": UNKNOWN, "cidrBlock": "10.0.1.0/24", "mapPublicIpOnLaunch": False,
             "mapCustomerOwnedIpOnLaunch": True, "customerOwnedIpv4Pool": UNKNOWN, "outpostArn": UNKNOWN},
    INSTANCE: {"ami": UNKNOWN, "instanceType": "t3.micro", "subnetId": UNKNOWN, "associatePublicIpAddress": False},
    LAUNCH_TEMPLATE: {"imageId": UNKNOWN, "networkInterfaces": [PRIVATE_INTERFACE]},
    EIP: {"domain": "vpc"},  # unattached: e.g. a NAT gateway's address
}


def subject(type_, **changes):
    inputs = {**COMPLIANT[type_], **changes}
    return resource(type_, "app", {k: v for k, v in inputs.items() if v is not None})


@pytest.mark.parametrize("type_", list(COMPLIANT))
def test_compliant_baseline_passes_with_unknown_ids(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


def test_instance_without_the_flag_follows_its_subnet_and_passes():
    assert analyze(POLICY, subject(INSTANCE, associatePublicIpAddress=None)).clean


PUBLIC = "which gives instances a public IPv4 address."


@pytest.mark.parametrize("type_, changes, message", [
    (SUBNET, {"mapPublicIpOnLaunch": True}, f"Subnet 'app' sets mapPublicIpOnLaunch=True, {PUBLIC}"),
    (SUBNET, {"mapPublicIpOnLaunch": " True "}, f"Subnet 'app' sets mapPublicIpOnLaunch=' True ', {PUBLIC}"),
    (INSTANCE, {"associatePublicIpAddress": True}, f"Instance 'app' sets associatePublicIpAddress=True, {PUBLIC}"),
    (LAUNCH_TEMPLATE, {"networkInterfaces": [PRIVATE_INTERFACE, {**PRIVATE_INTERFACE, "associatePublicIpAddress": "true"}]},
     f"LaunchTemplate 'app' sets networkInterfaces[1].associatePublicIpAddress='true', {PUBLIC}"),
    (LAUNCH_TEMPLATE, {"networkInterfaces": [{**PRIVATE_INTERFACE, "associatePublicIpAddress": "TRUE"}]},
     f"LaunchTemplate 'app' sets networkInterfaces[0].associatePublicIpAddress='TRUE', {PUBLIC}"),
    (EIP, {"instance": "i-0123456789abcdef0"}, "Eip 'app' attaches a public Elastic IP through instance."),
    (EIP, {"networkInterface": UNKNOWN}, "Eip 'app' attaches a public Elastic IP through networkInterface."),
    (EIP, {"instance": UNKNOWN, "networkInterface": "eni-0123"},
     "Eip 'app' attaches a public Elastic IP through instance and networkInterface."),
])
def test_each_public_ip_setting_blocks(type_, changes, message):
    result = analyze(POLICY, subject(type_, **changes))
    assert [m.splitlines()[1] for m, _ in result.violations] == [message]


def test_eip_association_always_blocks_even_with_unknown_ids():
    association = resource(EIP_ASSOCIATION, "app", {"allocationId": UNKNOWN, "instanceId": UNKNOWN})
    result = analyze(POLICY, association)
    assert [m.splitlines()[1] for m, _ in result.violations] == [
        "EipAssociation 'app' attaches a public Elastic IP to an instance or network interface."]
    assert not result.cant_run


def test_public_subnet_still_blocks_beside_unknown_unrelated_inputs():
    result = analyze(POLICY, subject(SUBNET, mapPublicIpOnLaunch=True, cidrBlock=UNKNOWN, availabilityZone=UNKNOWN))
    assert len(result.violations) == 1 and not result.cant_run


@pytest.mark.parametrize("type_, changes, message", [
    (SUBNET, {"mapPublicIpOnLaunch": UNKNOWN}, "Subnet 'app': mapPublicIpOnLaunch is unknown at preview"),
    (INSTANCE, {"associatePublicIpAddress": UNKNOWN}, "Instance 'app': associatePublicIpAddress is unknown at preview"),
    (LAUNCH_TEMPLATE, {"networkInterfaces": UNKNOWN}, "LaunchTemplate 'app': networkInterfaces is unknown at preview"),
    (LAUNCH_TEMPLATE, {"networkInterfaces": [{**PRIVATE_INTERFACE, "associatePublicIpAddress": UNKNOWN}]},
     "LaunchTemplate 'app': networkInterfaces[0].associatePublicIpAddress is unknown at preview"),
])
def test_unknown_setting_is_deferred_not_cant_run(type_, changes, message):
    result = analyze(POLICY, subject(type_, **changes))
    assert result.clean and [d["message"] for d in result.deferred] == [message]


# ECS services and task sets, and Auto Scaling launch configurations (typed through pulumi-aws).
import pulumi_aws as aws  # noqa: E402
from perimeter_policies import testing  # noqa: E402

SERVICE = testing.resource(aws.ecs.Service, "api", cluster=UNKNOWN, task_definition=UNKNOWN, launch_type="FARGATE",
                           network_configuration={"subnets": [UNKNOWN], "security_groups": [UNKNOWN],
                                                  "assign_public_ip": False})
TASK_SET = testing.resource(aws.ecs.TaskSet, "canary", cluster=UNKNOWN, service=UNKNOWN, task_definition=UNKNOWN,
                            network_configuration={"subnets": [UNKNOWN], "assign_public_ip": False})
LAUNCH_CONFIGURATION = testing.resource(aws.ec2.LaunchConfiguration, "workers", image_id="ami-0abc",
                                        instance_type="t3.micro", associate_public_ip_address=False)


@pytest.mark.parametrize("subject", [SERVICE, TASK_SET, LAUNCH_CONFIGURATION], ids=["service", "task-set", "lc"])
def test_ecs_and_launch_configuration_without_public_ip_pass(subject):
    testing.run(POLICY, subject).assert_clean()
    testing.run(POLICY, subject.without(*(("networkConfiguration", "assignPublicIp") if subject is not LAUNCH_CONFIGURATION
                                          else ("associatePublicIpAddress",)))).assert_clean()


@pytest.mark.parametrize("subject, path, field", [
    (SERVICE, ("networkConfiguration", "assignPublicIp"), "Service 'api' sets networkConfiguration.assignPublicIp"),
    (TASK_SET, ("networkConfiguration", "assignPublicIp"), "TaskSet 'canary' sets networkConfiguration.assignPublicIp"),
    (LAUNCH_CONFIGURATION, ("associatePublicIpAddress",), "LaunchConfiguration 'workers' sets associatePublicIpAddress"),
], ids=["service", "task-set", "lc"])
def test_ecs_and_launch_configuration_public_ip_blocks_or_defers(subject, path, field):
    result = testing.run(POLICY, subject.set(*path, True)).assert_violation(on=subject)
    assert result.violations[0][0].splitlines()[1] == f"{field}=True, {PUBLIC}"
    testing.run(POLICY, subject.unknown(*path)).assert_deferred(field.replace(" sets ", ": ") + " is unknown at preview")


EMR_CLUSTER = testing.resource(aws.emr.Cluster, "analytics", release_label="emr-7.2.0", service_role=UNKNOWN,
                               ec2_attributes={"instance_profile": UNKNOWN, "subnet_id": UNKNOWN})


@pytest.mark.parametrize("attributes", [
    {"instance_profile": "emr-nodes", "subnet_id": "subnet-0abc"},
    {"instance_profile": "emr-nodes", "subnet_ids": ["subnet-0abc", "subnet-0def"]},
    {"instance_profile": "emr-nodes", "subnet_ids": [UNKNOWN]},
], ids=["subnet", "subnet-ids", "unknown-subnet"])
def test_emr_cluster_in_a_named_subnet_passes(attributes):
    testing.run(POLICY, EMR_CLUSTER).assert_clean()
    testing.run(POLICY, EMR_CLUSTER.replace(ec2_attributes=attributes)).assert_clean()


@pytest.mark.parametrize("attributes", [None, {"instance_profile": "emr-nodes"},
                                        {"instance_profile": "emr-nodes", "subnet_id": "", "subnet_ids": []}],
                         ids=["no-attributes", "no-subnet", "empty-subnet"])
def test_emr_cluster_in_the_default_vpc_blocks(attributes):
    bad = EMR_CLUSTER.replace(ec2_attributes=attributes)
    testing.run(POLICY, bad).assert_violation(
        "Cluster 'analytics' names no subnet (ec2Attributes.subnetId or subnetIds), so it launches in the default VPC, "
        "whose subnets give the master node a public IP.", on=bad)


def test_emr_attributes_unknown_at_preview_are_deferred():
    testing.run(POLICY, EMR_CLUSTER.replace(ec2_attributes=UNKNOWN)).assert_deferred(
        "Cluster 'analytics': ec2Attributes is unknown at preview")

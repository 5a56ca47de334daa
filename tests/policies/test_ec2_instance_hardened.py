import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "ec2-instance-hardened"
IMDS_V2 = {"http_tokens": "required", "http_endpoint": "enabled"}
INSTANCE = resource(aws.ec2.Instance, "worker", ami="ami-0abc", instance_type="t3.micro",
                    iam_instance_profile=UNKNOWN, metadata_options=IMDS_V2, monitoring=True)
TEMPLATE = resource(aws.ec2.LaunchTemplate, "workers", image_id="ami-0abc", metadata_options=IMDS_V2,
                    monitoring={"enabled": True})
CONFIGURATION = resource(aws.ec2.LaunchConfiguration, "legacy", image_id="ami-0abc", instance_type="t3.micro",
                         metadata_options={"http_tokens": "required"})
ALL = [INSTANCE, TEMPLATE, CONFIGURATION]


@pytest.mark.parametrize("subject", ALL, ids=["instance", "template", "configuration"])
def test_hardened_baseline_passes(subject):
    run(POLICY, subject).assert_clean()


@pytest.mark.parametrize("subject", ALL, ids=["instance", "template", "configuration"])
@pytest.mark.parametrize("metadata, named", [(None, "httpTokens is not set (IMDSv1 allowed)"),
                                             ({"http_tokens": "optional"}, "httpTokens is 'optional'")])
def test_imdsv1_blocks(subject, metadata, named):
    run(POLICY, subject.replace(metadata_options=metadata)).assert_violation(named, on=subject)


@pytest.mark.parametrize("subject", ALL, ids=["instance", "template", "configuration"])
def test_ssh_key_pair_blocks(subject):
    run(POLICY, subject.replace(key_name="ops")).assert_violation("keyName is 'ops'")


def test_instance_without_a_profile_blocks_but_a_template_may_leave_it_to_its_user():
    run(POLICY, INSTANCE.replace(iam_instance_profile=None)).assert_violation(
        "Instance 'worker': iamInstanceProfile is not set, so the instance's AWS credentials come from elsewhere.")
    run(POLICY, INSTANCE.replace(iam_instance_profile="worker-profile")).assert_clean()
    run(POLICY, TEMPLATE).assert_clean()


@pytest.mark.parametrize("bad, named", [
    (INSTANCE.replace(monitoring=None),
     "Instance 'worker': monitoring is not set (basic five-minute monitoring), must be true (detailed monitoring)."),
    (INSTANCE.replace(monitoring=False), "monitoring is False"),
    (TEMPLATE.replace(monitoring=None), "monitoring.enabled is not set"),
    (TEMPLATE.replace(monitoring={"enabled": False}), "monitoring.enabled is False"),
    (CONFIGURATION.replace(enable_monitoring=False), "enableMonitoring is False"),
], ids=["instance-default", "instance-off", "template-default", "template-off", "configuration-off"])
def test_basic_monitoring_only_blocks(bad, named):
    run(POLICY, bad).assert_violation(named, "detailed monitoring", on=bad)


def test_launch_configuration_monitors_in_detail_by_default():
    run(POLICY, CONFIGURATION.replace(enable_monitoring=True)).assert_clean()
    run(POLICY, CONFIGURATION.replace(enable_monitoring=True).set("enableMonitoring", "true")).assert_violation("enableMonitoring is 'true'")


PRIMARY = {"device_index": 0, "network_interface_id": UNKNOWN}
SECONDARY = {"device_index": 1, "network_interface_id": UNKNOWN}


def test_one_network_interface_passes_and_more_block():
    run(POLICY, INSTANCE.replace(network_interfaces=[PRIMARY])).assert_clean()
    two = INSTANCE.replace(network_interfaces=[PRIMARY, SECONDARY])
    run(POLICY, two).assert_violation(
        "Instance 'worker': networkInterfaces declares 2 interface(s), so the instance has more than one network "
        "interface; use one interface per instance.", on=two)
    secondary = INSTANCE.replace(secondary_network_interfaces=[{"network_card_index": 0,
                                                                 "secondary_subnet_id": "subnet-0abc"}])
    run(POLICY, secondary).assert_violation("secondaryNetworkInterfaces declares 1 interface(s)", on=secondary)
    run(POLICY, INSTANCE.replace(secondary_network_interfaces=[])).assert_clean()


def test_attaching_an_interface_to_an_instance_blocks():
    attachment = resource(aws.ec2.NetworkInterfaceAttachment, "second-leg", instance_id=UNKNOWN,
                          network_interface_id=UNKNOWN, device_index=1)
    run(POLICY, attachment).assert_violation(
        "NetworkInterfaceAttachment 'second-leg': attaches a second network interface to a running instance; use one "
        "interface per instance.", on=attachment)


def test_unknown_values_are_deferred():
    run(POLICY, INSTANCE.unknown("metadataOptions", "httpTokens")).assert_deferred(
        "Instance 'worker': metadataOptions.httpTokens unknown at preview")
    run(POLICY, TEMPLATE.replace(key_name=UNKNOWN)).assert_deferred("LaunchTemplate 'workers': keyName unknown at preview")
    run(POLICY, INSTANCE.unknown("monitoring")).assert_deferred("Instance 'worker': monitoring unknown at preview")
    run(POLICY, TEMPLATE.unknown("monitoring")).assert_deferred(
        "LaunchTemplate 'workers': monitoring.enabled unknown at preview")
    run(POLICY, INSTANCE.replace(network_interfaces=UNKNOWN)).assert_deferred(
        "Instance 'worker': networkInterfaces unknown at preview")
    run(POLICY, INSTANCE.replace(secondary_network_interfaces=UNKNOWN)).assert_deferred(
        "Instance 'worker': secondaryNetworkInterfaces unknown at preview")


def test_waiver_waives():
    keyed = INSTANCE.replace(key_name="break-glass")
    run(POLICY, keyed, waivers=[waiver(keyed, reason="Break-glass host, key in the HSM vault (SEC-3)")]).assert_waived()

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "ec2-instance-hardened"
IMDS_V2 = {"http_tokens": "required", "http_endpoint": "enabled"}
INSTANCE = resource(aws.ec2.Instance, "worker", ami="ami-0abc", instance_type="t3.micro",
                    iam_instance_profile=UNKNOWN, metadata_options=IMDS_V2)
TEMPLATE = resource(aws.ec2.LaunchTemplate, "workers", image_id="ami-0abc", metadata_options=IMDS_V2)
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
    run(POLICY, INSTANCE.replace(iam_instance_profile=None)).assert_violation("iamInstanceProfile is not set")
    run(POLICY, TEMPLATE).assert_clean()


def test_unknown_values_are_deferred():
    run(POLICY, INSTANCE.unknown("metadataOptions", "httpTokens")).assert_deferred("httpTokens")
    run(POLICY, TEMPLATE.replace(key_name=UNKNOWN)).assert_deferred("keyName")


def test_waiver_waives():
    keyed = INSTANCE.replace(key_name="break-glass")
    run(POLICY, keyed, waivers=[waiver(keyed, reason="Break-glass host, key in the HSM vault (SEC-3)")]).assert_waived()

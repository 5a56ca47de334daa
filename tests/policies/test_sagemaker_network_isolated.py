import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "sagemaker-network-isolated"
NOTEBOOK = resource(aws.sagemaker.NotebookInstance, "research", role_arn=UNKNOWN, instance_type="ml.t3.medium",
                    direct_internet_access="Disabled", root_access="Disabled", subnet_id=UNKNOWN,
                    security_groups=[UNKNOWN], kms_key_id=UNKNOWN)
MODEL = resource(aws.sagemaker.Model, "scorer", execution_role_arn=UNKNOWN, enable_network_isolation=True,
                 primary_container={"image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/scorer:1"})
DOMAIN = resource(aws.sagemaker.Domain, "studio", domain_name="studio", auth_mode="IAM", vpc_id=UNKNOWN,
                  subnet_ids=[UNKNOWN], app_network_access_type="VpcOnly",
                  default_user_settings={"execution_role": UNKNOWN})


@pytest.mark.parametrize("subject", [NOTEBOOK, MODEL, DOMAIN], ids=["notebook", "model", "domain"])
def test_isolated_resources_pass(subject):
    run(POLICY, subject).assert_clean()


@pytest.mark.parametrize("subject, changes, named", [
    (NOTEBOOK, {"direct_internet_access": "Enabled"}, "directInternetAccess is 'Enabled'"),
    (NOTEBOOK, {"direct_internet_access": None}, "directInternetAccess is not set (default 'Enabled')"),
    (NOTEBOOK, {"root_access": None}, "rootAccess is not set (default 'Enabled')"),
    (NOTEBOOK, {"subnet_id": None}, "subnetId is not set"),
    (MODEL, {"enable_network_isolation": None}, "enableNetworkIsolation is not set (default False)"),
    (MODEL, {"enable_network_isolation": False}, "enableNetworkIsolation is False"),
    (DOMAIN, {"app_network_access_type": "PublicInternetOnly"}, "appNetworkAccessType is 'PublicInternetOnly'"),
    (DOMAIN, {"app_network_access_type": None}, "appNetworkAccessType is not set"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_each_internet_path_blocks(subject, changes, named):
    run(POLICY, subject.replace(**changes)).assert_violation(named, on=subject)


def test_unknown_setting_is_deferred():
    run(POLICY, NOTEBOOK.unknown("directInternetAccess")).assert_deferred("directInternetAccess")


def test_waiver_waives():
    subject = MODEL.replace(enable_network_isolation=False)
    run(POLICY, subject, waivers=[waiver(subject, reason="Model pulls public reference data only (SEC-44)")]).assert_waived()


def test_findings_say_why_each_setting_matters():
    result = run(POLICY, NOTEBOOK.replace(direct_internet_access=None, root_access="Enabled", subnet_id=None))
    assert ("\nNotebookInstance 'research': directInternetAccess is not set (default 'Enabled'), must be 'Disabled': "
            "traffic leaves through SageMaker's own internet path; rootAccess is 'Enabled', must be 'Disabled': "
            "notebook users can change the instance and its controls; subnetId is not set, so the notebook is not in "
            "the VPC.\n") in result.violations[0][0]
    result = run(POLICY, MODEL.replace(enable_network_isolation=None))
    assert ("Model 'scorer': enableNetworkIsolation is not set (default False), must be True: its containers can "
            "call out with the data they are given.") in result.violations[0][0]
    result = run(POLICY, DOMAIN.replace(app_network_access_type=None))
    assert ("Domain 'studio': appNetworkAccessType is not set (default 'PublicInternetOnly'), must be 'VpcOnly': "
            "Studio apps reach the internet directly.") in result.violations[0][0]


def test_blank_subnet_is_not_a_subnet_and_unknown_subnet_is_one():
    run(POLICY, NOTEBOOK.replace(subnet_id="  ")).assert_violation("subnetId is not set")
    run(POLICY, NOTEBOOK.unknown("subnetId")).assert_clean()
    result = run(POLICY, MODEL.unknown("enableNetworkIsolation")).assert_deferred()
    assert result.deferred[0]["message"] == "Model 'scorer': enableNetworkIsolation unknown at preview"

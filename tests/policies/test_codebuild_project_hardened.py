import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "codebuild-project-hardened"
ENVIRONMENT = {"compute_type": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/standard:7.0", "type": "LINUX_CONTAINER",
               "privileged_mode": False,
               "environment_variables": [{"name": "AWS_ACCESS_KEY_ID", "value": "/ci/key", "type": "PARAMETER_STORE"},
                                         {"name": "STAGE", "value": "prod"}]}
PROJECT = resource(aws.codebuild.Project, "build", service_role=UNKNOWN, artifacts={"type": "NO_ARTIFACTS"},
                   environment=ENVIRONMENT,
                   source={"type": "GITHUB", "location": "https://github.com/org/app.git"})


def test_hardened_project_passes():
    run(POLICY, PROJECT).assert_clean()


@pytest.mark.parametrize("path, value, named", [
    (("environment", "privilegedMode"), True, "privilegedMode is true"),
    (("environment", "environmentVariables", 0, "type"), "PLAINTEXT", "holds AWS_ACCESS_KEY_ID in plain text"),
    (("environment", "environmentVariables", 0), {"name": "AWS_SECRET_ACCESS_KEY", "value": "x"},
     "holds AWS_SECRET_ACCESS_KEY in plain text"),
    (("source", "location"), "https://ci:ghp_token@github.com/org/app.git", "embeds credentials"),
], ids=["privileged", "plaintext-key", "default-type-secret", "url-token"])
def test_each_weakness_blocks(path, value, named):
    run(POLICY, PROJECT.set(*path, value)).assert_violation(named, on=PROJECT)


def test_unknown_values_are_deferred():
    run(POLICY, PROJECT.unknown("source", "location")).assert_deferred("source.location")


def test_waiver_waives():
    privileged = PROJECT.set("environment", "privilegedMode", True)
    run(POLICY, privileged, waivers=[waiver(privileged, reason="Docker-in-Docker image build, isolated account (CI-3)")]) \
        .assert_waived()

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


def test_one_finding_lists_every_weakness():
    bad = (PROJECT.set("environment", "privilegedMode", True)
           .set("environment", "environmentVariables", [
               {"name": "STAGE", "value": "prod"},
               {"name": "AWS_SECRET_ACCESS_KEY", "value": "x", "type": "PLAINTEXT"}])
           .set("source", "location", " http://ci:token@git.example.com/app.git"))
    (message, where), = run(POLICY, bad).violations
    assert where == PROJECT.urn and message.splitlines()[1] == (
        "Project 'build': environment.privilegedMode is true: builds get root on the Docker host; "
        "environment.environmentVariables[1] holds AWS_SECRET_ACCESS_KEY in plain text; "
        "source.location embeds credentials in the repository URL.")


@pytest.mark.parametrize("location", ["https://github.com/org/app.git", "git@github.com:org/app.git",
                                      "https://github.com/org/app@v1.git", "s3://bucket/user@source.zip"])
def test_locations_without_user_information_pass(location):
    run(POLICY, PROJECT.set("source", "location", location)).assert_clean()


def test_other_variables_and_secret_types_pass():
    variables = [{"name": "AWS_SECRET_ACCESS_KEY", "value": "ci/key", "type": "SECRETS_MANAGER"},
                 {"name": "AWS_REGION", "value": "eu-west-1", "type": "PLAINTEXT"}, "not-a-variable"]
    run(POLICY, PROJECT.set("environment", "environmentVariables", variables)).assert_clean()


def test_deferral_names_every_unknown_setting():
    unknown = (PROJECT.unknown("environment", "privilegedMode").unknown("environment", "environmentVariables", 0, "type")
               .unknown("source", "location"))
    assert run(POLICY, unknown).deferred == [{
        "message": "Project 'build': environment.privilegedMode, environment.environmentVariables[0].type, source.location "
                   "unknown at preview", "urn": PROJECT.urn}]
    assert run(POLICY, PROJECT.unknown("environment", "environmentVariables")).deferred == [{
        "message": "Project 'build': environment.environmentVariables unknown at preview", "urn": PROJECT.urn}]

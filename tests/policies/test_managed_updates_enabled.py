import pulumi_aws as aws
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

from tests.policies._config_schema import assert_schema

POLICY = "managed-updates-enabled"
SUBJECTS = [
    (resource(aws.rds.Instance, "cards", engine="postgres", instance_class="db.t4g.medium"), "auto_minor_version_upgrade"),
    (resource(aws.rds.Cluster, "ledger", engine="aurora-postgresql"), "auto_minor_version_upgrade"),
    (resource(aws.rds.ClusterInstance, "ledger-1", cluster_identifier=UNKNOWN, engine="aurora-postgresql",
              instance_class="db.r6g.large"), "auto_minor_version_upgrade"),
    (resource(aws.redshift.Cluster, "warehouse", cluster_identifier="wh", node_type="ra3.large"), "allow_version_upgrade"),
]
IDS = ["rds", "aurora", "aurora-instance", "redshift"]


def wire(argument):
    head, *rest = argument.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.parametrize("subject, flag", SUBJECTS, ids=IDS)
def test_updates_default_on_and_explicit_on_pass_off_blocks(subject, flag):
    run(POLICY, subject).assert_clean()
    run(POLICY, subject.replace(**{flag: True})).assert_clean()
    run(POLICY, subject.replace(**{flag: False})).assert_violation(
        f"'{subject.name}': {wire(flag)} is false, so engine security patches are not applied.", on=subject)
    run(POLICY, subject.replace(**{flag: UNKNOWN})).assert_deferred(f"'{subject.name}': {wire(flag)} unknown at preview")


def test_waiver_waives():
    pinned, flag = SUBJECTS[0]
    pinned = pinned.replace(**{flag: False})
    run(POLICY, pinned, waivers=[waiver(pinned, reason="Vendor-certified engine version until Q2 (SEC-64)")]).assert_waived()


REDSHIFT = SUBJECTS[3][0]


def test_redshift_snapshot_retention_is_left_to_the_backup_rule():
    """database-backups-and-deletion-protection judges it: one setting, one finding."""
    run(POLICY, REDSHIFT.replace(automated_snapshot_retention_period=0)).assert_clean()


def test_redshift_maintenance_window_when_the_organisation_fixes_one():
    window = {"redshiftMaintenanceWindow": "sun:23:00-mon:01:30"}
    run(POLICY, REDSHIFT.replace(preferred_maintenance_window="wed:04:00-wed:04:30")).assert_clean()
    run(POLICY, REDSHIFT.replace(preferred_maintenance_window="Sun:23:00-Mon:01:30"), config=window).assert_clean()
    run(POLICY, REDSHIFT, config=window).assert_violation(
        "Cluster 'warehouse': preferredMaintenanceWindow is not set (AWS picks one); set "
        "preferred_maintenance_window='sun:23:00-mon:01:30'.", on=REDSHIFT)
    other = REDSHIFT.replace(preferred_maintenance_window="wed:04:00-wed:04:30")
    run(POLICY, other, config=window).assert_violation("preferredMaintenanceWindow is 'wed:04:00-wed:04:30'")
    run(POLICY, REDSHIFT.replace(preferred_maintenance_window=UNKNOWN), config=window).assert_deferred(
        "Cluster 'warehouse': preferredMaintenanceWindow unknown at preview")
    run(POLICY, REDSHIFT.replace(preferred_maintenance_window="sun:23:00-mon:01:30 "), config=window).assert_clean()


MANAGED_ON = {"namespace": "aws:elasticbeanstalk:managedactions", "name": "ManagedActionsEnabled", "value": "true"}
START = {"namespace": "aws:elasticbeanstalk:managedactions", "name": "PreferredStartTime", "value": "Sun:02:00"}
LEVEL = {"namespace": "aws:elasticbeanstalk:managedactions:platformupdate", "name": "UpdateLevel", "value": "minor"}
ENVIRONMENT = resource(aws.elasticbeanstalk.Environment, "portal", application=UNKNOWN,
                       solution_stack_name="64bit Amazon Linux 2023 v4.3.0 running Python 3.12",
                       settings=[MANAGED_ON, START, LEVEL])


def test_beanstalk_managed_platform_updates():
    run(POLICY, ENVIRONMENT).assert_clean()
    run(POLICY, ENVIRONMENT.replace(settings=[{**MANAGED_ON, "value": "TRUE"}])).assert_clean()
    for settings_, named in (([START, LEVEL], "ManagedActionsEnabled is not set (off)"),
                             (None, "ManagedActionsEnabled is not set (off)"),
                             ([{**MANAGED_ON, "value": "false"}, LEVEL], "ManagedActionsEnabled is 'false'"),
                             ([{**MANAGED_ON, "namespace": "aws:elasticbeanstalk:application"}],
                              "ManagedActionsEnabled is not set (off)"),
                             ([MANAGED_ON, {**MANAGED_ON, "value": "false"}], "ManagedActionsEnabled is 'false'")):
        bad = ENVIRONMENT.replace(settings=settings_)
        run(POLICY, bad).assert_violation(
            f"Environment 'portal': aws:elasticbeanstalk:managedactions:{named}; add the setting {{'namespace': "
            "'aws:elasticbeanstalk:managedactions', 'name': 'ManagedActionsEnabled', 'value': 'true'}.", on=bad)


def test_beanstalk_update_level_is_configurable():
    patch = ENVIRONMENT.replace(settings=[MANAGED_ON, {**LEVEL, "value": "patch"}])
    run(POLICY, patch).assert_clean()
    run(POLICY, patch, config={"beanstalkUpdateLevels": ["minor"]}).assert_violation(
        "Environment 'portal': aws:elasticbeanstalk:managedactions:platformupdate:UpdateLevel is 'patch', must be one "
        "of ['minor'].", on=patch)
    run(POLICY, ENVIRONMENT.replace(settings=[MANAGED_ON]), config={"beanstalkUpdateLevels": ["minor"]}).assert_clean()


def test_beanstalk_unknown_settings_are_deferred():
    run(POLICY, ENVIRONMENT.replace(settings=UNKNOWN)).assert_deferred("Environment 'portal': settings unknown at preview")
    run(POLICY, ENVIRONMENT.unknown("settings", 0, "value")).assert_deferred(
        "Environment 'portal': settings unknown at preview")
    run(POLICY, ENVIRONMENT.unknown("settings", 0)).assert_deferred("Environment 'portal': settings unknown at preview")


FARGATE = resource(aws.ecs.Service, "api", cluster=UNKNOWN, task_definition=UNKNOWN, launch_type="FARGATE",
                   desired_count=2)
SPOT = resource(aws.ecs.TaskSet, "api-canary", cluster=UNKNOWN, service=UNKNOWN, task_definition=UNKNOWN,
                capacity_provider_strategies=[{"capacity_provider": "FARGATE_SPOT", "weight": 1}])


@pytest.mark.parametrize("subject", [FARGATE, SPOT], ids=["service", "task-set"])
def test_fargate_runs_the_latest_platform(subject):
    run(POLICY, subject).assert_clean()
    run(POLICY, subject.replace(platform_version="LATEST")).assert_clean()
    pinned = subject.replace(platform_version="1.3.0")
    run(POLICY, pinned).assert_violation(
        f"'{subject.name}': platformVersion is '1.3.0' on Fargate; leave platform_version unset (LATEST) or use one of "
        "['LATEST'].", on=pinned)
    run(POLICY, pinned, config={"fargatePlatformVersions": ["LATEST", "1.3.0"]}).assert_clean()
    run(POLICY, subject.replace(platform_version=UNKNOWN)).assert_deferred(
        f"'{subject.name}': platformVersion unknown at preview")


def test_platform_version_off_fargate_is_not_judged():
    run(POLICY, FARGATE.replace(launch_type="EC2", platform_version="1.3.0")).assert_clean()
    on_ec2 = SPOT.replace(capacity_provider_strategies=[{"capacity_provider": "ec2-pool", "weight": 1}],
                          platform_version="1.3.0")
    run(POLICY, on_ec2).assert_clean()


def test_fargate_launch_unknown_at_preview_is_deferred():
    run(POLICY, FARGATE.replace(launch_type=UNKNOWN, platform_version="1.3.0")).assert_deferred(
        "Service 'api': launchType unknown at preview")
    unknown_provider = SPOT.replace(platform_version="1.3.0", capacity_provider_strategies=[
        {"capacity_provider": UNKNOWN, "weight": 1}])
    run(POLICY, unknown_provider).assert_deferred("TaskSet 'api-canary': capacityProviderStrategies unknown at preview")
    run(POLICY, SPOT.replace(platform_version="1.3.0", capacity_provider_strategies=UNKNOWN)).assert_deferred(
        "TaskSet 'api-canary': capacityProviderStrategies unknown at preview")
    run(POLICY, SPOT.replace(platform_version="1.3.0").set("capacityProviderStrategies", 0, "FARGATE")).assert_clean()


def test_config_schema_refuses_what_the_engine_would_refuse():
    assert_schema(POLICY, {"redshiftMaintenanceWindow": "sun:23:00-mon:01:30",
                           "beanstalkUpdateLevels": ["patch"], "fargatePlatformVersions": ["1.4.0"]},
                  [("redshiftMaintenanceWindow", 3),
                   ("beanstalkUpdateLevels", []), ("beanstalkUpdateLevels", ["major"]), ("beanstalkUpdateLevels", "minor"),
                   ("fargatePlatformVersions", []), ("fargatePlatformVersions", "LATEST"), ("fargatePlatformVersions", [1])])

"""managed-updates-enabled: databases, Beanstalk environments and Fargate services take their platform's security patches.

Why: PCI DSS 6.3.3 wants known vulnerabilities patched in time, and the
managed services patch themselves only while the program lets them:
- RDS and Aurora apply minor engine versions (which carry security fixes) in
  the maintenance window only while `auto_minor_version_upgrade` is on, and
  Redshift applies new cluster versions only while `allow_version_upgrade` is
  on; both default to on, so the finding is a program that turns them off
  (AWS Config RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED);
- Redshift's maintenance settings (REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK):
  where an organisation fixes a maintenance window (`redshiftMaintenanceWindow`,
  e.g. "sun:23:00-mon:01:30"), `preferred_maintenance_window` must be it
  (absent, AWS picks a random window); the check's third setting, automated
  snapshot retention, is judged once, by `database-backups-and-deletion-protection`;
- an Elastic Beanstalk environment patches its platform only with managed
  actions on: the `aws:elasticbeanstalk:managedactions` setting
  `ManagedActionsEnabled` must be "true" (the API's default is off), and a
  declared `UpdateLevel` (`aws:elasticbeanstalk:managedactions:platformupdate`)
  must be one of `beanstalkUpdateLevels` (ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED).
  A setting inherited from a configuration template is not seen here, so the
  environment must declare it;
- an ECS service or task set on Fargate (`launch_type="FARGATE"`, or a
  FARGATE / FARGATE_SPOT capacity provider) runs the platform version it
  names; pinned to an old one, its tasks miss kernel and runtime fixes. Its
  `platform_version` must be unset (LATEST) or one of `fargatePlatformVersions`
  (ECS_FARGATE_LATEST_PLATFORM_VERSION).
Values unknown at preview are deferred.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, require_bound, settle

RDS_TYPES = ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance")
REDSHIFT = "aws:redshift/cluster:Cluster"
BEANSTALK = "aws:elasticbeanstalk/environment:Environment"
ECS_TYPES = ("aws:ecs/service:Service", "aws:ecs/taskSet:TaskSet")
# Type -> the flag that must not be false.
UPDATE_FLAGS = {**{t: "autoMinorVersionUpgrade" for t in RDS_TYPES}, REDSHIFT: "allowVersionUpgrade"}
MANAGED_ACTIONS = ("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled")
UPDATE_LEVEL = ("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel")
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def _flag(resource: ResourceView, problems: list, unknowns: list) -> None:
    flag = UPDATE_FLAGS[resource.type]
    value = resource.get(flag)
    if is_unknown(value):
        unknowns.append(flag)
    elif value is False:
        problems.append(f"{flag} is false, so engine security patches are not applied")


def _redshift(cluster: ResourceView, config, problems: list, unknowns: list) -> None:
    _flag(cluster, problems, unknowns)
    window = config["redshiftMaintenanceWindow"]
    if not window:
        return
    declared = cluster.get("preferredMaintenanceWindow")
    if is_unknown(declared):
        unknowns.append("preferredMaintenanceWindow")
    elif not isinstance(declared, str) or declared.strip().lower() != window.strip().lower():
        shown = "not set (AWS picks one)" if declared is None else repr(declared)
        problems.append(f"preferredMaintenanceWindow is {shown}; set preferred_maintenance_window={window!r}")


def _setting(settings: list, namespace: str, name: str):
    """The value of the last matching option setting (None: not declared)."""
    found = None
    for setting in settings:
        if isinstance(setting, Mapping) and setting.get("namespace") == namespace and setting.get("name") == name:
            found = setting.get("value")
    return found


def _beanstalk(environment: ResourceView, config, problems: list, unknowns: list) -> None:
    settings = as_list(environment.get("settings"))
    if is_unknown(settings):
        unknowns.append("settings")
        return
    if any(is_unknown(setting) or (isinstance(setting, Mapping) and any(map(is_unknown, setting.values())))
           for setting in settings):
        unknowns.append("settings")
        return
    enabled = _setting(settings, *MANAGED_ACTIONS)
    if not (isinstance(enabled, str) and enabled.strip().lower() == "true"):
        shown = "not set (off)" if enabled is None else repr(enabled)
        problems.append(f"{':'.join(MANAGED_ACTIONS)} is {shown}; add the setting {{'namespace': "
                        f"'{MANAGED_ACTIONS[0]}', 'name': '{MANAGED_ACTIONS[1]}', 'value': 'true'}}")
    level = _setting(settings, *UPDATE_LEVEL)
    allowed = config["beanstalkUpdateLevels"]
    if level is not None and level not in allowed:
        problems.append(f"{':'.join(UPDATE_LEVEL)} is {level!r}, must be one of {allowed!r}")


def _fargate(service: ResourceView, config, problems: list, unknowns: list) -> None:
    version = service.get("platformVersion")
    allowed = config["fargatePlatformVersions"]
    if version is None or version in allowed:
        return
    if is_unknown(version):
        unknowns.append("platformVersion")
        return
    launch_type = service.get("launchType")
    strategies = as_list(service.get("capacityProviderStrategies"))
    if is_unknown(launch_type) or is_unknown(strategies):
        unknowns.append("launchType" if is_unknown(launch_type) else "capacityProviderStrategies")
        return
    providers = [strategy.get("capacityProvider") if isinstance(strategy, Mapping) else None for strategy in strategies]
    if launch_type == "FARGATE" or any(provider in FARGATE_PROVIDERS for provider in providers):
        problems.append(f"platformVersion is {version!r} on Fargate; leave platform_version unset (LATEST) or use "
                        f"one of {allowed!r}")
    elif any(is_unknown(provider) for provider in providers):
        unknowns.append("capacityProviderStrategies")


def check(resource: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    if resource.type == REDSHIFT:
        _redshift(resource, config, problems, unknowns)
    elif resource.type == BEANSTALK:
        _beanstalk(resource, config, problems, unknowns)
    elif resource.type in ECS_TYPES:
        _fargate(resource, config, problems, unknowns)
    else:
        _flag(resource, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="managed-updates-enabled",
    description=("RDS and Aurora keep automatic minor version upgrades on, Redshift allows version upgrades and keeps "
                 "its maintenance settings, Elastic Beanstalk environments run managed platform updates, and Fargate "
                 "services run the latest platform version."),
    severity="medium",
    pci_dss=("6.3.3",),
    soc2=("CC7.1", "CC8.1"),
    remediation=("Leave auto_minor_version_upgrade (aws.rds.Instance, Cluster, ClusterInstance) and "
                 "allow_version_upgrade (aws.redshift.Cluster) unset or True, add the setting "
                 "aws:elasticbeanstalk:managedactions ManagedActionsEnabled='true' to aws.elasticbeanstalk.Environment, "
                 "and leave platform_version unset (LATEST) on Fargate aws.ecs.Service and TaskSet."),
    check=check,
    resource_types=tuple(UPDATE_FLAGS) + (BEANSTALK,) + ECS_TYPES,
    config_properties={
        "redshiftMaintenanceWindow": {"type": "string",
                                      "description": ("The maintenance window every Redshift cluster must use, "
                                                      "e.g. 'sun:23:00-mon:01:30'; empty: any window.")},
        "beanstalkUpdateLevels": {"type": "array", "items": {"enum": ["minor", "patch"]}, "minItems": 1,
                                  "description": "Managed platform update levels an environment may declare."},
        "fargatePlatformVersions": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                                    "description": "Fargate platform versions a service may pin (LATEST: current)."},
    },
    default_config={"redshiftMaintenanceWindow": "",
                    "beanstalkUpdateLevels": ["minor", "patch"], "fargatePlatformVersions": ["LATEST"]},
    violation_example='aws.rds.Instance("cards", engine="postgres", instance_class="db.t4g.micro", auto_minor_version_upgrade=False)',
)

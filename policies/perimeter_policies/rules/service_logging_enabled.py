"""service-logging-enabled: services whose logging is a setting of the resource itself have it on.

Why: PCI DSS 10.2.1 wants audit logs enabled and active for every system
component, and 10.2.2 wants each event recorded with who, what, when and
where. CloudTrail sees control-plane calls only; what happens inside a
cluster, a database, a broker, a search domain, an API or a workflow is
recorded only where the service's own logging is switched on, and pulumi-aws
leaves every one of these off (or partial) by default. One table, one reading
per type (AWS Config rule in brackets):

- `aws.apigateway.Stage`: `xray_tracing_enabled` true, so each request is
  traced across the services it reaches [API_GW_XRAY_ENABLED];
- `aws.appsync.GraphQLApi`: `log_config` with a `cloudwatch_logs_role_arn` and a
  `field_log_level` in `appsyncFieldLogLevels` (default any but NONE)
  [APPSYNC_LOGGING_ENABLED];
- `aws.codebuild.Project`: CloudWatch logs (on unless `DISABLED`) or S3 logs
  enabled [CODEBUILD_PROJECT_LOGGING_ENABLED], and S3 logs not written with
  `encryption_disabled` [CODEBUILD_PROJECT_S3_LOGS_ENCRYPTED];
- `aws.eks.Cluster`: `enabled_cluster_log_types` holds every type in
  `eksLogTypes` (default all five control-plane logs) [EKS_CLUSTER_LOGGING_ENABLED];
- `aws.opensearch.Domain` / `aws.elasticsearch.Domain`: a
  `log_publishing_options` entry, enabled and with a log group, for every type
  in `searchDomainLogTypes` (default audit, application, index and search slow
  logs; AWS accepts AUDIT_LOGS only with fine-grained access control)
  [OPENSEARCH_LOGS_TO_CLOUDWATCH, OPENSEARCH_AUDIT_LOGGING_ENABLED,
  ELASTICSEARCH_LOGS_TO_CLOUDWATCH];
- `aws.elasticbeanstalk.Environment`: the `aws:elasticbeanstalk:cloudwatch:logs`
  `StreamLogs` setting is `true` (default false) [ELASTIC_BEANSTALK_LOGS_TO_CLOUDWATCH];
- `aws.mq.Broker`: `logs.audit` on for ActiveMQ [MQ_CLOUDWATCH_AUDIT_LOGGING_ENABLED,
  MQ_CLOUDWATCH_AUDIT_LOG_ENABLED]; RabbitMQ has no audit log, so its
  `logs.general` must be on instead;
- `aws.neptune.Cluster`: `enable_cloudwatch_logs_exports` holds `neptuneLogExports`
  (default `audit`) [NEPTUNE_CLUSTER_CLOUDWATCH_LOG_EXPORT_ENABLED];
- `aws.rds.Instance` / `aws.rds.Cluster`: `enabled_cloudwatch_logs_exports` holds
  the types `rdsLogExports` lists for the engine (longest matching engine
  prefix; an engine not listed needs at least one export) [RDS_LOGGING_ENABLED;
  Aurora clusters too, where their exports live]. MySQL-family defaults are
  `audit` and `error`: the general and slow-query logs record statement text,
  which can carry cardholder data, so they are opt-in through config;
- `aws.sfn.StateMachine`: `logging_configuration.level` in `stateMachineLogLevels`
  (default ALL, ERROR, FATAL; pulumi-aws's default is OFF) with a
  `log_destination` [STEP_FUNCTIONS_STATE_MACHINE_LOGGING_ENABLED].

A destination (log group, role) built from another resource's output counts as
set; any other value unknown at preview is deferred to `pulumi up`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._destinations import present
from ._findings import describe, settle

EKS_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
SEARCH_LOG_TYPES = ("AUDIT_LOGS", "ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS")
APPSYNC_LEVELS = ("ALL", "DEBUG", "ERROR", "INFO")  # NONE is no logging: never allowed
STATE_MACHINE_LEVELS = ("ALL", "ERROR", "FATAL")  # OFF (the default) is no logging: never allowed
BEANSTALK_LOGS = ("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs")
RDS_LOG_EXPORTS = {
    "postgres": ["postgresql"],
    "aurora-postgresql": ["postgresql"],
    "mysql": ["audit", "error"],
    "mariadb": ["audit", "error"],
    "aurora": ["audit", "error"],  # aurora (MySQL 5.6 compatible) and aurora-mysql
    "oracle": ["alert", "audit", "listener"],
    "custom-oracle": ["alert", "audit", "listener"],
    "sqlserver": ["agent", "error"],
    "custom-sqlserver": ["agent", "error"],
    "db2": ["diag.log", "notify.log"],
}



def _holds(resource: ResourceView, field: str, required, problems: list, unknowns: list, fix: str) -> None:
    """Note which of `required` the list input `field` lacks (an unknown list or entry defers the check)."""
    values = as_list(resource.get(field))
    if is_unknown(values) or any(is_unknown(v) for v in values):
        unknowns.append(field)
        return
    missing = [t for t in required if t not in values]
    if missing:
        problems.append(f"{field} lacks {missing}; {fix}")


def _xray(stage: ResourceView, config, problems: list, unknowns: list) -> None:
    enabled = stage.get("xrayTracingEnabled")
    if is_unknown(enabled):
        unknowns.append("xrayTracingEnabled")
    elif enabled is not True:
        problems.append("xrayTracingEnabled is not true; set xray_tracing_enabled=True")


def _appsync(api: ResourceView, config, problems: list, unknowns: list) -> None:
    level, role = api.get("logConfig", "fieldLogLevel"), api.get("logConfig", "cloudwatchLogsRoleArn")
    allowed = config["appsyncFieldLogLevels"]
    if is_unknown(level):
        unknowns.append("logConfig.fieldLogLevel")
    elif level not in allowed:
        problems.append(f"logConfig.fieldLogLevel is {level!r}, not one of {list(allowed)}; set log_config="
                        "{'field_log_level': 'ERROR', 'cloudwatch_logs_role_arn': role.arn}")
    if not present(role):
        problems.append("logConfig.cloudwatchLogsRoleArn is not set, so AppSync cannot write its logs")


def _codebuild(project: ResourceView, config, problems: list, unknowns: list) -> None:
    cloudwatch = project.get("logsConfig", "cloudwatchLogs", "status")
    s3 = project.get("logsConfig", "s3Logs", "status")
    if is_unknown(cloudwatch) or is_unknown(s3):
        unknowns.append("logsConfig")
    elif cloudwatch == "DISABLED" and s3 != "ENABLED":
        problems.append("logsConfig disables CloudWatch logs and enables no S3 logs, so builds leave no log")
    unencrypted = project.get("logsConfig", "s3Logs", "encryptionDisabled")
    if is_unknown(unencrypted):
        unknowns.append("logsConfig.s3Logs.encryptionDisabled")
    elif unencrypted is True:
        problems.append("logsConfig.s3Logs.encryptionDisabled is true; leave it unset so build logs are encrypted")


def _eks(cluster: ResourceView, config, problems: list, unknowns: list) -> None:
    _holds(cluster, "enabledClusterLogTypes", config["eksLogTypes"], problems, unknowns,
           "list them in enabled_cluster_log_types")


def _search_domain(domain: ResourceView, config, problems: list, unknowns: list) -> None:
    options = as_list(domain.get("logPublishingOptions"))
    if is_unknown(options):
        unknowns.append("logPublishingOptions")
        return
    published, pending = set(), False
    for option in options:
        if not isinstance(option, Mapping):
            pending = pending or is_unknown(option)
            continue
        kind, enabled, group = option.get("logType"), option.get("enabled"), option.get("cloudwatchLogGroupArn")
        if is_unknown(kind) or is_unknown(enabled):
            pending = True
        elif enabled is not False and present(group):
            published.add(kind)
    missing = [t for t in config["searchDomainLogTypes"] if t not in published]
    if missing and pending:
        unknowns.append("logPublishingOptions")
    elif missing:
        problems.append(f"logPublishingOptions does not publish {missing} to CloudWatch Logs; add "
                        "log_publishing_options=[{'log_type': ..., 'cloudwatch_log_group_arn': log_group.arn}]")


def _beanstalk(environment: ResourceView, config, problems: list, unknowns: list) -> None:
    settings = as_list(environment.get("settings"))
    if is_unknown(settings):
        unknowns.append("settings")
        return
    for setting in settings:
        if not isinstance(setting, Mapping) or (setting.get("namespace"), setting.get("name")) != BEANSTALK_LOGS:
            continue
        value = setting.get("value")
        if is_unknown(value):
            unknowns.append("settings.StreamLogs")
            return
        if isinstance(value, str) and value.strip().lower() == "true":
            return
    problems.append(f"settings do not stream instance logs to CloudWatch; add {{'namespace': '{BEANSTALK_LOGS[0]}', "
                    f"'name': '{BEANSTALK_LOGS[1]}', 'value': 'true'}}")


def _mq(broker: ResourceView, config, problems: list, unknowns: list) -> None:
    engine = broker.get("engineType")
    if is_unknown(engine):
        unknowns.append("engineType")
        return
    log = "audit" if isinstance(engine, str) and engine.lower() == "activemq" else "general"
    enabled = broker.get("logs", log)
    if is_unknown(enabled):
        unknowns.append(f"logs.{log}")
    elif enabled is not True:
        problems.append(f"logs.{log} is not true; set logs={{'{log}': True}}")


def _neptune(cluster: ResourceView, config, problems: list, unknowns: list) -> None:
    _holds(cluster, "enableCloudwatchLogsExports", config["neptuneLogExports"], problems, unknowns,
           "list them in enable_cloudwatch_logs_exports")


def _rds(database: ResourceView, config, problems: list, unknowns: list) -> None:
    engine = database.get("engine")
    if is_unknown(engine):
        unknowns.append("engine")
        return
    exports = config["rdsLogExports"]
    matches = [p for p in exports if isinstance(engine, str) and engine.startswith(p)]
    fix = "list them in enabled_cloudwatch_logs_exports"
    if matches:
        _holds(database, "enabledCloudwatchLogsExports", exports[max(matches, key=len)], problems, unknowns, fix)
        return
    values = as_list(database.get("enabledCloudwatchLogsExports"))
    if is_unknown(values):
        unknowns.append("enabledCloudwatchLogsExports")
    elif not values:
        problems.append(f"enabledCloudwatchLogsExports is empty for engine {engine!r}; export the engine's logs")


def _state_machine(machine: ResourceView, config, problems: list, unknowns: list) -> None:
    level = machine.get("loggingConfiguration", "level")
    destination = machine.get("loggingConfiguration", "logDestination")
    allowed = config["stateMachineLogLevels"]
    if is_unknown(level):
        unknowns.append("loggingConfiguration.level")
    elif level not in allowed:
        problems.append(f"loggingConfiguration.level is {level or 'OFF (the default)'}, not one of {list(allowed)}; "
                        "set logging_configuration={'level': 'ERROR', 'log_destination': f'{log_group.arn}:*'}")
    elif not present(destination):
        problems.append("loggingConfiguration.logDestination is not set")


READERS = {
    "aws:apigateway/stage:Stage": _xray,
    "aws:appsync/graphQLApi:GraphQLApi": _appsync,
    "aws:codebuild/project:Project": _codebuild,
    "aws:eks/cluster:Cluster": _eks,
    "aws:opensearch/domain:Domain": _search_domain,
    "aws:elasticsearch/domain:Domain": _search_domain,
    "aws:elasticbeanstalk/environment:Environment": _beanstalk,
    "aws:mq/broker:Broker": _mq,
    "aws:neptune/cluster:Cluster": _neptune,
    "aws:rds/instance:Instance": _rds,
    "aws:rds/cluster:Cluster": _rds,
    "aws:sfn/stateMachine:StateMachine": _state_machine,
}


def check(resource: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    READERS[resource.type](resource, config, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))



# A config list of names from a fixed vocabulary: at least one, each once.
ENUM_LIST = {"type": "array", "minItems": 1, "uniqueItems": True}


RULE = Rule(
    name="service-logging-enabled",
    description=("API stages trace requests; AppSync, CodeBuild, EKS, OpenSearch, Elastic Beanstalk, Amazon MQ, "
                 "Neptune, RDS and Step Functions have their own logging on."),
    severity="medium",
    pci_dss=("10.2.1", "10.2.2"),
    soc2=("CC7.2",),
    remediation=("Turn on each service's logging: xray_tracing_enabled=True (aws.apigateway.Stage), log_config "
                 "(appsync), logs_config (codebuild), enabled_cluster_log_types (eks), log_publishing_options "
                 "(opensearch/elasticsearch), the StreamLogs setting (elasticbeanstalk), logs.audit (mq), "
                 "enable_cloudwatch_logs_exports (neptune), enabled_cloudwatch_logs_exports (rds), "
                 "logging_configuration (sfn)."),
    check=check,
    resource_types=tuple(READERS),
    config_properties={
        "eksLogTypes": {**ENUM_LIST, "items": {"enum": list(EKS_LOG_TYPES)},
                       "description": "EKS control-plane log types every cluster must enable."},
        "searchDomainLogTypes": {**ENUM_LIST, "items": {"enum": list(SEARCH_LOG_TYPES)},
                                "description": "Log types every OpenSearch/Elasticsearch domain publishes."},
        "appsyncFieldLogLevels": {**ENUM_LIST, "items": {"enum": list(APPSYNC_LEVELS)},
                                 "description": "AppSync field log levels that count as logging."},
        "stateMachineLogLevels": {**ENUM_LIST, "items": {"enum": list(STATE_MACHINE_LEVELS)},
                                 "description": "Step Functions log levels that count as logging."},
        "neptuneLogExports": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                              "description": "Log types every Neptune cluster exports to CloudWatch Logs."},
        "rdsLogExports": {"type": "object", "minProperties": 1,
                          "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1},
                                                   "minItems": 1},
                          "description": ("Engine prefix -> log types RDS instances and clusters of that engine "
                                          "export (the longest matching prefix applies).")},
    },
    default_config={
        "eksLogTypes": list(EKS_LOG_TYPES),
        "searchDomainLogTypes": list(SEARCH_LOG_TYPES),
        "appsyncFieldLogLevels": list(APPSYNC_LEVELS),
        "stateMachineLogLevels": list(STATE_MACHINE_LEVELS),
        "neptuneLogExports": ["audit"],
        "rdsLogExports": RDS_LOG_EXPORTS,
    },
    violation_example='aws.eks.Cluster("apps", role_arn=role.arn, vpc_config={...})  # no enabled_cluster_log_types',
)

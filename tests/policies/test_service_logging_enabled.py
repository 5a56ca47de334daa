"""service-logging-enabled: a compliant baseline of each type, one mutation per violation, unknowns, waivers."""

import pulumi_aws as aws
import pytest
from hypothesis import given, settings, strategies as st
from perimeter_policies.testing import UNKNOWN, resource, rule_named, run, waiver

from tests.policies._config_schema import assert_schema

POLICY = "service-logging-enabled"
EKS_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
SEARCH_LOGS = [{"log_type": kind, "cloudwatch_log_group_arn": UNKNOWN}
               for kind in ("AUDIT_LOGS", "ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS")]
STREAM_LOGS = {"namespace": "aws:elasticbeanstalk:cloudwatch:logs", "name": "StreamLogs", "value": "true"}
INSTANCE_TYPE = "aws:elasticbeanstalk:environment"

COMPLIANT = {
    "aws:apigateway/stage:Stage": resource(aws.apigateway.Stage, "api", deployment=UNKNOWN, rest_api=UNKNOWN,
                                           stage_name="prod", xray_tracing_enabled=True),
    "aws:appsync/graphQLApi:GraphQLApi": resource(aws.appsync.GraphQLApi, "graph", authentication_type="AWS_IAM",
                                                  log_config={"field_log_level": "ERROR",
                                                              "cloudwatch_logs_role_arn": UNKNOWN}),
    "aws:codebuild/project:Project": resource(aws.codebuild.Project, "build", artifacts={"type": "NO_ARTIFACTS"},
                                              environment={"compute_type": "BUILD_GENERAL1_SMALL", "image": "img",
                                                           "type": "LINUX_CONTAINER"},
                                              service_role=UNKNOWN, source={"type": "NO_SOURCE"}),
    "aws:eks/cluster:Cluster": resource(aws.eks.Cluster, "apps", role_arn=UNKNOWN, vpc_config={"subnet_ids": [UNKNOWN]},
                                        enabled_cluster_log_types=EKS_TYPES),
    "aws:elasticsearch/domain:Domain": resource(aws.elasticsearch.Domain, "legacy-search",
                                                log_publishing_options=[{**o, "enabled": True} for o in SEARCH_LOGS]),
    "aws:opensearch/domain:Domain": resource(aws.opensearch.Domain, "search", log_publishing_options=SEARCH_LOGS),
    "aws:elasticbeanstalk/environment:Environment": resource(aws.elasticbeanstalk.Environment, "web",
                                                             application=UNKNOWN, settings=[STREAM_LOGS]),
    "aws:mq/broker:Broker": resource(aws.mq.Broker, "events", engine_type="ActiveMQ", engine_version="5.18",
                                     host_instance_type="mq.m5.large", logs={"audit": True}),
    "aws:neptune/cluster:Cluster": resource(aws.neptune.Cluster, "graph-db", enable_cloudwatch_logs_exports=["audit"]),
    "aws:rds/instance:Instance": resource(aws.rds.Instance, "cards", instance_class="db.t4g.medium", engine="postgres",
                                          enabled_cloudwatch_logs_exports=["postgresql"]),
    "aws:rds/cluster:Cluster": resource(aws.rds.Cluster, "ledger", engine="aurora-mysql",
                                        enabled_cloudwatch_logs_exports=["audit", "error", "slowquery"]),
    "aws:sfn/stateMachine:StateMachine": resource(aws.sfn.StateMachine, "flow", definition="{}", role_arn=UNKNOWN,
                                                  logging_configuration={"level": "ERROR",
                                                                         "log_destination": UNKNOWN}),
}

VIOLATIONS = [
    ("aws:apigateway/stage:Stage", {"xray_tracing_enabled": None}, "xrayTracingEnabled"),
    ("aws:apigateway/stage:Stage", {"xray_tracing_enabled": False}, "xrayTracingEnabled"),
    ("aws:appsync/graphQLApi:GraphQLApi", {"log_config": None}, "fieldLogLevel"),
    ("aws:appsync/graphQLApi:GraphQLApi", {"log_config": {"field_log_level": "NONE", "cloudwatch_logs_role_arn": "r"}},
     "'NONE'"),
    ("aws:appsync/graphQLApi:GraphQLApi", {"log_config": {"field_log_level": "ALL", "cloudwatch_logs_role_arn": " "}},
     "cloudwatchLogsRoleArn"),
    ("aws:codebuild/project:Project", {"logs_config": {"cloudwatch_logs": {"status": "DISABLED"}}}, "leave no log"),
    ("aws:codebuild/project:Project", {"logs_config": {"cloudwatch_logs": {"status": "DISABLED"},
                                                       "s3_logs": {"status": "DISABLED"}}}, "leave no log"),
    ("aws:codebuild/project:Project", {"logs_config": {"s3_logs": {"status": "ENABLED", "location": "b/p",
                                                                   "encryption_disabled": True}}},
     "encryptionDisabled"),
    ("aws:eks/cluster:Cluster", {"enabled_cluster_log_types": None}, "enabledClusterLogTypes"),
    ("aws:eks/cluster:Cluster", {"enabled_cluster_log_types": ["api", "authenticator"]},
     "['audit', 'controllerManager', 'scheduler']"),
    ("aws:elasticsearch/domain:Domain", {"log_publishing_options": None}, "AUDIT_LOGS"),
    ("aws:opensearch/domain:Domain", {"log_publishing_options": SEARCH_LOGS[1:]}, "['AUDIT_LOGS']"),
    ("aws:opensearch/domain:Domain", {"log_publishing_options": [{**SEARCH_LOGS[0], "enabled": False},
                                                                 *SEARCH_LOGS[1:]]}, "['AUDIT_LOGS']"),
    ("aws:opensearch/domain:Domain", {"log_publishing_options": [{**SEARCH_LOGS[0], "cloudwatch_log_group_arn": ""},
                                                                 *SEARCH_LOGS[1:]]}, "['AUDIT_LOGS']"),
    ("aws:elasticbeanstalk/environment:Environment", {"settings": None}, "StreamLogs"),
    ("aws:elasticbeanstalk/environment:Environment", {"settings": [{**STREAM_LOGS, "value": "false"}]}, "StreamLogs"),
    ("aws:elasticbeanstalk/environment:Environment",
     {"settings": [{"namespace": INSTANCE_TYPE, "name": "StreamLogs", "value": "true"},
                   {"namespace": STREAM_LOGS["namespace"], "name": "RetentionInDays", "value": "true"}]}, "StreamLogs"),
    ("aws:mq/broker:Broker", {"logs": None}, "logs.audit"),
    ("aws:mq/broker:Broker", {"logs": {"audit": False, "general": True}}, "logs.audit"),
    ("aws:mq/broker:Broker", {"engine_type": "RabbitMQ", "logs": {"audit": True}}, "logs.general"),
    ("aws:neptune/cluster:Cluster", {"enable_cloudwatch_logs_exports": ["slowquery"]}, "['audit']"),
    ("aws:rds/instance:Instance", {"enabled_cloudwatch_logs_exports": ["upgrade"]}, "['postgresql']"),
    ("aws:rds/instance:Instance", {"engine": "sqlserver-se", "enabled_cloudwatch_logs_exports": ["error"]}, "['agent']"),
    ("aws:rds/instance:Instance", {"engine": "oracle-ee", "enabled_cloudwatch_logs_exports": ["alert", "audit"]},
     "['listener']"),
    ("aws:rds/instance:Instance", {"engine": "mysql", "enabled_cloudwatch_logs_exports": ["error", "general"]},
     "['audit']"),
    ("aws:rds/instance:Instance", {"engine": None, "enabled_cloudwatch_logs_exports": None}, "is empty for engine None"),
    ("aws:rds/cluster:Cluster", {"engine": "aurora-postgresql"}, "['postgresql']"),
    ("aws:rds/cluster:Cluster", {"enabled_cloudwatch_logs_exports": ["error"]}, "['audit']"),
    ("aws:sfn/stateMachine:StateMachine", {"logging_configuration": None}, "OFF (the default)"),
    ("aws:sfn/stateMachine:StateMachine", {"logging_configuration": {"level": "OFF"}}, "level is OFF"),
    ("aws:sfn/stateMachine:StateMachine", {"logging_configuration": {"level": "ALL"}}, "logDestination is not set"),
]

UNKNOWN_AT_PREVIEW = [
    ("aws:apigateway/stage:Stage", ("xrayTracingEnabled",), "xrayTracingEnabled"),
    ("aws:appsync/graphQLApi:GraphQLApi", ("logConfig", "fieldLogLevel"), "fieldLogLevel"),
    ("aws:eks/cluster:Cluster", ("enabledClusterLogTypes",), "enabledClusterLogTypes"),
    ("aws:eks/cluster:Cluster", ("enabledClusterLogTypes", 2), "enabledClusterLogTypes"),
    ("aws:opensearch/domain:Domain", ("logPublishingOptions",), "logPublishingOptions"),
    ("aws:opensearch/domain:Domain", ("logPublishingOptions", 0), "logPublishingOptions"),
    ("aws:opensearch/domain:Domain", ("logPublishingOptions", 0, "logType"), "logPublishingOptions"),
    ("aws:elasticsearch/domain:Domain", ("logPublishingOptions", 3, "enabled"), "logPublishingOptions"),
    ("aws:elasticbeanstalk/environment:Environment", ("settings",), "settings"),
    ("aws:elasticbeanstalk/environment:Environment", ("settings", 0, "value"), "StreamLogs"),
    ("aws:mq/broker:Broker", ("engineType",), "engineType"),
    ("aws:mq/broker:Broker", ("logs", "audit"), "logs.audit"),
    ("aws:neptune/cluster:Cluster", ("enableCloudwatchLogsExports",), "enableCloudwatchLogsExports"),
    ("aws:rds/instance:Instance", ("engine",), "engine"),
    ("aws:rds/instance:Instance", ("enabledCloudwatchLogsExports",), "enabledCloudwatchLogsExports"),
    ("aws:sfn/stateMachine:StateMachine", ("loggingConfiguration", "level"), "loggingConfiguration.level"),
]


def test_compliant_baseline_passes():
    for compliant in COMPLIANT.values():
        run(POLICY, compliant).assert_clean()


def test_every_type_has_a_violation():
    assert {t for t, _, _ in VIOLATIONS} == set(COMPLIANT)


@pytest.mark.parametrize("type_, arguments, names", VIOLATIONS)
def test_each_mutation_is_a_violation(type_, arguments, names):
    bad = COMPLIANT[type_].replace(**arguments)
    run(POLICY, bad).assert_violation(names, on=bad)


@pytest.mark.parametrize("type_, path, names", UNKNOWN_AT_PREVIEW)
def test_unknown_at_preview_is_deferred_not_blocking(type_, path, names):
    run(POLICY, COMPLIANT[type_].unknown(*path)).assert_deferred(names)


def test_codebuild_unknown_logs_config_is_deferred():
    project = COMPLIANT["aws:codebuild/project:Project"].replace(
        logs_config={"cloudwatch_logs": {"status": UNKNOWN}, "s3_logs": {"encryption_disabled": UNKNOWN}})
    run(POLICY, project).assert_deferred("logsConfig", "logsConfig.s3Logs.encryptionDisabled")


def test_destinations_from_outputs_count_as_set():
    appsync = COMPLIANT["aws:appsync/graphQLApi:GraphQLApi"]
    assert appsync.inputs["logConfig"]["cloudwatchLogsRoleArn"] is UNKNOWN
    run(POLICY, appsync).assert_clean()
    run(POLICY, COMPLIANT["aws:sfn/stateMachine:StateMachine"]).assert_clean()


@pytest.mark.parametrize("type_, arguments", [
    ("aws:codebuild/project:Project", {"logs_config": {"cloudwatch_logs": {"status": "DISABLED"},
                                                       "s3_logs": {"status": "ENABLED", "location": "b/p"}}}),
    ("aws:codebuild/project:Project", {"logs_config": {"s3_logs": {"status": "ENABLED", "location": "b/p",
                                                                   "encryption_disabled": False}}}),
    ("aws:elasticbeanstalk/environment:Environment", {"settings": [{**STREAM_LOGS, "value": " TRUE "}]}),
    ("aws:mq/broker:Broker", {"engine_type": "RabbitMQ", "logs": {"general": True}}),
    ("aws:mq/broker:Broker", {"engine_type": "ACTIVEMQ"}),
    ("aws:rds/instance:Instance", {"engine": "sqlserver-ex", "enabled_cloudwatch_logs_exports": ["agent", "error"]}),
    ("aws:rds/instance:Instance", {"engine": None, "enabled_cloudwatch_logs_exports": ["postgresql"]}),
    ("aws:rds/cluster:Cluster", {"engine": "aurora-postgresql", "enabled_cloudwatch_logs_exports": ["postgresql"]}),
    ("aws:sfn/stateMachine:StateMachine", {"logging_configuration": {"level": "FATAL", "log_destination": "arn:x:*"}}),
    ("aws:elasticsearch/domain:Domain", {"log_publishing_options": SEARCH_LOGS}),
])
def test_other_compliant_forms_pass(type_, arguments):
    run(POLICY, COMPLIANT[type_].replace(**arguments)).assert_clean()


def test_log_types_and_levels_are_configurable():
    eks = COMPLIANT["aws:eks/cluster:Cluster"].replace(enabled_cluster_log_types=["audit"])
    run(POLICY, eks).assert_violation("enabledClusterLogTypes")
    run(POLICY, eks, config={"eksLogTypes": ["audit"]}).assert_clean()
    search = COMPLIANT["aws:opensearch/domain:Domain"].replace(log_publishing_options=SEARCH_LOGS[:1])
    run(POLICY, search, config={"searchDomainLogTypes": ["AUDIT_LOGS"]}).assert_clean()
    appsync = COMPLIANT["aws:appsync/graphQLApi:GraphQLApi"]
    run(POLICY, appsync, config={"appsyncFieldLogLevels": ["ALL"]}).assert_violation("'ERROR'")
    flow = COMPLIANT["aws:sfn/stateMachine:StateMachine"]
    run(POLICY, flow, config={"stateMachineLogLevels": ["ALL"]}).assert_violation("level is ERROR")
    graph = COMPLIANT["aws:neptune/cluster:Cluster"].replace(enable_cloudwatch_logs_exports=["slowquery"])
    run(POLICY, graph, config={"neptuneLogExports": ["slowquery"]}).assert_clean()


def test_longest_engine_prefix_wins():
    ledger = COMPLIANT["aws:rds/cluster:Cluster"].replace(engine="aurora-postgresql",
                                                          enabled_cloudwatch_logs_exports=["postgresql"])
    run(POLICY, ledger).assert_clean()
    exports = {"aurora": ["audit"], "aurora-postgresql": ["postgresql", "instance"]}
    run(POLICY, ledger, config={"rdsLogExports": exports}).assert_violation("['instance']")
    run(POLICY, ledger.replace(engine="aurora"), config={"rdsLogExports": exports}).assert_violation("['audit']")


@settings(max_examples=40, deadline=None)
@given(enabled=st.lists(st.sampled_from(EKS_TYPES), unique=True), required=st.lists(st.sampled_from(EKS_TYPES),
                                                                                     min_size=1, unique=True))
def test_eks_passes_exactly_when_every_required_type_is_enabled(enabled, required):
    result = run(POLICY, COMPLIANT["aws:eks/cluster:Cluster"].replace(enabled_cluster_log_types=enabled or None),
                 config={"eksLogTypes": required})
    if set(required) <= set(enabled):
        result.assert_clean()
    else:
        result.assert_violation(*sorted(set(required) - set(enabled)))


def test_waiver_waives_and_expired_waiver_does_not():
    type_, arguments, _ = VIOLATIONS[0]
    bad = COMPLIANT[type_].replace(**arguments)
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


# --- exact findings: the property, the value and the fix, as a developer reads them -------------------

EXACT_VIOLATIONS = [
    ("aws:apigateway/stage:Stage", {"xray_tracing_enabled": None},
     "Stage 'api': xrayTracingEnabled is not true; set xray_tracing_enabled=True."),
    ("aws:appsync/graphQLApi:GraphQLApi", {"log_config": {"field_log_level": "NONE", "cloudwatch_logs_role_arn": "r"}},
     "GraphQLApi 'graph': logConfig.fieldLogLevel is 'NONE', not one of ['ALL', 'DEBUG', 'ERROR', 'INFO']; set "
     "log_config={'field_log_level': 'ERROR', 'cloudwatch_logs_role_arn': role.arn}."),
    ("aws:appsync/graphQLApi:GraphQLApi", {"log_config": {"field_log_level": "ALL", "cloudwatch_logs_role_arn": ""}},
     "GraphQLApi 'graph': logConfig.cloudwatchLogsRoleArn is not set, so AppSync cannot write its logs."),
    ("aws:codebuild/project:Project", {"logs_config": {"cloudwatch_logs": {"status": "DISABLED"}}},
     "Project 'build': logsConfig disables CloudWatch logs and enables no S3 logs, so builds leave no log."),
    ("aws:codebuild/project:Project", {"logs_config": {"s3_logs": {"status": "ENABLED", "encryption_disabled": True}}},
     "Project 'build': logsConfig.s3Logs.encryptionDisabled is true; leave it unset so build logs are encrypted."),
    ("aws:eks/cluster:Cluster", {"enabled_cluster_log_types": ["api", "authenticator"]},
     "Cluster 'apps': enabledClusterLogTypes lacks ['audit', 'controllerManager', 'scheduler']; list them in "
     "enabled_cluster_log_types."),
    ("aws:opensearch/domain:Domain", {"log_publishing_options": SEARCH_LOGS[1:]},
     "Domain 'search': logPublishingOptions does not publish ['AUDIT_LOGS'] to CloudWatch Logs; add "
     "log_publishing_options=[{'log_type': ..., 'cloudwatch_log_group_arn': log_group.arn}]."),
    ("aws:elasticbeanstalk/environment:Environment", {"settings": None},
     "Environment 'web': settings do not stream instance logs to CloudWatch; add {'namespace': "
     "'aws:elasticbeanstalk:cloudwatch:logs', 'name': 'StreamLogs', 'value': 'true'}."),
    ("aws:mq/broker:Broker", {"logs": None}, "Broker 'events': logs.audit is not true; set logs={'audit': True}."),
    ("aws:neptune/cluster:Cluster", {"enable_cloudwatch_logs_exports": None},
     "Cluster 'graph-db': enableCloudwatchLogsExports lacks ['audit']; list them in enable_cloudwatch_logs_exports."),
    ("aws:rds/instance:Instance", {"enabled_cloudwatch_logs_exports": ["upgrade"]},
     "Instance 'cards': enabledCloudwatchLogsExports lacks ['postgresql']; list them in "
     "enabled_cloudwatch_logs_exports."),
    ("aws:rds/instance:Instance", {"engine": None, "enabled_cloudwatch_logs_exports": None},
     "Instance 'cards': enabledCloudwatchLogsExports is empty for engine None; export the engine's logs."),
    ("aws:sfn/stateMachine:StateMachine", {"logging_configuration": None},
     "StateMachine 'flow': loggingConfiguration.level is OFF (the default), not one of ['ALL', 'ERROR', 'FATAL']; "
     "set logging_configuration={'level': 'ERROR', 'log_destination': f'{log_group.arn}:*'}."),
    ("aws:sfn/stateMachine:StateMachine", {"logging_configuration": {"level": "ALL"}},
     "StateMachine 'flow': loggingConfiguration.logDestination is not set."),
]


@pytest.mark.parametrize("type_, arguments, line", EXACT_VIOLATIONS)
def test_each_finding_names_the_property_and_the_fix(type_, arguments, line):
    result = run(POLICY, COMPLIANT[type_].replace(**arguments))
    assert [message.splitlines()[1] for message, _ in result.violations] == [line]


EXACT_DEFERRALS = [
    (lambda: COMPLIANT["aws:apigateway/stage:Stage"].unknown("xrayTracingEnabled"),
     "Stage 'api': xrayTracingEnabled unknown at preview"),
    (lambda: COMPLIANT["aws:appsync/graphQLApi:GraphQLApi"].unknown("logConfig", "fieldLogLevel"),
     "GraphQLApi 'graph': logConfig.fieldLogLevel unknown at preview"),
    (lambda: COMPLIANT["aws:codebuild/project:Project"].replace(logs_config={"cloudwatch_logs": {"status": UNKNOWN}}),
     "Project 'build': logsConfig unknown at preview"),
    (lambda: COMPLIANT["aws:codebuild/project:Project"].replace(
        logs_config={"cloudwatch_logs": {"status": "DISABLED"}, "s3_logs": {"status": UNKNOWN}}),
     "Project 'build': logsConfig unknown at preview"),
    (lambda: COMPLIANT["aws:codebuild/project:Project"].replace(logs_config={"s3_logs": {"encryption_disabled": UNKNOWN}}),
     "Project 'build': logsConfig.s3Logs.encryptionDisabled unknown at preview"),
    (lambda: COMPLIANT["aws:eks/cluster:Cluster"].unknown("enabledClusterLogTypes"),
     "Cluster 'apps': enabledClusterLogTypes unknown at preview"),
    (lambda: COMPLIANT["aws:opensearch/domain:Domain"].unknown("logPublishingOptions"),
     "Domain 'search': logPublishingOptions unknown at preview"),
    (lambda: COMPLIANT["aws:opensearch/domain:Domain"].unknown("logPublishingOptions", 1, "logType"),
     "Domain 'search': logPublishingOptions unknown at preview"),
    (lambda: COMPLIANT["aws:elasticbeanstalk/environment:Environment"].unknown("settings"),
     "Environment 'web': settings unknown at preview"),
    (lambda: COMPLIANT["aws:elasticbeanstalk/environment:Environment"].unknown("settings", 0, "value"),
     "Environment 'web': settings.StreamLogs unknown at preview"),
    (lambda: COMPLIANT["aws:mq/broker:Broker"].unknown("engineType"), "Broker 'events': engineType unknown at preview"),
    (lambda: COMPLIANT["aws:mq/broker:Broker"].unknown("logs", "audit"), "Broker 'events': logs.audit unknown at preview"),
    (lambda: COMPLIANT["aws:rds/instance:Instance"].unknown("engine"), "Instance 'cards': engine unknown at preview"),
    (lambda: COMPLIANT["aws:rds/instance:Instance"].replace(engine=None, enabled_cloudwatch_logs_exports=UNKNOWN),
     "Instance 'cards': enabledCloudwatchLogsExports unknown at preview"),
    (lambda: COMPLIANT["aws:sfn/stateMachine:StateMachine"].unknown("loggingConfiguration", "level"),
     "StateMachine 'flow': loggingConfiguration.level unknown at preview"),
]


@pytest.mark.parametrize("subject, message", EXACT_DEFERRALS)
def test_each_deferral_names_what_preview_cannot_see(subject, message):
    result = run(POLICY, subject())
    assert result.clean and [d["message"].splitlines()[-1] for d in result.deferred] == [message], result.deferred


def test_unreadable_entries_are_skipped_not_read_as_the_end():
    five = [SEARCH_LOGS[0], *SEARCH_LOGS]
    search = COMPLIANT["aws:opensearch/domain:Domain"].replace(log_publishing_options=five)
    run(POLICY, search.set("logPublishingOptions", 0, "not-an-option")).assert_clean()
    other = {"namespace": INSTANCE_TYPE, "name": "EnvironmentType", "value": "SingleInstance"}
    run(POLICY, COMPLIANT["aws:elasticbeanstalk/environment:Environment"].replace(settings=[other, STREAM_LOGS])
        ).assert_clean()


@pytest.mark.parametrize("key, good, bad", [
    ("eksLogTypes", ["audit"], [["kubelet"], [], ["audit", "audit"], "audit"]),
    ("searchDomainLogTypes", ["AUDIT_LOGS"], [["SLOW"], [], ["AUDIT_LOGS", "AUDIT_LOGS"]]),
    ("appsyncFieldLogLevels", ["ERROR", "ALL"], [["NONE"], [], ["ALL", "ALL"]]),
    ("stateMachineLogLevels", ["FATAL"], [["OFF"], [], ["ALL", "ALL"]]),
    ("neptuneLogExports", ["slowquery"], [[], [""], "audit"]),
    ("rdsLogExports", {"postgres": ["postgresql"]}, [{}, {"postgres": []}, {"postgres": [""]}, ["postgresql"]]),
])
def test_config_schema_accepts_real_values_and_refuses_empty_unknown_or_repeated_ones(key, good, bad):
    description = rule_named(POLICY).config_properties[key]["description"]
    assert isinstance(description, str) and description.strip()
    assert_schema(POLICY, {key: good}, [(key, value) for value in bad])

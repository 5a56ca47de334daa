"""service-logging-attached: each target with its logging resource, one mutation per violation, unknowns, waivers."""

from dataclasses import replace

import pulumi_aws as aws
import pytest
from hypothesis import given, settings, strategies as st
from perimeter_policies.testing import UNKNOWN, resource, rule_named, run, waiver

from tests.policies._config_schema import assert_schema

POLICY = "service-logging-attached"
ARN = "arn:aws:network-firewall:eu-west-1:111122223333:firewall/edge"
CACHE = {"allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"], "target_origin_id": "web",
         "viewer_protocol_policy": "https-only"}


# --- API Gateway -------------------------------------------------------------------------------------

API = resource(aws.apigateway.RestApi, "api", name="api")
STAGE = resource(aws.apigateway.Stage, "prod", deployment=UNKNOWN, rest_api=UNKNOWN, stage_name="prod",
                 property_dependencies={"restApi": [API]})

TEST_STAGE = resource(aws.apigateway.Stage, "test", deployment=UNKNOWN, rest_api=UNKNOWN, stage_name="test",
                      xray_tracing_enabled=True)


def method_settings(name="prod-all", path="*/*", level="ERROR", stage=STAGE, **kit):
    settings = {"metrics_enabled": True} if level is None else {"logging_level": level}
    return resource(aws.apigateway.MethodSettings, name, rest_api=UNKNOWN, stage_name=UNKNOWN, method_path=path,
                    settings=settings, property_dependencies=kit.get("deps", {"stageName": [stage],
                                                                               "restApi": [API]}))


def test_rest_stage_with_execution_logging_passes():
    run(POLICY, [API, STAGE, method_settings()]).assert_clean()
    run(POLICY, [API, STAGE, method_settings(level="INFO"), method_settings("one", path="cards/GET", level=None)]
        ).assert_clean()


@pytest.mark.parametrize("extra, words", [
    ([], "has no aws.apigateway.MethodSettings"),
    ([method_settings(level="OFF")], "loggingLevel 'OFF' on '*/*'"),
    ([method_settings(path="cards/GET")], "has no aws.apigateway.MethodSettings"),
    ([method_settings(level=None)], "has no aws.apigateway.MethodSettings"),
    ([method_settings(), method_settings("quiet", path="cards/GET", level="OFF")], "loggingLevel 'OFF' on 'cards/GET'"),
    ([TEST_STAGE, method_settings(deps={"stageName": [TEST_STAGE]})], "has no aws.apigateway.MethodSettings"),
])
def test_rest_stage_without_execution_logging_blocks(extra, words):
    run(POLICY, [API, STAGE, *extra]).assert_violation(words, on=STAGE)


def test_every_wrong_level_and_every_unknown_is_named_in_one_outcome():
    quiet = method_settings("quiet", path="cards/GET", level="OFF")
    result = run(POLICY, [API, STAGE, method_settings(level="OFF"), quiet]).assert_violation(on=STAGE)
    assert result.violations[0][0].splitlines()[1] == (
        "Stage 'prod': MethodSettings 'prod-all' sets settings.loggingLevel 'OFF' on '*/*', not one of "
        "['ERROR', 'INFO']; MethodSettings 'quiet' sets settings.loggingLevel 'OFF' on 'cards/GET', not one of "
        "['ERROR', 'INFO'].")
    pending = [method_settings().unknown("settings", "loggingLevel"), method_settings("cards").unknown("methodPath")]
    run(POLICY, [API, STAGE, *pending]).assert_deferred(
        "Stage 'prod': MethodSettings 'prod-all' methodPath or settings.loggingLevel, "
        "MethodSettings 'cards' methodPath or settings.loggingLevel unknown at preview")


def test_method_settings_match_by_name_within_the_same_api():
    literal = resource(aws.apigateway.Stage, "prod", deployment=UNKNOWN, rest_api="a1b2c3", stage_name="prod")
    by_name = resource(aws.apigateway.MethodSettings, "prod-all", rest_api="a1b2c3", stage_name="prod",
                       method_path="*/*", settings={"logging_level": "INFO"})
    run(POLICY, [literal, by_name]).assert_clean()
    run(POLICY, [literal, by_name.replace(rest_api="z9y8x7")]).assert_violation("MethodSettings", on=literal)
    run(POLICY, [literal, by_name.replace(stage_name="test")]).assert_violation("MethodSettings", on=literal)
    same_api = method_settings(deps={"restApi": [API]}).replace(stage_name="prod")
    run(POLICY, [API, STAGE, same_api]).assert_clean()
    other_api = method_settings(deps={"restApi": ["urn:other"]}).replace(stage_name="prod")
    run(POLICY, [API, STAGE, other_api]).assert_violation("MethodSettings", on=STAGE)


def test_rest_stage_unknowns_are_deferred():
    run(POLICY, [API, STAGE, method_settings().unknown("settings", "loggingLevel")]).assert_deferred("loggingLevel")
    untraceable = method_settings(deps={})
    run(POLICY, [API, STAGE, untraceable]).assert_deferred("target is unknown")


WEBSOCKET = resource(aws.apigatewayv2.Api, "chat", protocol_type="WEBSOCKET", route_selection_expression="$request.body.action")
WS_STAGE = resource(aws.apigatewayv2.Stage, "chat-prod", api_id=UNKNOWN, name="prod",
                    default_route_settings={"logging_level": "INFO"}, property_dependencies={"apiId": [WEBSOCKET]})


def test_websocket_stage_logs_execution():
    run(POLICY, [WEBSOCKET, WS_STAGE]).assert_clean()
    for settings_ in (None, {"logging_level": "OFF"}, {"throttling_burst_limit": 10}):
        bad = WS_STAGE.replace(default_route_settings=settings_)
        run(POLICY, [WEBSOCKET, bad]).assert_violation("defaultRouteSettings.loggingLevel", on=bad)
    run(POLICY, [WEBSOCKET, WS_STAGE.unknown("defaultRouteSettings", "loggingLevel")]).assert_deferred("loggingLevel")
    run(POLICY, [WEBSOCKET.unknown("protocolType"), WS_STAGE]).assert_deferred("protocolType")


def test_http_api_stages_and_apis_outside_the_stack_are_not_judged():
    http = WEBSOCKET.replace(protocol_type="HTTP", route_selection_expression=None)
    run(POLICY, [http, WS_STAGE.replace(default_route_settings=None)]).assert_clean()
    outside = replace(WS_STAGE.replace(api_id="abc123", default_route_settings=None), property_dependencies={})
    run(POLICY, [WEBSOCKET, outside]).assert_clean()


def test_websocket_stage_matches_its_api_by_id_once_known():
    known = resource(aws.apigatewayv2.Stage, "chat-prod", api_id="ws-1", name="prod")
    run(POLICY, [WEBSOCKET, known]).assert_clean()  # no id output yet: not this API
    with_id = replace(WEBSOCKET, outputs={**WEBSOCKET.inputs, "id": "ws-1"})
    run(POLICY, [with_id, known]).assert_violation("loggingLevel", on=known)


def test_untraceable_api_id_is_deferred():
    orphan = resource(aws.apigatewayv2.Stage, "chat-prod", api_id=UNKNOWN, name="prod")
    run(POLICY, [orphan]).assert_deferred("apiId")


# --- CloudFront --------------------------------------------------------------------------------------

DISTRIBUTION = resource(aws.cloudfront.Distribution, "web", default_cache_behavior=CACHE, enabled=True,
                        origins=[{"domain_name": "web.example.com", "origin_id": "web"}],
                        restrictions={"geo_restriction": {"restriction_type": "none"}},
                        viewer_certificate={"cloudfront_default_certificate": True},
                        logging_config={"bucket": UNKNOWN, "prefix": "web/"})
SOURCE = resource(aws.cloudwatch.LogDeliverySource, "web-access", name="web-access", log_type="ACCESS_LOGS",
                  resource_arn=UNKNOWN, property_dependencies={"resourceArn": [DISTRIBUTION]})
DELIVERY = resource(aws.cloudwatch.LogDelivery, "web-access", delivery_destination_arn=UNKNOWN,
                    delivery_source_name=UNKNOWN, property_dependencies={"deliverySourceName": [SOURCE]})


def test_distribution_with_standard_logging_passes():
    run(POLICY, [DISTRIBUTION]).assert_clean()
    v2 = DISTRIBUTION.replace(logging_config=None)
    run(POLICY, [v2, SOURCE, DELIVERY]).assert_clean()
    by_name = resource(aws.cloudwatch.LogDelivery, "d", delivery_destination_arn="arn:d",
                       delivery_source_name="web-access")
    run(POLICY, [v2, SOURCE, by_name]).assert_clean()


@pytest.mark.parametrize("extra, words", [
    ([], "has no access logs"),
    ([SOURCE], "has no aws.cloudwatch.LogDelivery"),
    ([SOURCE.replace(log_type="CONNECTION_LOGS"), DELIVERY], "has no access logs"),
    ([SOURCE, replace(DELIVERY.replace(delivery_source_name="another-source"), property_dependencies={})],
     "has no aws.cloudwatch.LogDelivery"),
])
def test_distribution_without_access_logs_blocks(extra, words):
    bare = DISTRIBUTION.replace(logging_config=None)
    run(POLICY, [bare, *extra]).assert_violation(words, on=bare)


def test_a_delivery_built_from_another_source_leaves_this_one_without_logs():
    bare = DISTRIBUTION.replace(logging_config=None)
    other = replace(bare, name="shop")
    other_source = resource(aws.cloudwatch.LogDeliverySource, "shop-access", name="shop-access", log_type="ACCESS_LOGS",
                            resource_arn=UNKNOWN, property_dependencies={"resourceArn": [other]})
    result = run(POLICY, [bare, other, SOURCE, other_source, DELIVERY]).assert_violation(on=other)
    assert result.violations[0][0].splitlines()[1] == (
        "Distribution 'shop': LogDeliverySource 'shop-access' has no aws.cloudwatch.LogDelivery, so its access logs "
        "go nowhere.")


def test_distribution_with_empty_bucket_blocks():
    bad = DISTRIBUTION.replace(logging_config={"bucket": " "})
    run(POLICY, [bad]).assert_violation("has no access logs", on=bad)


def test_distribution_unknowns_are_deferred():
    run(POLICY, [DISTRIBUTION.unknown("loggingConfig")]).assert_deferred("loggingConfig")
    bare = DISTRIBUTION.replace(logging_config=None)
    run(POLICY, [bare, SOURCE.unknown("logType"), DELIVERY]).assert_deferred("logType")
    untraceable = replace(DELIVERY, property_dependencies={})
    run(POLICY, [bare, SOURCE, untraceable]).assert_deferred("LogDelivery")


# --- Network Firewall --------------------------------------------------------------------------------

FIREWALL = resource(aws.networkfirewall.Firewall, "edge", firewall_policy_arn=UNKNOWN, vpc_id=UNKNOWN,
                    subnet_mappings=[{"subnet_id": UNKNOWN}])


def firewall_logging(*kinds, **kit):
    return resource(aws.networkfirewall.LoggingConfiguration, "edge-logs", firewall_arn=kit.get("arn", UNKNOWN),
                    logging_configuration={"log_destination_configs": [
                        {"log_destination": {"logGroup": "g"}, "log_destination_type": "CloudWatchLogs",
                         "log_type": kind} for kind in kinds]},
                    property_dependencies=kit.get("deps", {"firewallArn": [FIREWALL]}))


def test_firewall_with_alert_and_flow_logs_passes():
    run(POLICY, [FIREWALL, firewall_logging("ALERT", "FLOW")]).assert_clean()
    with_arn = replace(FIREWALL, outputs={**FIREWALL.inputs, "arn": ARN})
    run(POLICY, [with_arn, firewall_logging("FLOW", "ALERT", "TLS", arn=ARN, deps={})]).assert_clean()


@pytest.mark.parametrize("stack, words", [
    (lambda: [FIREWALL], "has no aws.networkfirewall.LoggingConfiguration"),
    (lambda: [FIREWALL, firewall_logging("FLOW")], "does not log ['ALERT']"),
    (lambda: [FIREWALL, firewall_logging("ALERT", "FLOW", arn=ARN, deps={})],
     "has no aws.networkfirewall.LoggingConfiguration"),
])
def test_firewall_without_logging_blocks(stack, words):
    run(POLICY, stack()).assert_violation(words, on=FIREWALL)


def test_firewall_log_types_are_configurable_and_unknowns_defer():
    run(POLICY, [FIREWALL, firewall_logging("FLOW")], config={"firewallLogTypes": ["FLOW"]}).assert_clean()
    run(POLICY, [FIREWALL, firewall_logging("ALERT", "FLOW")], config={"firewallLogTypes": ["TLS"]}
        ).assert_violation("['TLS']")
    pending = firewall_logging("ALERT", "FLOW").unknown("loggingConfiguration", "logDestinationConfigs", 1, "logType")
    run(POLICY, [FIREWALL, pending]).assert_deferred("logDestinationConfigs")
    run(POLICY, [FIREWALL, firewall_logging("ALERT").unknown("loggingConfiguration", "logDestinationConfigs")]
        ).assert_deferred("logDestinationConfigs")


# --- Redshift ----------------------------------------------------------------------------------------

CLUSTER = resource(aws.redshift.Cluster, "warehouse", cluster_identifier="warehouse", node_type="ra3.large")


def redshift_logging(**arguments):
    arguments = {"log_destination_type": "s3", "bucket_name": UNKNOWN, **arguments}
    return resource(aws.redshift.Logging, "warehouse-audit", cluster_identifier="warehouse",
                    **{k: v for k, v in arguments.items() if v is not None})


@pytest.mark.parametrize("logging", [
    redshift_logging(),
    redshift_logging(log_destination_type=None),
    redshift_logging(log_destination_type="cloudwatch", bucket_name=None,
                     log_exports=["useractivitylog", "userlog", "connectionlog"]),
])
def test_redshift_with_audit_logging_passes(logging):
    run(POLICY, [CLUSTER, logging]).assert_clean()


@pytest.mark.parametrize("stack, words", [
    (lambda: [CLUSTER], "has no aws.redshift.Logging"),
    (lambda: [CLUSTER, redshift_logging(bucket_name=None)], "names no bucketName"),
    (lambda: [CLUSTER, redshift_logging(log_destination_type="cloudwatch", bucket_name=None, log_exports=["userlog"])],
     "does not export ['connectionlog', 'useractivitylog']"),
    (lambda: [CLUSTER, redshift_logging().replace(cluster_identifier="another")], "has no aws.redshift.Logging"),
])
def test_redshift_without_audit_logging_blocks(stack, words):
    run(POLICY, stack()).assert_violation(words, on=CLUSTER)


def test_redshift_unknowns_defer_and_exports_are_configurable():
    run(POLICY, [CLUSTER, redshift_logging().unknown("logDestinationType")]).assert_deferred("logDestinationType")
    cloudwatch = redshift_logging(log_destination_type="cloudwatch", bucket_name=None, log_exports=["userlog"])
    run(POLICY, [CLUSTER, cloudwatch.unknown("logExports")]).assert_deferred("logExports")
    run(POLICY, [CLUSTER, cloudwatch], config={"redshiftLogExports": ["userlog"]}).assert_clean()
    linked = redshift_logging().replace(cluster_identifier=UNKNOWN)
    run(POLICY, [CLUSTER, linked]).assert_deferred("target is unknown")
    by_output = replace(linked, property_dependencies={"clusterIdentifier": (CLUSTER.urn,)})
    run(POLICY, [CLUSTER, by_output]).assert_clean()


# --- S3 server access logging ------------------------------------------------------------------------

DATA = resource(aws.s3.Bucket, "data", bucket="perimeter-data")
LOGS = resource(aws.s3.Bucket, "access-logs", bucket="perimeter-access-logs")
DATA_LOGGING = resource(aws.s3.BucketLogging, "data", bucket=UNKNOWN, target_bucket=UNKNOWN, target_prefix="data/",
                        property_dependencies={"bucket": [DATA], "targetBucket": [LOGS]})


def test_bucket_logging_into_a_sink_passes_and_the_sink_is_exempt():
    run(POLICY, [DATA, LOGS, DATA_LOGGING]).assert_clean()
    by_name = resource(aws.s3.BucketLogging, "data", bucket="perimeter-data", target_bucket="perimeter-access-logs",
                      target_prefix="data/")
    run(POLICY, [DATA, LOGS, by_name]).assert_clean()
    v2 = resource(aws.s3.BucketLoggingV2, "data", bucket="perimeter-data", target_bucket="perimeter-access-logs",
                      target_prefix="data/")
    run(POLICY, [DATA, LOGS, v2]).assert_clean()


def test_inline_logging_counts_and_makes_its_target_a_sink():
    inline = DATA.replace(logging={"target_bucket": "perimeter-access-logs", "target_prefix": "data/"})
    run(POLICY, [inline, LOGS]).assert_clean()
    inline_v2 = resource(aws.s3.BucketV2, "data", bucket="perimeter-data",
                         loggings=[{"target_bucket": "perimeter-access-logs"}])
    run(POLICY, [inline_v2, LOGS]).assert_clean()
    from_output = DATA.replace(logging={"target_bucket": UNKNOWN})
    from_output = replace(from_output, property_dependencies={"logging": (LOGS.urn,)})
    run(POLICY, [from_output, LOGS]).assert_clean()


@pytest.mark.parametrize("stack, unlogged", [
    pytest.param(lambda: [DATA], ["data"], id="no-logging"),
    pytest.param(lambda: [DATA, LOGS], ["access-logs", "data"], id="no-logging-no-sink"),
    pytest.param(lambda: [DATA, LOGS, replace(DATA_LOGGING.replace(target_bucket=" "),
                                              property_dependencies={"bucket": (DATA.urn,)})], ["access-logs", "data"],
                 id="empty-target"),
    pytest.param(lambda: [DATA, LOGS, resource(aws.s3.BucketLogging, "self", bucket=UNKNOWN, target_bucket=UNKNOWN,
                                               target_prefix="x/",
                                               property_dependencies={"bucket": [DATA], "targetBucket": [DATA]})],
                 ["access-logs"], id="self-logging-is-no-sink"),
    pytest.param(lambda: [DATA, resource(aws.s3.BucketV2, "v2", bucket="perimeter-v2", loggings=[{"target_prefix": "x/"}])],
                 ["data", "v2"], id="v2-inline-without-target"),
])
def test_bucket_without_access_logging_blocks(stack, unlogged):
    result = run(POLICY, stack())
    assert sorted(u.rsplit("::", 1)[-1] for u in result.urns) == unlogged
    assert all("has no server access logging" in message for message, _ in result.violations)


def test_bucket_logging_unknowns_defer():
    untraceable = resource(aws.s3.BucketLogging, "data", bucket=UNKNOWN, target_bucket="perimeter-access-logs",
                      target_prefix="data/")
    result = run(POLICY, [DATA, LOGS, untraceable])
    assert result.clean and len(result.deferred) == 1 and "BucketLogging" in result.deferred[0]["message"]
    sink_unknown = resource(aws.s3.BucketLogging, "data", bucket="perimeter-data", target_bucket=UNKNOWN,
                            target_prefix="data/")
    run(POLICY, [DATA, LOGS, sink_unknown]).assert_deferred("targetBucket")


@settings(max_examples=30, deadline=None)
@given(count=st.integers(min_value=1, max_value=6), logged=st.data())
def test_every_unlogged_bucket_that_is_no_sink_is_reported(count, logged):
    buckets = [resource(aws.s3.Bucket, f"b{i}", bucket=f"perimeter-b{i}") for i in range(count)]
    sink = resource(aws.s3.Bucket, "sink", bucket="perimeter-sink")
    chosen = logged.draw(st.sets(st.integers(min_value=0, max_value=count - 1)))
    loggings = [resource(aws.s3.BucketLogging, f"b{i}", bucket=f"perimeter-b{i}", target_bucket="perimeter-sink",
                         target_prefix=f"b{i}/")
                for i in sorted(chosen)]
    result = run(POLICY, [*buckets, sink, *loggings])
    expected = sorted(b.urn for i, b in enumerate(buckets) if i not in chosen) + ([] if chosen else [sink.urn])
    assert sorted(result.urns) == sorted(expected)


def test_waiver_waives_and_expired_waiver_does_not():
    run(POLICY, [DATA], waivers=[waiver(DATA)]).assert_waived()
    run(POLICY, [DATA], waivers=[waiver(DATA, days=-1)]).assert_violation("expired on")


# --- exact findings and deferrals: what a developer reads -------------------------------------------------

BARE = DISTRIBUTION.replace(logging_config=None)
EXACT = [
    (lambda: [API, STAGE], "violation",
     "Stage 'prod' has no aws.apigateway.MethodSettings with method_path='*/*' and settings.logging_level in "
     "['ERROR', 'INFO']."),
    (lambda: [API, STAGE, method_settings(level="OFF")], "violation",
     "Stage 'prod': MethodSettings 'prod-all' sets settings.loggingLevel 'OFF' on '*/*', not one of ['ERROR', 'INFO']."),
    (lambda: [API, STAGE, method_settings().unknown("methodPath")], "deferred",
     "Stage 'prod': MethodSettings 'prod-all' methodPath or settings.loggingLevel unknown at preview"),
    (lambda: [API, STAGE, method_settings(deps={})], "deferred",
     "Stage 'prod': a logging resource's target is unknown at preview"),
    (lambda: [WEBSOCKET, WS_STAGE.replace(default_route_settings={"logging_level": "OFF"})], "violation",
     "Stage 'chat-prod': defaultRouteSettings.loggingLevel is 'OFF', not one of ['ERROR', 'INFO']; set "
     "default_route_settings={'logging_level': 'ERROR'}."),
    (lambda: [resource(aws.apigatewayv2.Stage, "chat-prod", api_id=UNKNOWN, name="prod")], "deferred",
     "Stage 'chat-prod': apiId is unknown at preview"),
    (lambda: [WEBSOCKET.unknown("protocolType"), WS_STAGE], "deferred",
     "Stage 'chat-prod': the API's protocolType is unknown at preview"),
    (lambda: [WEBSOCKET, WS_STAGE.unknown("defaultRouteSettings", "loggingLevel")], "deferred",
     "Stage 'chat-prod': defaultRouteSettings.loggingLevel is unknown at preview"),
    (lambda: [BARE], "violation",
     "Distribution 'web' has no access logs: set logging_config={'bucket': ...} or add an "
     "aws.cloudwatch.LogDeliverySource(log_type='ACCESS_LOGS') with an aws.cloudwatch.LogDelivery."),
    (lambda: [BARE, SOURCE], "violation",
     "Distribution 'web': LogDeliverySource 'web-access' has no aws.cloudwatch.LogDelivery, so its access logs go "
     "nowhere."),
    (lambda: [DISTRIBUTION.unknown("loggingConfig")], "deferred", "Distribution 'web': loggingConfig is unknown at preview"),
    (lambda: [BARE, SOURCE.unknown("logType"), DELIVERY], "deferred",
     "Distribution 'web': LogDeliverySource 'web-access' logType unknown at preview"),
    (lambda: [BARE, SOURCE, replace(DELIVERY, property_dependencies={})], "deferred",
     "Distribution 'web': the aws.cloudwatch.LogDelivery of LogDeliverySource 'web-access' unknown at preview"),
    (lambda: [FIREWALL], "violation",
     "Firewall 'edge' has no aws.networkfirewall.LoggingConfiguration logging ['ALERT', 'FLOW']."),
    (lambda: [FIREWALL, firewall_logging("FLOW")], "violation",
     "Firewall 'edge': LoggingConfiguration 'edge-logs' does not log ['ALERT']."),
    (lambda: [FIREWALL, firewall_logging("FLOW").unknown("loggingConfiguration", "logDestinationConfigs")], "deferred",
     "Firewall 'edge': LoggingConfiguration 'edge-logs' logDestinationConfigs unknown at preview"),
    (lambda: [CLUSTER], "violation", "Cluster 'warehouse' has no aws.redshift.Logging: its audit logs are off."),
    (lambda: [CLUSTER, redshift_logging(bucket_name=None)], "violation",
     "Cluster 'warehouse': Logging 'warehouse-audit' names no bucketName for its S3 audit logs."),
    (lambda: [CLUSTER, redshift_logging(log_destination_type="cloudwatch", bucket_name=None, log_exports=["userlog"])],
     "violation", "Cluster 'warehouse': Logging 'warehouse-audit' does not export ['connectionlog', 'useractivitylog']."),
    (lambda: [CLUSTER, redshift_logging().unknown("logDestinationType")], "deferred",
     "Cluster 'warehouse': Logging 'warehouse-audit' logDestinationType unknown at preview"),
    (lambda: [CLUSTER, redshift_logging(log_destination_type="cloudwatch", log_exports=["userlog"]).unknown(
        "logExports", 0)], "deferred", "Cluster 'warehouse': Logging 'warehouse-audit' logExports unknown at preview"),
    (lambda: [DATA], "violation",
     "Bucket 'data' has no server access logging: add aws.s3.BucketLogging(bucket=bucket.id, target_bucket="
     "access_logs.id, target_prefix=...) (a bucket that receives another bucket's access logs is exempt)."),
    (lambda: [DATA, resource(aws.s3.BucketLogging, "other", bucket=UNKNOWN, target_bucket="perimeter-elsewhere",
                             target_prefix="o/")], "deferred",
     "Bucket 'data': a BucketLogging's bucket or targetBucket is unknown at preview"),
]


@pytest.mark.parametrize("stack, kind, line", EXACT)
def test_each_outcome_reads_exactly(stack, kind, line):
    result = run(POLICY, stack())
    if kind == "violation":
        assert [message.splitlines()[1] for message, _ in result.violations] == [line]
    else:
        assert result.clean and [d["message"].splitlines()[-1] for d in result.deferred] == [line], result.deferred
        subject = line.split(":")[0].split(" has ")[0]
        assert [d["urn"].rsplit("::", 1)[-1] for d in result.deferred] == [subject.split("'")[1]]


@pytest.mark.parametrize("key, good, bad", [
    ("executionLogLevels", ["INFO"], [["OFF"], [], ["INFO", "INFO"]]),
    ("firewallLogTypes", ["TLS"], [["NETFLOW"], [], ["TLS", "TLS"]]),
    ("redshiftLogExports", ["userlog"], [["auditlog"], [], ["userlog", "userlog"]]),
])
def test_config_schema_refuses_empty_unknown_or_repeated_values(key, good, bad):
    description = rule_named(POLICY).config_properties[key]["description"]
    assert isinstance(description, str) and description.strip()
    assert_schema(POLICY, {key: good}, [(key, value) for value in bad])


def test_one_judged_target_does_not_end_the_walk():
    plain = resource(aws.apigatewayv2.Stage, "http-prod", api_id="abc123", name="prod")
    bad = WS_STAGE.replace(default_route_settings=None)
    http = replace(WEBSOCKET.replace(protocol_type="HTTP", route_selection_expression=None), name="http")
    http_stage = replace(resource(aws.apigatewayv2.Stage, "http-prod", api_id=UNKNOWN, name="prod"),
                         property_dependencies={"apiId": (http.urn,)})
    for first in (plain, http_stage):
        run(POLICY, [http, WEBSOCKET, first, bad]).assert_violation("loggingLevel", on=bad)
    pending = replace(WEBSOCKET.unknown("protocolType"), name="chat-2")
    pending_stage = replace(WS_STAGE, name="chat-2-prod", property_dependencies={"apiId": (pending.urn,)})
    result = run(POLICY, [WEBSOCKET, pending, pending_stage, bad])
    assert result.urns == [bad.urn] and len(result.deferred) == 1
    result = run(POLICY, [LOGS, DATA, resource(aws.s3.BucketLogging, "other", bucket="perimeter-other",
                                               target_bucket="perimeter-access-logs", target_prefix="o/")])
    assert result.urns == [DATA.urn]


def test_targets_match_their_logging_by_identity_once_known():
    arn = "arn:aws:cloudfront::111122223333:distribution/E2ABC"
    known = replace(BARE, outputs={**BARE.inputs, "arn": arn})
    source = replace(SOURCE.replace(resource_arn=arn), property_dependencies={})
    run(POLICY, [known, source, DELIVERY]).assert_clean()
    cluster = replace(CLUSTER, outputs={**CLUSTER.inputs, "id": "warehouse-id"})
    run(POLICY, [cluster, redshift_logging().replace(cluster_identifier="warehouse-id")]).assert_clean()
    data = replace(DATA, outputs={**DATA.inputs, "id": "data-id"})
    logging = resource(aws.s3.BucketLogging, "data", bucket="data-id", target_bucket="perimeter-access-logs",
                       target_prefix="d/")
    run(POLICY, [data, LOGS, logging]).assert_clean()


def test_unreadable_values_never_raise():
    junk = firewall_logging("ALERT", "FLOW").set("loggingConfiguration", "logDestinationConfigs", 0, "junk")
    run(POLICY, [FIREWALL, junk]).assert_violation("does not log ['ALERT']")
    v2 = resource(aws.s3.BucketV2, "v2", bucket="perimeter-v2", loggings=[{"target_bucket": "t"}]).unknown("loggings")
    run(POLICY, [v2]).assert_clean()

"""service-logging-attached: services whose logging is a separate resource have that resource in the stack.

Why: PCI DSS 10.2.1 and 10.2.2 want every access to a system component logged
with who, what, when and where. For these services the log is not a setting of
the resource but a second resource pointing at it, so a program that forgets the
second resource deploys a silent component (AWS Config rule in brackets):

- an `aws.apigateway.Stage` needs an `aws.apigateway.MethodSettings` for it with
  `method_path="*/*"` and `settings.logging_level` in `executionLogLevels`
  (default ERROR, INFO), and no method set to another level; a WebSocket
  `aws.apigatewayv2.Stage` needs `default_route_settings.logging_level` in that
  list (HTTP APIs have no execution logs; their access logs are
  access-logging-enabled's) [API_GW_EXECUTION_LOGGING_ENABLED];
- an `aws.cloudfront.Distribution` needs `logging_config.bucket` (standard
  logging) or an `aws.cloudwatch.LogDeliverySource` of `ACCESS_LOGS` for it with
  an `aws.cloudwatch.LogDelivery` (standard logging v2) [CLOUDFRONT_ACCESSLOGS_ENABLED];
- an `aws.networkfirewall.Firewall` needs an
  `aws.networkfirewall.LoggingConfiguration` whose destinations cover every type
  in `firewallLogTypes` (default ALERT and FLOW) [NETFW_LOGGING_ENABLED];
- an `aws.redshift.Cluster` needs an `aws.redshift.Logging` (pulumi-aws 7 has no
  inline logging): to S3 with a bucket, or to CloudWatch exporting every type in
  `redshiftLogExports` [REDSHIFT_CLUSTER_CONFIGURATION_CHECK, its audit-logging
  part; cmk-encryption-at-rest checks the encryption part];
- an S3 bucket needs server access logging: an `aws.s3.BucketLogging` (or the
  deprecated inline `logging`) with a target bucket [S3_BUCKET_LOGGING_ENABLED].
  The one exemption is a bucket that receives another bucket's access logs in
  this stack: AWS says a log target should not itself log (it would log its own
  log deliveries, or move the same question to a further bucket), and AWS Config
  has no exemption, so such sinks are otherwise waived one by one by everyone.
  It is an exemption by relation, not by name or tag: a bucket that nobody
  logs into must log.

A link preview cannot resolve (an unknown target not built from a resource of
the right type in this stack) defers the check to `pulumi up`, as does an
unknown level, log type or destination type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Iterable, Iterator

from ..model import Deferred, ResourceView, StackView, Violation, as_list, is_unknown
from ..rule import Rule
from ._destinations import present
from ._findings import describe
from ._links import feeds, unresolved
from ._s3 import BUCKET, BUCKETS

REST_STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
HTTP_STAGE = "aws:apigatewayv2/stage:Stage"
HTTP_API = "aws:apigatewayv2/api:Api"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
DELIVERY_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery"
FIREWALL = "aws:networkfirewall/firewall:Firewall"
FIREWALL_LOGGING = "aws:networkfirewall/loggingConfiguration:LoggingConfiguration"
REDSHIFT = "aws:redshift/cluster:Cluster"
REDSHIFT_LOGGING = "aws:redshift/logging:Logging"
BUCKET_LOGGINGS = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
EVERY_METHOD = "*/*"

# A logging resource's verdict on its target: it covers it, it is irrelevant to coverage,
# it is wrong (the text says how), or preview cannot tell.
GOOD, NEUTRAL, BAD, PENDING = "good", "neutral", "bad", "pending"
Verdict = tuple[str, str]
# Only a bad or pending verdict's text reaches a message.
COVERS: Verdict = (GOOD, "")
IRRELEVANT: Verdict = (NEUTRAL, "")



def _settle(target: ResourceView, verdicts: Iterable[Verdict], unresolved_links: bool, missing: str) -> Iterator:
    """One outcome for `target` from what its linked logging resources say."""
    verdicts = list(verdicts)
    bad = [text for state, text in verdicts if state == BAD]
    if bad:
        yield Violation(f"{describe(target)}: " + "; ".join(bad) + ".", target.urn)
    elif any(state == PENDING for state, _ in verdicts):
        pending = ", ".join(text for state, text in verdicts if state == PENDING)
        yield Deferred(f"{describe(target)}: {pending} unknown at preview", target.urn)
    elif any(state == GOOD for state, _ in verdicts):
        return
    elif unresolved_links:
        yield Deferred(f"{describe(target)}: a logging resource's target is unknown at preview", target.urn)
    else:
        yield Violation(f"{describe(target)} {missing}.", target.urn)


def _judge_all(stack: StackView, targets: list[ResourceView], loggers: list[ResourceView], prop: str,
               identities: Callable[[ResourceView], tuple], judge: Callable[[ResourceView], Verdict],
               target_types: tuple[str, ...], missing: str) -> Iterator:
    pending_links = any(unresolved(stack, logger, prop, logger.get(prop), target_types) for logger in loggers)
    for target in targets:
        linked = [logger for logger in loggers if feeds(logger, prop, target, logger.get(prop), identities(target))]
        yield from _settle(target, map(judge, linked), pending_links, missing)


# --- API Gateway execution logging -------------------------------------------------------------------

def _method_settings_verdict(settings: ResourceView, levels) -> Verdict:
    path, level = settings.get("methodPath"), settings.get("settings", "loggingLevel")
    if is_unknown(path) or is_unknown(level):
        return PENDING, f"{describe(settings)} methodPath or settings.loggingLevel"
    if level is None:
        return IRRELEVANT
    if level not in levels:
        return BAD, (f"{describe(settings)} sets settings.loggingLevel {level!r} on {path!r}, not one of "
                     f"{list(levels)}")
    return COVERS if path == EVERY_METHOD else IRRELEVANT


def _settings_for(settings: ResourceView, stage: ResourceView) -> bool:
    """MethodSettings belong to a stage: built from its stage_name, or the same stage name of the same REST API."""
    if stage.urn in settings.property_dependencies.get("stageName", ()):
        return True
    name = settings.get("stageName")
    if not (isinstance(name, str) and name == stage.get("stageName")):
        return False
    apis = set(settings.property_dependencies.get("restApi", ()))
    if apis & set(stage.property_dependencies.get("restApi", ())):
        return True
    api = settings.get("restApi")
    return isinstance(api, str) and bool(api) and api == stage.get("restApi")


def _rest_stages(stack: StackView, config) -> Iterator:
    levels = config["executionLogLevels"]
    method_settings = stack.of_type(METHOD_SETTINGS)
    pending_links = any(unresolved(stack, s, "stageName", s.get("stageName"), (REST_STAGE,)) for s in method_settings)
    for stage in stack.of_type(REST_STAGE):
        verdicts = [_method_settings_verdict(s, levels) for s in method_settings if _settings_for(s, stage)]
        yield from _settle(stage, verdicts, pending_links,
                           "has no aws.apigateway.MethodSettings with method_path='*/*' and settings.logging_level "
                           f"in {list(levels)}")


def _websocket_stages(stack: StackView, config) -> Iterator:
    levels = config["executionLogLevels"]
    apis = stack.of_type(HTTP_API)
    for stage in stack.of_type(HTTP_STAGE):
        api_id = stage.get("apiId")
        api = next((a for a in apis if feeds(stage, "apiId", a, api_id, (a.get("id"),))), None)
        if api is None:
            # No API of this stack feeds apiId (one would have matched above), so an unknown id is unresolved.
            if is_unknown(api_id):
                yield Deferred(f"{describe(stage)}: apiId is unknown at preview", stage.urn)
            continue  # an API outside the stack: its protocol (and so whether it has execution logs) is unknown
        protocol = api.get("protocolType")
        if is_unknown(protocol):
            yield Deferred(f"{describe(stage)}: the API's protocolType is unknown at preview", stage.urn)
            continue
        if protocol != "WEBSOCKET":
            continue
        level = stage.get("defaultRouteSettings", "loggingLevel")
        if is_unknown(level):
            yield Deferred(f"{describe(stage)}: defaultRouteSettings.loggingLevel is unknown at preview", stage.urn)
        elif level not in levels:
            yield Violation(f"{describe(stage)}: defaultRouteSettings.loggingLevel is {level!r}, not one of "
                            f"{list(levels)}; set default_route_settings={{'logging_level': 'ERROR'}}.", stage.urn)


# --- CloudFront, Network Firewall, Redshift ----------------------------------------------------------

def _distributions(stack: StackView, config) -> Iterator:
    deliveries = stack.of_type(DELIVERY)
    sources = stack.of_type(DELIVERY_SOURCE)
    delivery_pending = any(unresolved(stack, d, "deliverySourceName", d.get("deliverySourceName"), (DELIVERY_SOURCE,))
                           for d in deliveries)

    def source_verdict(source: ResourceView) -> Verdict:
        kind = source.get("logType")
        if is_unknown(kind):
            return PENDING, f"{describe(source)} logType"
        if kind != "ACCESS_LOGS":
            return IRRELEVANT
        if any(feeds(d, "deliverySourceName", source, d.get("deliverySourceName"), (source.get("name"),))
               for d in deliveries):
            return COVERS
        if delivery_pending:
            return PENDING, f"the aws.cloudwatch.LogDelivery of {describe(source)}"
        return BAD, f"{describe(source)} has no aws.cloudwatch.LogDelivery, so its access logs go nowhere"

    standard = []
    for distribution in stack.of_type(DISTRIBUTION):
        logging = distribution.get("loggingConfig")
        if is_unknown(logging):
            yield Deferred(f"{describe(distribution)}: loggingConfig is unknown at preview", distribution.urn)
        elif not (isinstance(logging, Mapping) and present(logging.get("bucket"))):
            standard.append(distribution)
    yield from _judge_all(stack, standard, sources, "resourceArn", lambda d: (d.get("arn"),), source_verdict,
                          (DISTRIBUTION,), "has no access logs: set logging_config={'bucket': ...} or add an "
                          "aws.cloudwatch.LogDeliverySource(log_type='ACCESS_LOGS') with an aws.cloudwatch.LogDelivery")


def _firewalls(stack: StackView, config) -> Iterator:
    required = config["firewallLogTypes"]

    def verdict(logging: ResourceView) -> Verdict:
        destinations = as_list(logging.get("loggingConfiguration", "logDestinationConfigs"))
        kinds = [] if is_unknown(destinations) else [d.get("logType") if isinstance(d, Mapping) else d
                                                      for d in destinations]
        if is_unknown(destinations) or any(is_unknown(k) for k in kinds):
            return PENDING, f"{describe(logging)} logDestinationConfigs"
        missing = [t for t in required if t not in kinds]
        if missing:
            return BAD, f"{describe(logging)} does not log {missing}"
        return COVERS

    yield from _judge_all(stack, stack.of_type(FIREWALL), stack.of_type(FIREWALL_LOGGING), "firewallArn",
                          lambda f: (f.get("arn"),), verdict, (FIREWALL,),
                          f"has no aws.networkfirewall.LoggingConfiguration logging {list(required)}")


def _redshift(stack: StackView, config) -> Iterator:
    required = config["redshiftLogExports"]

    def verdict(logging: ResourceView) -> Verdict:
        destination = logging.get("logDestinationType")
        if is_unknown(destination):
            return PENDING, f"{describe(logging)} logDestinationType"
        if destination == "cloudwatch":
            exports = as_list(logging.get("logExports"))
            if is_unknown(exports) or any(is_unknown(e) for e in exports):
                return PENDING, f"{describe(logging)} logExports"
            missing = [t for t in required if t not in exports]
            return (BAD, f"{describe(logging)} does not export {missing}") if missing else COVERS
        if present(logging.get("bucketName")):
            return COVERS
        return BAD, f"{describe(logging)} names no bucketName for its S3 audit logs"

    yield from _judge_all(stack, stack.of_type(REDSHIFT), stack.of_type(REDSHIFT_LOGGING), "clusterIdentifier",
                          lambda c: (c.get("clusterIdentifier"), c.get("id")), verdict, (REDSHIFT,),
                          "has no aws.redshift.Logging: its audit logs are off")


# --- S3 server access logging ------------------------------------------------------------------------

def _inline_target(bucket: ResourceView) -> Any:
    """The deprecated inline logging's target bucket (`logging` on Bucket, `loggings[]` on BucketV2)."""
    if bucket.type == BUCKET:
        return bucket.get("logging", "targetBucket")
    targets = as_list(bucket.get("loggings"))
    if is_unknown(targets):
        return targets
    found = [t.get("targetBucket") for t in targets if isinstance(t, Mapping)]
    return next((t for t in found if present(t)), None)


def _buckets(stack: StackView, config) -> Iterator:
    buckets = stack.of_type(*BUCKETS)
    loggings = stack.of_type(*BUCKET_LOGGINGS)
    pending = any(unresolved(stack, logging, prop, logging.get(prop), BUCKETS)
                  for logging in loggings for prop in ("bucket", "targetBucket"))
    for bucket in buckets:
        identities = (bucket.get("bucket"), bucket.get("id"))
        if present(_inline_target(bucket)) or any(feeds(logging, "bucket", bucket, logging.get("bucket"), identities)
                                   and present(logging.get("targetBucket")) for logging in loggings):
            continue
        if _receives_access_logs(bucket, identities, buckets, loggings):
            continue  # the log sink: see the docstring
        if pending:
            yield Deferred(f"{describe(bucket)}: a BucketLogging's bucket or targetBucket is unknown at preview",
                           bucket.urn)
        else:
            yield Violation(f"{describe(bucket)} has no server access logging: add aws.s3.BucketLogging(bucket="
                            "bucket.id, target_bucket=access_logs.id, target_prefix=...) (a bucket that receives "
                            "another bucket's access logs is exempt).", bucket.urn)


def _receives_access_logs(sink: ResourceView, identities: tuple, buckets: list, loggings: list) -> bool:
    """Whether another bucket in the stack delivers its server access logs into `sink`."""
    # A bucket logging into itself was counted as logged before this is asked, so any logging into it is another's.
    if any(feeds(logging, "targetBucket", sink, logging.get("targetBucket"), identities) for logging in loggings):
        return True
    return any(other.urn != sink.urn and feeds(other, "logging", sink, _inline_target(other), identities)
               for other in buckets)


def check(stack: StackView, config):
    for judge in (_rest_stages, _websocket_stages, _distributions, _firewalls, _redshift, _buckets):
        yield from judge(stack, config)



# A config list of names from a fixed vocabulary: at least one, each once.
ENUM_LIST = {"type": "array", "minItems": 1, "uniqueItems": True}


RULE = Rule(
    name="service-logging-attached",
    description=("API Gateway stages log execution, and CloudFront distributions, Network Firewalls, Redshift "
                 "clusters and S3 buckets have their logging resource in the stack."),
    severity="medium",
    pci_dss=("10.2.1", "10.2.2"),
    soc2=("CC7.2",),
    remediation=("Add aws.apigateway.MethodSettings(method_path='*/*', settings={'logging_level': 'ERROR'}) per "
                 "REST stage (default_route_settings.logging_level on WebSocket stages), logging_config on "
                 "aws.cloudfront.Distribution, aws.networkfirewall.LoggingConfiguration per firewall, "
                 "aws.redshift.Logging per cluster and aws.s3.BucketLogging per bucket (into a dedicated "
                 "access-log bucket)."),
    check=check,
    resource_types=(REST_STAGE, HTTP_STAGE, DISTRIBUTION, FIREWALL, REDSHIFT) + BUCKETS,
    scope="stack",
    config_properties={
        "executionLogLevels": {**ENUM_LIST, "items": {"enum": ["ERROR", "INFO"]},
                               "description": "API Gateway execution log levels that count as logging."},
        "firewallLogTypes": {**ENUM_LIST, "items": {"enum": ["ALERT", "FLOW", "TLS"]},
                             "description": "Network Firewall log types every firewall must log."},
        "redshiftLogExports": {**ENUM_LIST, "items": {"enum": ["connectionlog", "userlog", "useractivitylog"]},
                               "description": "Redshift audit logs a CloudWatch-delivered cluster must export."},
    },
    default_config={
        "executionLogLevels": ["ERROR", "INFO"],
        "firewallLogTypes": ["ALERT", "FLOW"],
        "redshiftLogExports": ["connectionlog", "userlog", "useractivitylog"],
    },
    violation_example='aws.s3.Bucket("data", bucket="perimeter-data")  # and no aws.s3.BucketLogging for it',
)

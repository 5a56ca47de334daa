"""cloudtrail-s3-data-events: object-level access to the stack's sensitive buckets is recorded by CloudTrail.

Why: PCI DSS 10.2.1.1 wants every individual access to cardholder data
logged. CloudTrail's management events record bucket configuration, not who
read or wrote which object; only S3 data events do. So each sensitive bucket
in the stack must be covered by a data-event selector of a trail in the stack.

Sensitive, for this rule, means a bucket that holds the data the workload
handles:
- tagged `classificationTagKey` (default `data-classification`) with a value
  in `sensitiveClassifications` (default `confidential`, `restricted`);
- the S3 source of a Bedrock knowledge-base data source; or
- a destination of Bedrock model-invocation logs (prompts and answers).
Buckets a trail or an AWS Config delivery channel writes to are audit stores,
not data stores: logging their reads into the trail they hold would feed the
trail its own deliveries, and they are protected by
`audit-trail-bucket-protected` and `cloudtrail-integrity` instead. So are the
targets of S3 server access logging (`aws.s3.BucketLogging`): they hold the
access records of other buckets, and data events on them would log every
delivery of those records, a loop through the trail bucket's own log sink.

Covered means a trail in the stack whose selectors reach the bucket's
objects: a basic `event_selectors[].data_resources[]` of type
`AWS::S3::Object` with all buckets (`arn:aws:s3`) or the bucket's ARN, or an
`advanced_event_selectors[]` with `eventCategory` = `Data`, `resources.type`
= `AWS::S3::Object`, and either no `resources.ARN` selector or a
`starts_withs` prefix that contains the whole bucket (and no
`not_starts_withs` excluding it). Selectors built from the bucket's outputs
count as covering it. Values unknown at preview are deferred.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..model import UNKNOWN, Deferred, ResourceView, StackView, Violation, as_list, dig, is_unknown
from ..rule import Rule
from ._findings import describe
from ._iam_policy import all_of, any_of, negate
from ._links import references
from ._s3 import BUCKETS

TRAIL = "aws:cloudtrail/trail:Trail"
DELIVERY_CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
DATA_SOURCE = "aws:bedrock/agentDataSource:AgentDataSource"
INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
BUCKET_LOGGINGS = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
S3_OBJECT = "AWS::S3::Object"
SELECTOR_INPUTS = ("eventSelectors", "advancedEventSelectors")
INVOCATION_BUCKET_PATHS = (("s3Config", "bucketName"), ("cloudwatchConfig", "largeDataDeliveryS3Config", "bucketName"))
ALL_BUCKETS = re.compile(r"^arn:aws[a-z-]*:s3(:::)?$")


def _bucket_arn_matches(value: Any, name: str) -> bool:
    return isinstance(value, str) and re.fullmatch(r"arn:aws[a-z-]*:s3:::" + re.escape(name) + "/?", value) is not None


def _known_list(values: Any):
    values = as_list(values)
    return UNKNOWN if is_unknown(values) or any(is_unknown(v) for v in values) else values


def _basic_covers(selector: Any, name: Any):
    resources = _known_list(dig(selector, "dataResources"))
    if is_unknown(resources):
        return UNKNOWN
    verdicts = []
    for resource in resources:
        kind, values = dig(resource, "type"), _known_list(dig(resource, "values"))
        if is_unknown(kind) or is_unknown(values):
            verdicts.append(UNKNOWN)
        elif kind == S3_OBJECT:
            verdicts += [True if isinstance(v, str) and ALL_BUCKETS.match(v)
                         else (UNKNOWN if is_unknown(name) else _bucket_arn_matches(v, name)) for v in values]
    return any_of(*verdicts)


def _prefix_contains_bucket(prefix: str, name: Any):
    if is_unknown(name):
        return UNKNOWN
    partition = prefix.split(":")[1] if prefix.count(":") >= 1 else "aws"
    return f"arn:{partition}:s3:::{name}/".startswith(prefix)


def _advanced_covers(selector: Any, name: Any):
    fields = _known_list(dig(selector, "fieldSelectors"))
    if is_unknown(fields):
        return UNKNOWN
    by_field: dict[str, list[Mapping]] = {}
    for field in fields:
        if isinstance(field, Mapping) and isinstance(field.get("field"), str):
            by_field.setdefault(field["field"], []).append(field)
    if any(is_unknown(f.get(op)) for fs in by_field.values() for f in fs for op in f):
        return UNKNOWN

    def equals(field_name: str, wanted: str) -> bool:
        return any(wanted in as_list(f.get("equals")) for f in by_field.get(field_name, ()))

    arn_fields = by_field.get("resources.ARN", ())

    def prefixes(operator: str) -> list:
        return [p for f in arn_fields for p in as_list(f.get(operator)) if isinstance(p, str) or is_unknown(p)]

    def contain(operator: str) -> list:
        return [UNKNOWN if is_unknown(p) else _prefix_contains_bucket(p, name) for p in prefixes(operator)]

    # Exact-object `equals` ARNs cover single objects, never the whole bucket.
    narrowed = any(f.get("startsWiths") or f.get("equals") for f in arn_fields)
    included = any_of(*contain("startsWiths")) if narrowed else True
    excluded = any_of(*contain("notStartsWiths"))
    return all_of(equals("eventCategory", "Data"), equals("resources.type", S3_OBJECT), included, negate(excluded))


def _trail_covers(trail: ResourceView, bucket: ResourceView, name: Any):
    if any(bucket.urn in trail.property_dependencies.get(prop, ()) for prop in SELECTOR_INPUTS):
        return True
    verdicts = []
    for prop, covers in (("eventSelectors", _basic_covers), ("advancedEventSelectors", _advanced_covers)):
        selectors = _known_list(trail.get(prop))
        verdicts += [UNKNOWN] if is_unknown(selectors) else [covers(s, name) for s in selectors]
    return any_of(*verdicts)


def _nested_references(referrers, prop: str, paths) -> tuple[set, set]:
    """URNs feeding `prop` of `referrers`, and the bucket names or ARNs written at `paths` inside it."""
    urns, values = set(), set()
    for referrer in referrers:
        urns.update(referrer.property_dependencies.get(prop, ()))
        values.update(v for path in paths if isinstance(v := dig(referrer.props, prop, *path), str))
    return urns, values


def _named(bucket: ResourceView, references_: tuple[set, set]) -> bool:
    urns, values = references_
    name = bucket.get("bucket")
    return bucket.urn in urns or (isinstance(name, str) and any(v == name or _bucket_arn_matches(v, name) for v in values))


def _why_sensitive(bucket: ResourceView, config: Mapping, sources, invocation_logs):
    """A short reason the bucket is sensitive, None when it is not, UNKNOWN when preview can't tell."""
    if _named(bucket, sources):
        return "a knowledge-base source"
    if _named(bucket, invocation_logs):
        return "a model-invocation log destination"
    value = dig(bucket.get("tags"), config["classificationTagKey"])
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, str) and value.lower() in {v.lower() for v in config["sensitiveClassifications"]}:
        return f"tagged {config['classificationTagKey']}={value}"
    return None


def check(stack: StackView, config):
    audit_stores = references(stack, stack.of_type(TRAIL, DELIVERY_CHANNEL), "s3BucketName", BUCKETS)
    access_log_sinks = references(stack, stack.of_type(*BUCKET_LOGGINGS), "targetBucket", BUCKETS)
    sources = _nested_references(stack.of_type(DATA_SOURCE), "dataSourceConfiguration", (("s3Configuration", "bucketArn"),))
    invocation_logs = _nested_references(stack.of_type(INVOCATION_LOGGING), "loggingConfig", INVOCATION_BUCKET_PATHS)
    trails = stack.of_type(TRAIL)
    for bucket in stack.of_type(*BUCKETS):
        identities = (bucket.get("bucket"), bucket.get("id"))
        if audit_stores.cover(bucket, identities) or access_log_sinks.cover(bucket, identities):
            continue
        reason = _why_sensitive(bucket, config, sources, invocation_logs)
        if reason is None:
            continue
        name = bucket.get("bucket")
        covered = any_of(*(_trail_covers(trail, bucket, name) for trail in trails))
        if covered is True:
            continue
        if is_unknown(reason) or is_unknown(covered):
            yield Deferred(f"{describe(bucket)}: its classification or the trails' data-event selectors are unknown "
                           "at preview", bucket.urn)
        else:
            yield Violation(f"{describe(bucket)} is sensitive ({reason}) but no trail in the stack records S3 data "
                            "events for its objects.", bucket.urn)


RULE = Rule(
    name="cloudtrail-s3-data-events",
    description="A CloudTrail trail in the stack records S3 data events for every sensitive bucket.",
    severity="high",
    pci_dss=("10.2.1", "10.2.1.1"),
    soc2=("CC7.2",),
    remediation=("Add to the trail's advanced_event_selectors a selector with field_selectors eventCategory equals "
                 "['Data'], resources.type equals ['AWS::S3::Object'] and resources.ARN starts_withs "
                 "[f'{bucket_arn}/'] for each sensitive bucket."),
    check=check,
    resource_types=BUCKETS,
    scope="stack",
    config_properties={
        "classificationTagKey": {"type": "string", "minLength": 1,
                                 "description": "Tag that carries a bucket's data classification."},
        "sensitiveClassifications": {"type": "array", "items": {"type": "string", "minLength": 1},
                                     "description": "Classification tag values that make a bucket sensitive."},
    },
    default_config={"classificationTagKey": "data-classification", "sensitiveClassifications": ["confidential", "restricted"]},
    violation_example=('aws.s3.Bucket("cards", tags={"data-classification": "restricted"})  # and the trail has no '
                       'data-event selector for it'),
)

"""bedrock-invocation-logging-metadata-only: model-invocation logs hold metadata, not prompts and answers.

Why: with content delivery on, Bedrock writes the full text (and images,
embeddings, video) of every request and response to the log destinations.
The log then holds whatever the application sent: one customer who types a
card number turns the bucket and the log group into cardholder-data stores,
pulling them into PCI DSS scope (3.2.1 keep account data to a minimum, 3.5.1
render it unreadable wherever stored). The guardrail does not help: it acts
on the call, the log records what was sent. This is the guide's "logging
trap". pulumi-aws defaults all four `*_data_delivery_enabled` flags to true,
so each must be set to false explicitly.

Content logging is sometimes deliberate, for example in a sandbox that holds
no customer data, or a destination the organisation already treats as part
of its cardholder-data environment. That is a scope decision, not an
exception: the security team declares such destinations (bucket and log group
names) in `cdeScopedDestinations` in the environment's policy config, and a
configuration that sends content only there passes. A waiver is not the way.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
# (wire name, Python argument): each defaults to true in pulumi-aws.
CONTENT_FLAGS = (
    ("textDataDeliveryEnabled", "text_data_delivery_enabled"),
    ("imageDataDeliveryEnabled", "image_data_delivery_enabled"),
    ("embeddingDataDeliveryEnabled", "embedding_data_delivery_enabled"),
    ("videoDataDeliveryEnabled", "video_data_delivery_enabled"),
)
# Where the content lands: every destination must be in scope for content to be allowed.
DESTINATIONS = (
    ("s3Config", "bucketName"),
    ("cloudwatchConfig", "logGroupName"),
    ("cloudwatchConfig", "largeDataDeliveryS3Config", "bucketName"),
)


def check(logging: ResourceView, config):
    delivered, unknowns = [], []
    for wire_name, argument in CONTENT_FLAGS:
        value = logging.get("loggingConfig", wire_name)
        if is_unknown(value):
            unknowns.append(f"loggingConfig.{wire_name}")
        elif value is not False:
            shown = "not set (default true)" if value is None else repr(value)
            delivered.append(f"{wire_name} is {shown}")
    if not delivered:
        yield from settle([], unknowns, subject=describe(logging))
        return
    in_scope = set(config["cdeScopedDestinations"])
    outside, destination_unknowns = [], []
    for path in DESTINATIONS:
        destination = logging.get("loggingConfig", *path)
        if is_unknown(destination):
            destination_unknowns.append("loggingConfig." + ".".join(path))
        elif destination is not None and not (isinstance(destination, str) and destination in in_scope):
            outside.append(destination)
    if outside:
        problem = (f"{', '.join(delivered)}, so prompts and answers (and any card number in them) are written to "
                   f"{', '.join(repr(d) for d in outside)}, which policy config does not declare in CDE scope; "
                   "set every *_data_delivery_enabled to False (metadata only)")
        yield from settle([problem], [], subject=describe(logging))
    else:
        yield from settle([], unknowns + destination_unknowns, subject=describe(logging))


RULE = Rule(
    name="bedrock-invocation-logging-metadata-only",
    description="Bedrock model-invocation logging delivers metadata only, unless every destination is declared in CDE scope.",
    severity="critical",
    pci_dss=("3.2.1", "3.5.1", "10.2.2"),
    soc2=("C1.1", "CC6.1"),
    remediation="Set text_data_delivery_enabled, image_data_delivery_enabled, embedding_data_delivery_enabled and "
                "video_data_delivery_enabled to False in logging_config; log redacted content from the application "
                "instead, or have the security team list the destinations in cdeScopedDestinations.",
    check=check,
    resource_types=(INVOCATION_LOGGING,),
    # Scope is declared in cdeScopedDestinations; a waiver would hide that decision.
    waivable=False,
    config_properties={
        "cdeScopedDestinations": {
            "type": "array", "uniqueItems": True, "items": {"type": "string", "minLength": 1},
            "description": "Bucket and log group names this environment treats as cardholder-data stores; "
                           "content logging may go only there.",
        },
    },
    default_config={"cdeScopedDestinations": []},
    violation_example='aws.bedrockmodel.InvocationLoggingConfiguration("logs", logging_config={"text_data_delivery_enabled": True, ...})',
)

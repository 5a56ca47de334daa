"""bedrock-data-buckets-in-stack: the S3 buckets Bedrock reads and writes are declared where their region is asserted.

Why: knowledge-base data sources, model customization jobs (custom models)
and batch inference jobs move data that may be cardholder or personal data
through S3. A reference to a bucket is only a name or an ARN: S3 ARNs carry
no region, so nothing in the referencing resource says where that data lives.
Residency (PCI DSS 12.5.2, SOC 2 C1.1) is asserted, not assumed: a bucket
declared in this stack has its region checked by approved-regions, so every
bucket a Bedrock resource points at must be in this stack (matched by the
engine's property dependency, or by name once values are known) or be named
in `externalBuckets` by the security team, which then vouches for its region.
A reference that is unknown at preview and does not come from a bucket here
is deferred to `pulumi up`, when its name is known.
"""

from __future__ import annotations

from typing import Any, Optional

from ..model import Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._paths import EACH, expand
from ._s3 import BUCKETS

# Type -> the paths of its S3 references (URIs or bucket ARNs).
S3_REFERENCES = {
    "aws:bedrock/agentDataSource:AgentDataSource": (
        ("dataSourceConfiguration", "s3Configuration", "bucketArn"),
        ("vectorIngestionConfiguration", "customTransformationConfiguration", "intermediateStorage", "s3Location",
         "uri"),
    ),
    "aws:bedrock/customModel:CustomModel": (
        ("trainingDataConfig", "s3Uri"), ("validationDataConfig", "validators", EACH, "s3Uri"),
        ("outputDataConfig", "s3Uri"),
    ),
    "aws:bedrockmodel/invocationJob:InvocationJob": (
        ("inputDataConfig", "s3InputDataConfig", "s3Uri"), ("outputDataConfig", "s3OutputDataConfig", "s3Uri"),
    ),
}


def bucket_name(reference: Any) -> Optional[str]:
    """`docs` from `s3://docs/prefix/` or `arn:aws:s3:::docs` (any partition); None when it is neither."""
    if not isinstance(reference, str):
        return None
    text = reference.strip()
    if text.startswith("s3://"):
        return text[len("s3://"):].split("/", 1)[0] or None
    if text.startswith("arn:") and text.count(":") >= 5 and text.split(":")[2] == "s3":
        return text.split(":", 5)[5].split("/", 1)[0] or None
    return None


def check(stack: StackView, config):
    external = set(config["externalBuckets"])
    buckets = stack.of_type(*BUCKETS)
    names = {b.get("bucket") for b in buckets if isinstance(b.get("bucket"), str)}
    bucket_urns = {b.urn for b in buckets}
    for resource in stack.of_type(*S3_REFERENCES):
        for path in S3_REFERENCES[resource.type]:
            from_stack = bool(bucket_urns & set(resource.property_dependencies.get(path[0], ())))
            for spelled, reference in expand(resource.props, path):
                if reference is None or from_stack:
                    continue
                if is_unknown(reference):
                    yield Deferred(f"{describe(resource)}: {spelled} is unknown at preview and not built from a "
                                   "bucket in this stack", resource.urn)
                    continue
                name = bucket_name(reference)
                if name is None:
                    yield Violation(f"{describe(resource)}: {spelled} is {reference!r}, not an s3:// URI or S3 bucket "
                                    "ARN, so where the data lives cannot be read.", resource.urn)
                elif name not in names and name not in external:
                    yield Violation(f"{describe(resource)}: {spelled} points at bucket {name!r}, which is not in this "
                                    "stack, so its region is not asserted anywhere; declare the bucket here or list "
                                    "it in externalBuckets.", resource.urn)


RULE = Rule(
    name="bedrock-data-buckets-in-stack",
    description=("S3 buckets used by Bedrock data sources, model customization and batch inference are in the stack "
                 "(so their region is checked) or declared external by the security team."),
    severity="high",
    pci_dss=("12.5.2", "1.3.2"),
    soc2=("C1.1", "CC6.7"),
    remediation=("Create the bucket in this stack and pass its arn / s3:// URI (bucket_arn=bucket.arn, "
                 "s3_uri=pulumi.Output.concat('s3://', bucket.bucket, '/')), or have the security team add its name to "
                 "externalBuckets in this policy's config after confirming its region."),
    check=check,
    resource_types=tuple(S3_REFERENCES),
    scope="stack",
    config_properties={
        "externalBuckets": {
            "type": "array", "uniqueItems": True, "items": {"type": "string", "minLength": 3, "maxLength": 63},
            "description": "Names of buckets outside this stack whose region the security team has confirmed.",
        },
    },
    default_config={"externalBuckets": []},
    violation_example=('aws.bedrock.CustomModel("tuned", training_data_config={"s3_uri": "s3://shared-data/train/"}, '
                       '...)  # shared-data is not declared in this stack'),
)

"""Without `--outputs`: find the stack's resources by their `environment=<stack>` tag.

The result has the outputs contract's shape, minus what only the program
knows (which key should encrypt what, which guardrail version is pinned), so
those checks fall back to "some customer-managed key" and "the newest version".
"""

from __future__ import annotations

import re
from typing import Any

from .aws import Reader

STACK_TAG = "environment"
# ARN shape -> (outputs key, how the entry is stored). The resource part is group 1.
_ARN_KINDS = (
    (re.compile(r"^arn:aws[a-z-]*:kms:[^:]+:\d+:key/(.+)$"), "kmsKeyArns"),
    (re.compile(r"^arn:aws[a-z-]*:s3:::([^/]+)$"), "buckets"),
    (re.compile(r"^arn:aws[a-z-]*:logs:[^:]+:\d+:log-group:(.+?)(:\*)?$"), "logGroups"),
    (re.compile(r"^arn:aws[a-z-]*:cloudtrail:[^:]+:\d+:trail/(.+)$"), "trail"),
    (re.compile(r"^arn:aws[a-z-]*:bedrock:[^:]+:\d+:guardrail/(.+)$"), "guardrail"),
    (re.compile(r"^arn:aws[a-z-]*:ec2:[^:]+:\d+:vpc-endpoint/(.+)$"), "vpcEndpointIds"),
    (re.compile(r"^arn:aws[a-z-]*:aoss:[^:]+:\d+:collection/(.+)$"), "opensearchCollections"),
)


def discover(reader: Reader, stack: str, region: str) -> dict[str, Any]:
    tagged = reader.call("resourcegroupstaggingapi", "GetResources", paginate=True,
                         TagFilters=[{"Key": STACK_TAG, "Values": [stack]}])["ResourceTagMappingList"]
    outputs: dict[str, Any] = {"region": region}
    collection_ids = []
    for arn in sorted(m["ResourceARN"] for m in tagged):
        for pattern, key in _ARN_KINDS:
            match = pattern.match(arn)
            if not match:
                continue
            name = match.group(1)
            if key == "kmsKeyArns":
                outputs.setdefault(key, {})[name] = arn
            elif key in ("buckets", "logGroups"):
                outputs.setdefault(key, {})[name] = {"name": name}
            elif key == "trail":
                outputs[key] = {"name": arn}
            elif key == "guardrail":
                outputs[key] = {"id": name}
            elif key == "vpcEndpointIds":
                outputs.setdefault(key, []).append(name)
            else:
                collection_ids.append(name)
            break
    if collection_ids:  # tags carry collection ids; checks and policies speak names
        details = reader.call("opensearchserverless", "BatchGetCollection", ids=collection_ids)["collectionDetails"]
        outputs["opensearchCollections"] = {d["name"]: {"name": d["name"]} for d in details}
    return outputs

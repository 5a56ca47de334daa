"""What AWS would answer: invoke results and the outputs of created resources.

Only the update phase uses `created_outputs`: during preview every output that
is not an input stays unknown, exactly as on a first `pulumi preview`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
from typing import Any, Mapping

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
DNS_SUFFIX = "amazonaws.com"


def _suffix(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:7]


def _service(type_token: str) -> str:
    module = type_token.split(":")[1].split("/")[0]
    return {"cloudwatch": "logs", "bedrockmodel": "bedrock", "opensearch": "aoss", "vpc": "ec2"}.get(module, module)


def _wire_names(cls: Any) -> set[str]:
    return {getattr(member.fget, "_pulumi_name", attribute) for attribute, member in vars(cls).items()
            if isinstance(member, property)}


@functools.cache
def _declared(type_token: str) -> tuple[frozenset[str], frozenset[str]]:
    """(outputs, inputs) a pulumi-aws resource class declares, by wire name; empty for a type it does not have."""
    module_path, _, class_name = type_token.partition(":")[2].partition(":")
    module = module_path.split("/")[0]
    for candidate in (f"pulumi_aws.{module}", f"pulumi_aws.{module}_", "pulumi_aws"):
        try:
            package = importlib.import_module(candidate)
        except ImportError:
            continue
        resource_class = getattr(package, class_name, None)
        if resource_class is not None:
            return (frozenset(_wire_names(resource_class)),
                    frozenset(_wire_names(getattr(package, f"{class_name}Args", object))))
    return frozenset(), frozenset()


def computed_output_names(type_token: str) -> tuple[str, ...]:
    """Outputs a pulumi-aws resource declares that are not inputs: what only the provider can fill in."""
    outputs, inputs = _declared(type_token)
    return tuple(sorted(outputs - inputs))


def created_outputs(type_token: str, name: str, inputs: Mapping[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    """(id, state) for a resource `pulumi up` just created: inputs plus computed outputs.

    Every ARN- and id-valued output the SDK class declares gets a value, so
    inputs built from them (`index.index_arn`) reach the policies as they would.
    """
    physical = f"{name}-{_suffix(type_token + name)}"
    service = _service(type_token)
    kind = type_token.rsplit(":", 1)[-1].lower()
    arn = f"arn:{PARTITION}:{service}:{region}:{ACCOUNT_ID}:{kind}/{physical}"
    state: dict[str, Any] = {"arn": arn, "region": inputs.get("region", region), "tagsAll": inputs.get("tags", {})}
    for output in computed_output_names(type_token):
        if output.endswith("Arn"):
            state[output] = f"{arn}/{output[:-3].lower()}" if output[:-3].lower() != kind else arn
        elif output.endswith("Id") and output != "ownerId":
            state[output] = f"{output[:-2].lower()}-{_suffix(physical + output)}"
        elif output == "ownerId":
            state[output] = ACCOUNT_ID
    if "name" in _declared(type_token)[0]:
        # The provider names what the program left unnamed (autonaming), so the created resource has a name.
        state["name"] = physical
    resource_id = physical
    special = _SPECIFIC.get(type_token)
    if special:
        resource_id, extra = special(physical, region, inputs)
        state.update(extra)
    state.update(inputs)
    return resource_id, state


def _bucket(physical, region, inputs):
    bucket = inputs.get("bucket") or physical
    return bucket, {"bucket": bucket, "arn": f"arn:{PARTITION}:s3:::{bucket}", "bucketRegion": region,
                    "bucketDomainName": f"{bucket}.s3.{DNS_SUFFIX}"}


def _kms_key(physical, region, inputs):
    key_id = f"{_suffix(physical)}-0000-4000-8000-{hashlib.sha256(physical.encode()).hexdigest()[:12]}"
    return key_id, {"keyId": key_id, "arn": f"arn:{PARTITION}:kms:{region}:{ACCOUNT_ID}:key/{key_id}"}


def _log_group(physical, region, inputs):
    name = inputs.get("name") or physical
    return name, {"name": name, "arn": f"arn:{PARTITION}:logs:{region}:{ACCOUNT_ID}:log-group:{name}"}


def _guardrail(physical, region, inputs):
    guardrail_id = _suffix(physical) + "abcde"
    arn = f"arn:{PARTITION}:bedrock:{region}:{ACCOUNT_ID}:guardrail/{guardrail_id}"
    # A guardrail's own `version` is always the working draft.
    return f"{guardrail_id},DRAFT", {"guardrailId": guardrail_id, "guardrailArn": arn, "version": "DRAFT", "status": "READY"}


def _guardrail_version(physical, region, inputs):
    return f"{inputs.get('guardrailArn', physical)},1", {"version": "1"}


def _iam_role(physical, region, inputs):
    name = inputs.get("name") or physical
    return name, {"name": name, "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:role/{name}", "uniqueId": "AROA" + _suffix(name).upper()}


def _vpc(physical, region, inputs):
    return "vpc-" + _suffix(physical), {"defaultSecurityGroupId": "sg-" + _suffix(physical + "default"),
                                        "mainRouteTableId": "rtb-" + _suffix(physical + "main")}


def _knowledge_base(physical, region, inputs):
    kb_id = _suffix(physical).upper() + "KB"
    return kb_id, {"knowledgeBaseId": kb_id, "knowledgeBaseArn": f"arn:{PARTITION}:bedrock:{region}:{ACCOUNT_ID}:knowledge-base/{kb_id}"}


def _sqs_queue(physical, region, inputs):
    name = inputs.get("name") or physical
    url = f"https://sqs.{region}.{DNS_SUFFIX}/{ACCOUNT_ID}/{name}"
    return url, {"name": name, "url": url, "arn": f"arn:{PARTITION}:sqs:{region}:{ACCOUNT_ID}:{name}"}


def _sns_topic(physical, region, inputs):
    name = inputs.get("name") or physical
    arn = f"arn:{PARTITION}:sns:{region}:{ACCOUNT_ID}:{name}"
    return arn, {"name": name, "arn": arn}


def _lambda_function(physical, region, inputs):
    name = inputs.get("name") or physical
    arn = f"arn:{PARTITION}:lambda:{region}:{ACCOUNT_ID}:function:{name}"
    return name, {"name": name, "arn": arn, "qualifiedArn": f"{arn}:$LATEST", "version": "$LATEST",
                  "invokeArn": f"arn:{PARTITION}:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"}


def _ec2_id(prefix):
    """EC2 ids look like `vpce-0a1b2c3d4e5f60718`."""
    def synthesize(physical, region, inputs):
        return f"{prefix}-{hashlib.sha256(physical.encode()).hexdigest()[:17]}", {}
    return synthesize


_SPECIFIC = {
    "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2_id("vpce"),
    "aws:ec2/subnet:Subnet": _ec2_id("subnet"),
    "aws:ec2/securityGroup:SecurityGroup": _ec2_id("sg"),
    "aws:ec2/routeTable:RouteTable": _ec2_id("rtb"),
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:kms/key:Key": _kms_key,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:bedrock/guardrail:Guardrail": _guardrail,
    "aws:bedrock/guardrailVersion:GuardrailVersion": _guardrail_version,
    "aws:iam/role:Role": _iam_role,
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase": _knowledge_base,
    "aws:sqs/queue:Queue": _sqs_queue,
    "aws:sns/topic:Topic": _sns_topic,
    "aws:lambda/function:Function": _lambda_function,
}


def _policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    """aws.iam.get_policy_document, rendered the way the provider renders it."""
    statements = []
    for s in args.get("statements") or []:
        statement: dict[str, Any] = {}
        if s.get("sid"):
            statement["Sid"] = s["sid"]
        statement["Effect"] = s.get("effect", "Allow")
        for key, field in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")):
            if s.get(key):
                values = s[key]
                statement[field] = values[0] if len(values) == 1 else values
        for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if s.get(key):
                principal: dict[str, Any] = {}
                for p in s[key]:
                    ids = p.get("identifiers") or []
                    principal[p["type"]] = ids[0] if len(ids) == 1 else ids
                statement[field] = "*" if principal == {"*": "*"} else principal
        if s.get("conditions"):
            condition: dict[str, Any] = {}
            for c in s["conditions"]:
                values = c.get("values") or []
                condition.setdefault(c["test"], {})[c["variable"]] = values[0] if len(values) == 1 else values
            statement["Condition"] = condition
        statements.append(statement)
    document = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    text = json.dumps(document, indent=2)
    return {"json": text, "minifiedJson": json.dumps(document, separators=(",", ":")), "id": _suffix(text)}


def invoke(token: str, args: Mapping[str, Any], region: str) -> dict[str, Any]:
    """Plausible answers for the invokes programs commonly make; {} otherwise."""
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT_ID, "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:user/perimeter-preview",
                "userId": "AIDAPERIMETERPREVIEW", "id": ACCOUNT_ID}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.{DNS_SUFFIX}",
                "description": region}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": PARTITION, "dnsSuffix": DNS_SUFFIX, "reverseDnsPrefix": "com.amazonaws", "id": PARTITION}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        letters = "abc"
        return {"names": [f"{region}{l}" for l in letters], "zoneIds": [f"{region[:3]}{region[-1]}-az{i + 1}" for i in range(3)],
                "id": region, "groupNames": [region]}
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        return _policy_document(args)
    return {}

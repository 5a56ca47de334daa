"""What the pack holds, for people and tools: its version, its rules, what each rule reads, and overlaps.

Public on purpose: `perimeter policies`, `perimeter new-policy`, the docs generator and the pack's
tests read the pack through this module.

What a rule reads is observed, not declared: the test kit (`testing.py`) records every top-level
property a rule looks up on each resource type while the rule's own tests run, and `make regen`
writes the union to `reads.json`. Two rules reading the same property of the same type judge the
same setting twice (two findings, two waivers for one problem) unless `SHARED_READS` says why both
need it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

import yaml

from .pack import load_rules
from .rule import Rule

PACK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = "PulumiPolicy.yaml"
READS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reads.json")

# Properties more than one rule reads on purpose: (type, property) -> (the rules, why each needs it).
# A rule that only reads a property to decide whether it applies still reads it; say so here.
# `ANY_RULE` marks an identity (a name or id stack rules join resources by), which no rule judges.
ANY_RULE = None
SHARED_READS: dict[tuple[str, str], tuple[Optional[frozenset[str]], str]] = {}


def shared(types: Iterable[str], prop: str, rules: Optional[Iterable[str]], reason: str) -> None:
    for type_ in types:
        SHARED_READS[(type_, prop)] = (None if rules is ANY_RULE else frozenset(rules), reason)


def covered(type_: str, prop: str, rules: Iterable[str]) -> bool:
    """Whether SHARED_READS explains why all of `rules` read `type_.prop`."""
    declared = SHARED_READS.get((type_, prop))
    return declared is not None and (declared[0] is ANY_RULE or set(rules) <= declared[0])


def pack_version(pack_dir: str = PACK_DIR) -> str:
    """The version in the pack's PulumiPolicy.yaml: the only place it is written."""
    with open(os.path.join(pack_dir, MANIFEST), encoding="utf-8") as handle:
        manifest = yaml.safe_load(handle) or {}
    version = manifest.get("version")
    if not version:
        raise ValueError(f"{os.path.join(pack_dir, MANIFEST)} has no version")
    return str(version)


def recorded_reads(path: str = READS_FILE) -> dict[str, dict[str, list[str]]]:
    """reads.json: rule -> resource type -> the top-level properties its tests saw it read."""
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@dataclass(frozen=True)
class Overlap:
    type: str
    property: str
    rules: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.type}.{self.property} is judged by {', '.join(self.rules)}"


def readers(reads: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[tuple[str, str], list[str]]:
    """(type, property) -> the rules that read it."""
    found: dict[tuple[str, str], list[str]] = {}
    for rule, types in sorted(reads.items()):
        for type_, props in types.items():
            for prop in props:
                found.setdefault((type_, prop), []).append(rule)
    return found


def undeclared_overlaps(reads: Mapping[str, Mapping[str, Iterable[str]]]) -> list[Overlap]:
    """Properties two or more rules read without a SHARED_READS entry naming all of them."""
    overlaps = []
    for (type_, prop), rules in sorted(readers(reads).items()):
        if len(rules) < 2:
            continue
        if not covered(type_, prop, rules):
            overlaps.append(Overlap(type_, prop, tuple(rules)))
    return overlaps


def judged_by(type_: str, reads: Optional[Mapping[str, Mapping[str, Iterable[str]]]] = None) -> dict[str, list[str]]:
    """property -> the rules that already read it on `type_`."""
    reads = recorded_reads() if reads is None else reads
    return {prop: rules for (t, prop), rules in sorted(readers(reads).items()) if t == type_}


def rules_for_type(type_: str, rules: Optional[list[Rule]] = None) -> list[Rule]:
    """The rules that evaluate resources of `type_` (named, or by a type prefix such as "aws:")."""
    return [r for r in (rules if rules is not None else load_rules()) if r.applies_to(type_)]


_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
_SSE = ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
_ENCRYPTION = ("cmk-encryption-at-rest", "s3-bucket-encryption-configured")

# Identity, not judgement: stack rules join resources by these names and ids.
shared(_BUCKETS, "bucket", ANY_RULE, "the bucket's name links it to its configuration resources")
shared(_BUCKETS, "id", ANY_RULE, "the bucket's id links it to its configuration resources")
shared(("aws:s3/bucketPolicy:BucketPolicy",), "bucket", ANY_RULE, "names the bucket the policy belongs to")
shared(("aws:ec2/vpc:Vpc",), "id", ANY_RULE, "the VPC's id links it to its flow logs and default security group")
shared(("aws:cloudtrail/trail:Trail",), "s3BucketName", ANY_RULE,
       "names the trail's bucket, which the stack rules follow to judge that bucket")
# Presence and key quality of S3 default encryption are two findings with two fixes.
shared(_SSE, "rules", _ENCRYPTION,
       "s3-bucket-encryption-configured judges that a bucket has default encryption at all; "
       "cmk-encryption-at-rest judges the algorithm and key inside the rule")
shared(("aws:s3/bucket:Bucket",), "serverSideEncryptionConfiguration", _ENCRYPTION,
       "inline (deprecated) SSE: s3-bucket-encryption-configured counts it as present, "
       "cmk-encryption-at-rest judges its key when it is written")
shared(("aws:s3/bucketV2:BucketV2",), "serverSideEncryptionConfigurations", _ENCRYPTION,
       "inline (deprecated) SSE on BucketV2: presence for one rule, the key for the other")
shared(("aws:kms/key:Key",), "enableKeyRotation", ("kms-key-rotation-enabled", "s3-bucket-encryption-configured"),
       "s3-bucket-encryption-configured follows a bucket's key to require it rotated (the bucket's finding); "
       "kms-key-rotation-enabled judges every key on its own (the key's finding)")
shared(("aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",), "type",
       ("cmk-encryption-at-rest", "opensearch-serverless-not-public"),
       "the type says which document it is: encryption (judged for its key) or network (judged for public access)")
shared(("aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",), "policy",
       ("cmk-encryption-at-rest", "opensearch-serverless-not-public"),
       "each rule judges a different policy type's document (encryption vs network), never the same one")
shared(("aws:bedrock/guardrail:Guardrail",), "kmsKeyArn",
       ("bedrock-guardrail-blocks-card-numbers", "cmk-encryption-at-rest"),
       "bedrock-guardrail-blocks-card-numbers cannot be waived: the guardrail holding the card-data configuration "
       "stays under our key even where cmk-encryption-at-rest is waived; both findings appear on one mistake")
shared(("aws:cloudwatch/logGroup:LogGroup",), "kmsKeyId", ("cmk-encryption-at-rest", "log-retention-bounded"),
       "log-retention-bounded judges only the model-invocation log group, whose prompts need our key in the same "
       "finding as its retention; both findings appear on one mistake there")
shared(("aws:bedrock/agentFlow:AgentFlow",), "definition", ("approved-regions", "bedrock-guardrail-version-pinned"),
       "a flow's definition carries both model ids (judged for region) and guardrail versions (judged for pinning)")
shared(("aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy"), "policy", ("iam-passrole-scoped", "iam-policy-least-privilege"),
       "one policy document, different statements: least privilege judges wildcard actions and resources, "
       "passrole-scoped judges iam:PassRole grants")
shared(("aws:iam/role:Role",), "inlinePolicies", ("iam-no-inline-policies", "iam-passrole-scoped",
                                                  "iam-policy-least-privilege"),
       "a role's inline policies are documents like any other: wildcards for one rule, iam:PassRole for the other; "
       "iam-no-inline-policies judges only that they exist (a finding of its own, with its own fix)")
shared(("aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",), "loggingConfig",
       ("backup-plan-covers-data-stores", "bedrock-invocation-logging-metadata-only", "cloudtrail-s3-data-events",
        "log-retention-bounded"),
       "metadata-only judges which data is delivered; log-retention-bounded and cloudtrail-s3-data-events follow "
       "the destinations to judge their retention and their data-event coverage; backup-plan-covers-data-stores "
       "follows them to leave the disposed-of prompt logs out of backups")
shared(("aws:cloudtrail/trail:Trail",), "cloudWatchLogsGroupArn", ("cloudtrail-cloudwatch-logs", "log-retention-bounded"),
       "cloudtrail-cloudwatch-logs judges that the trail delivers to a log group; log-retention-bounded follows it "
       "to judge that group's retention")
shared(("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketPolicy:BucketPolicy",
        "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy", "aws:sqs/queue:Queue",
        "aws:sqs/queuePolicy:QueuePolicy"), "policy",
       ("audit-trail-bucket-protected", "resource-policy-not-public", "transport-policy-denies-insecure",
        "s3-bucket-admin-actions-not-shared", "s3-bucket-policy-within-control-policy"),
       "one resource policy, different statements: public principals (resource-policy-not-public), a deny of "
       "insecure transport (transport-policy-denies-insecure), delivery-only access to the audit trail's bucket "
       "(audit-trail-bucket-protected), administrative actions granted to other accounts "
       "(s3-bucket-admin-actions-not-shared), grants beyond the organisation's control policy "
       "(s3-bucket-policy-within-control-policy; bucket policies only)")
shared(("aws:bedrock/guardrail:Guardrail",), "sensitiveInformationPolicyConfig",
       ("bedrock-guardrail-baseline", "bedrock-guardrail-blocks-card-numbers"),
       "bedrock-guardrail-blocks-card-numbers (critical, not waivable) judges the card-number entity alone; "
       "bedrock-guardrail-baseline judges every other configured PII type and leaves card numbers out")
shared(("aws:lambda/function:Function",), "environment", ("lambda-in-vpc", "no-plaintext-secrets"),
       "lambda-in-vpc follows the environment to the data stores a function reaches; no-plaintext-secrets judges "
       "the values themselves")
shared(("aws:bedrock/agentDataSource:AgentDataSource",), "dataSourceConfiguration",
       ("bedrock-data-buckets-in-stack", "cloudtrail-s3-data-events"),
       "both follow a knowledge-base source to its S3 bucket: one requires the bucket in this stack, the other "
       "requires a trail recording its data events; neither judges the configuration itself")
shared(("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"), "loadBalancerType",
       ("access-logging-enabled", "alb-request-handling-strict", "waf-protects-public-endpoints"),
       "a scope read, not a judgment: each rule reads the type to know whether it applies (application load "
       "balancers) and judges a different setting (access logs, header handling, a web ACL)")
shared(("aws:cloudfront/distribution:Distribution",), "origins", ("cloudfront-s3-origin-private", "cloudfront-viewer-tls"),
       "one list, different fields: cloudfront-s3-origin-private judges how S3 origins are reached (origin access "
       "control), cloudfront-viewer-tls judges the protocol and TLS version to custom origins")
shared(("aws:msk/cluster:Cluster",), "encryptionInfo", ("cmk-encryption-at-rest", "service-encryption-enabled"),
       "one block, different fields: cmk-encryption-at-rest judges the at-rest key (encryptionAtRestKmsKeyArn), "
       "service-encryption-enabled judges TLS in transit (encryptionInTransit)")
shared(("aws:elb/loadBalancer:LoadBalancer",), "listeners", ("lb-certificate-from-acm", "lb-listener-tls"),
       "one list, different fields: lb-listener-tls judges each listener's protocol (lbProtocol), "
       "lb-certificate-from-acm its certificate's issuer (sslCertificateId)")
shared(("aws:apigateway/restApi:RestApi",), "endpointConfiguration",
       ("api-gateway-endpoint-type-approved", "api-gateway-stage-client-auth"),
       "api-gateway-endpoint-type-approved judges the REST API's endpoint type against the allow-list; "
       "api-gateway-stage-client-auth only follows a stage to its API to excuse a PRIVATE one from client certificates")
shared(("aws:apigateway/methodSettings:MethodSettings",), "settings",
       ("service-encryption-enabled", "service-logging-attached"),
       "one block, different fields: service-logging-attached judges the execution logging level (loggingLevel), "
       "service-encryption-enabled judges that a cache is encrypted (cachingEnabled, cacheDataEncrypted)")
shared(("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"), "targetBucket",
       ("cloudtrail-s3-data-events", "service-logging-attached"),
       "service-logging-attached judges that a bucket's access logs go somewhere; cloudtrail-s3-data-events only "
       "follows the target to know that bucket is a log sink (an audit store, not a data store)")
shared(("aws:apigateway/stage:Stage",), "restApi", ANY_RULE, "the stage's API links it to its method settings and "
       "endpoint type")
shared(("aws:backup/plan:Plan",), "rules", ("backup-plan-covers-data-stores", "backup-plan-retention-sufficient"),
       "backup-plan-retention-sufficient judges each rule's schedule and retention; backup-plan-covers-data-stores "
       "only follows a rule's targetVaultName to know the plan's vault is in the stack")
shared(("aws:backup/vault:Vault",), "name", ANY_RULE, "the vault's name links it to its lock, policy and plans")
shared(("aws:sns/topic:Topic",), "arn", ANY_RULE, "the topic's ARN links it to its policy and subscriptions")
shared(("aws:sns/topic:Topic",), "id", ANY_RULE, "the topic's id links it to its policy and subscriptions")
shared(("aws:elasticbeanstalk/environment:Environment",), "settings",
       ("managed-updates-enabled", "service-logging-enabled"),
       "one list, different namespaces: managed-updates-enabled judges aws:elasticbeanstalk:managedactions, "
       "service-logging-enabled aws:elasticbeanstalk:cloudwatch:logs StreamLogs")
shared(("aws:ecs/taskDefinition:TaskDefinition",), "containerDefinitions",
       ("ecs-task-definition-hardened", "no-plaintext-secrets"),
       "one JSON document, different fields: ecs-task-definition-hardened judges privilege, user, root file system, "
       "logging and PID mode; no-plaintext-secrets judges the environment values")
for _attachment in ("instance", "networkInterface"):
    shared(("aws:ec2/eip:Eip",), _attachment, ("network-no-public-ip", "network-resources-attached"),
           "network-no-public-ip judges an Elastic IP attached to an instance or interface as a public address; "
           "network-resources-attached only follows the attachment to know the address is in use")
shared(_BUCKETS, "tags", ("backup-plan-covers-data-stores", "cloudtrail-s3-data-events"),
       "selection, not judgement: a tag matches a bucket to AWS Backup's selection tags, or marks it sensitive "
       "(data-classification) for CloudTrail data events; neither rule judges the tag itself")

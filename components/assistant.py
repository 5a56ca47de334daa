"""The support assistant: a private Lambda function and the queues that keep people in the loop.

The function (code in `assistant/`) runs in the private subnets with no
function URL, permission or trigger: only the fintech's authenticated front
end, through its own IAM identity, invokes it. Its environment is encrypted
with the assistant CMK, its concurrency is reserved (a runaway caller cannot
starve the account or run up the model bill), and its runtime log group is
CMK-encrypted with bounded retention.

Two queues, both on the assistant CMK with bounded retention:
- escalations: a human-review case for every hand-off (guardrail intervention,
  denied topic, low grounding), with a redrive queue of its own;
- failures: the function's dead-letter queue. The handler itself puts a
  redacted record there when Bedrock stays unavailable after retries, so
  nothing is lost. Lambda's own async DLQ (`dead_letter_config`) is not used:
  it would receive the raw event, card number included, and the event
  contract is a synchronous invocation, for which Lambda never uses it.

The archive is built from the repo's files by content, never from a build
step or the network, so preview works on a fresh clone and the same sources
always make the same archive.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pulumi
import pulumi_aws as aws

from assistant import settings

from .iam_policy import ANYONE, policy_document, statement
from .naming import PerimeterNames

REPO_ROOT = Path(__file__).resolve().parent.parent
CODE_PACKAGE = "assistant"
# Pure-Python runtime dependencies vendored into the archive (pinned by requirements.lock).
VENDORED_PACKAGES = ("stdnum",)
RUNTIME = "python3.12"
HANDLER = "assistant.handler.handler"
# Longer than the handler's worst case: retrieve (3 x 5 s) + converse (3 x 20 s) + queues and logs.
TIMEOUT_SECONDS = 90
MEMORY_MB = 512
HTTPS = 443
QUEUE_RETENTION_SECONDS = 14 * 24 * 3600   # SQS's maximum; cases are worked well inside it
QUEUE_VISIBILITY_SECONDS = 300
MAX_CASE_RECEIVES = 5
SKIPPED_PARTS = ("__pycache__",)
SKIPPED_SUFFIXES = (".pyc", ".pyo")


@dataclass
class AssistantArgs:
    names: PerimeterNames
    role_arn: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    kms_key_arn: pulumi.Input[str]
    runtime_log_group_name: str
    runtime_log_key_arn: pulumi.Input[str]
    log_retention_days: int
    transcript_log_group_name: pulumi.Input[str]
    reserved_concurrency: int
    model_id: str
    guardrail_id: pulumi.Input[str]
    guardrail_version: pulumi.Input[str]
    knowledge_base_id: pulumi.Input[str]
    grounding_threshold: float
    relevance_threshold: float


def _archive_files(root: Path, prefix: str) -> dict[str, pulumi.Asset]:
    return {
        f"{prefix}/{path.relative_to(root).as_posix()}": pulumi.FileAsset(str(path))
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part in SKIPPED_PARTS for part in path.parts)
        and path.suffix not in SKIPPED_SUFFIXES
    }


def code_archive() -> pulumi.AssetArchive:
    """The handler package plus its vendored dependencies, file by file (no caches, no build output)."""
    files = _archive_files(REPO_ROOT / CODE_PACKAGE, CODE_PACKAGE)
    for package in VENDORED_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise pulumi.RunError(f"the assistant needs {package!r} installed to vendor it: run `make preview` once")
        files.update(_archive_files(Path(list(spec.submodule_search_locations)[0]), package))
    return pulumi.AssetArchive(files)


def tls_only_queue_policy(queue_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    return policy_document([
        statement("DenyInsecureTransport", ["sqs:*"], [queue_arn], effect="Deny", principal=ANYONE,
                  conditions={"Bool": {"aws:SecureTransport": "false"}}),
    ])


class Assistant(pulumi.ComponentResource):
    def __init__(self, name: str, args: AssistantArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:app:Assistant", name, None, opts)
        names = args.names
        child = pulumi.ResourceOptions(parent=self)

        case_redrive = aws.sqs.Queue(
            f"{name}-escalations-redrive", name=names.queue("escalations-redrive"),
            kms_master_key_id=args.kms_key_arn, message_retention_seconds=QUEUE_RETENTION_SECONDS, opts=child)
        self.escalation_queue = aws.sqs.Queue(
            f"{name}-escalations",
            name=names.queue("escalations"),
            kms_master_key_id=args.kms_key_arn,
            message_retention_seconds=QUEUE_RETENTION_SECONDS,
            visibility_timeout_seconds=QUEUE_VISIBILITY_SECONDS,
            redrive_policy=pulumi.Output.json_dumps({"deadLetterTargetArn": case_redrive.arn,
                                                     "maxReceiveCount": MAX_CASE_RECEIVES}),
            opts=child,
        )
        self.failure_queue = aws.sqs.Queue(
            f"{name}-failures", name=names.queue("failures"), kms_master_key_id=args.kms_key_arn,
            message_retention_seconds=QUEUE_RETENTION_SECONDS, opts=child)
        for queue_name, queue in ((f"{name}-escalations-redrive", case_redrive), (f"{name}-escalations", self.escalation_queue),
                                  (f"{name}-failures", self.failure_queue)):
            aws.sqs.QueuePolicy(queue_name, queue_url=queue.url, policy=tls_only_queue_policy(queue.arn), opts=child)

        self.runtime_log_group = aws.cloudwatch.LogGroup(
            f"{name}-runtime",
            name=args.runtime_log_group_name,
            kms_key_id=args.runtime_log_key_arn,
            retention_in_days=args.log_retention_days,
            deletion_protection_enabled=True,
            opts=child,
        )
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-function",
            vpc_id=args.vpc_id,
            description="Support assistant: no inbound; HTTPS to the VPC endpoints only",
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-function-https-out",
            security_group_id=self.security_group.id,
            description="HTTPS to the interface endpoints inside the VPC",
            ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS, cidr_ipv4=args.vpc_cidr,
            opts=child,
        )
        self.function = aws.lambda_.Function(
            name,
            name=names.assistant_function,
            description="Perimeter support assistant (RAG on Bedrock behind the perimeter guardrail)",
            role=args.role_arn,
            runtime=RUNTIME,
            handler=HANDLER,
            code=code_archive(),
            timeout=TIMEOUT_SECONDS,
            memory_size=MEMORY_MB,
            reserved_concurrent_executions=args.reserved_concurrency,
            kms_key_arn=args.kms_key_arn,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables={
                settings.STACK: names.stack,
                settings.MODEL_ID: args.model_id,
                settings.GUARDRAIL_ID: args.guardrail_id,
                settings.GUARDRAIL_VERSION: args.guardrail_version,
                settings.KNOWLEDGE_BASE_ID: args.knowledge_base_id,
                settings.ESCALATION_QUEUE_URL: self.escalation_queue.url,
                settings.FAILURE_QUEUE_URL: self.failure_queue.url,
                settings.TRANSCRIPT_LOG_GROUP: args.transcript_log_group_name,
                settings.GROUNDING_THRESHOLD: str(args.grounding_threshold),
                settings.RELEVANCE_THRESHOLD: str(args.relevance_threshold),
            }),
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(subnet_ids=list(args.subnet_ids),
                                                         security_group_ids=[self.security_group.id]),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=self.runtime_log_group.name,
                application_log_level="INFO", system_log_level="WARN"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.runtime_log_group]),
        )
        self.register_outputs({
            "functionArn": self.function.arn,
            "escalationQueueUrl": self.escalation_queue.url,
            "failureQueueUrl": self.failure_queue.url,
        })

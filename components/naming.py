"""Deterministic names for everything Perimeter creates in one stack.

Fixed names make ARNs known at preview (so the policy pack can read the
policies that mention them) and let components refer to each other's
resources without import-order cycles. Bucket names carry the account and
region because S3 bucket names are global.
"""

from __future__ import annotations

from dataclasses import dataclass

from .aws_context import AwsContext


@dataclass(frozen=True)
class PerimeterNames:
    stack: str
    context: AwsContext

    @property
    def prefix(self) -> str:
        return f"perimeter-{self.stack}"

    def bucket(self, purpose: str) -> str:
        return f"{self.prefix}-{purpose}-{self.context.account_id}-{self.context.region}"

    def role(self, purpose: str) -> str:
        return f"{self.prefix}-{purpose}"

    def role_arn(self, purpose: str) -> str:
        return self.context.role_arn(self.role(purpose))

    def log_group(self, purpose: str) -> str:
        return f"/perimeter/{self.stack}/{purpose}"

    def log_group_arn(self, purpose: str) -> str:
        return self.context.log_group_arn(self.log_group(purpose))

    @property
    def trail(self) -> str:
        return f"{self.prefix}-trail"

    @property
    def trail_arn(self) -> str:
        return self.context.arn("cloudtrail", f"trail/{self.trail}")

    @property
    def guardrail(self) -> str:
        return f"{self.prefix}-assistant"

    @property
    def knowledge_base(self) -> str:
        return f"{self.prefix}-knowledge"

    @property
    def vector_bucket(self) -> str:
        return f"{self.prefix}-vectors"

    @property
    def key_alias_prefix(self) -> str:
        return f"alias/{self.prefix}"

    @property
    def alarm_topic(self) -> str:
        return f"{self.prefix}-security-alarms"

    @property
    def assistant_function(self) -> str:
        return f"{self.prefix}-assistant"

    @property
    def assistant_function_arn(self) -> str:
        return self.context.arn("lambda", f"function:{self.assistant_function}")

    def queue(self, purpose: str) -> str:
        return f"{self.prefix}-{purpose}"

    def queue_arn(self, purpose: str) -> str:
        return self.context.arn("sqs", self.queue(purpose))

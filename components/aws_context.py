"""Account, partition and region of the deployment, and the ARNs built from them.

Resource names in Perimeter are deterministic, so most ARNs are known before
anything is created: policies that mention them are concrete at preview, where
the policy pack can read them, instead of unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws


@dataclass(frozen=True)
class AwsContext:
    account_id: str
    partition: str
    region: str

    @classmethod
    def lookup(cls, region: str) -> "AwsContext":
        """`region` comes from the validated stack config, never from the provider's environment."""
        return cls(
            account_id=aws.get_caller_identity().account_id,
            partition=aws.get_partition().partition,
            region=region,
        )

    def arn(self, service: str, resource: str, *, region: str | None = None, account: bool = True) -> str:
        return f"arn:{self.partition}:{service}:{self.region if region is None else region}:" \
               f"{self.account_id if account else ''}:{resource}"

    @property
    def account_root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    def role_arn(self, role_name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:role/{role_name}"

    def bucket_arn(self, bucket_name: str) -> str:
        return f"arn:{self.partition}:s3:::{bucket_name}"

    def log_group_arn(self, log_group_name: str) -> str:
        return self.arn("logs", f"log-group:{log_group_name}")

    def foundation_model_arn(self, model_id: str, region: str | None = None) -> str:
        return self.arn("bedrock", f"foundation-model/{model_id}", region=region, account=False)

    def service_endpoint(self, service: str) -> str:
        """The regional endpoint host used by kms:ViaService, e.g. s3.eu-west-1.amazonaws.com."""
        return f"{service}.{self.region}.amazonaws.com"

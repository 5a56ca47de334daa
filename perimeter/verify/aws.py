"""The only door to AWS: a read-only session, one reader with memoized calls, error classes.

Every API call `perimeter verify` may make is listed in READ_OPERATIONS, with
the IAM action it needs. A `before-call` hook refuses any other operation, so
a bug (or a future check) cannot change the account, and docs/verify.md's IAM
policy is generated from the same table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

from ..errors import UsageError

# (botocore service name, operation) -> IAM action. Reads only.
READ_OPERATIONS: dict[tuple[str, str], str] = {
    ("sts", "GetCallerIdentity"): "sts:GetCallerIdentity",
    ("resourcegroupstaggingapi", "GetResources"): "tag:GetResources",
    ("kms", "DescribeKey"): "kms:DescribeKey",
    ("kms", "GetKeyRotationStatus"): "kms:GetKeyRotationStatus",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketOwnershipControls"): "s3:GetBucketOwnershipControls",
    ("s3", "GetBucketVersioning"): "s3:GetBucketVersioning",
    ("s3", "GetBucketPolicy"): "s3:GetBucketPolicy",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("cloudtrail", "GetTrail"): "cloudtrail:GetTrail",
    ("cloudtrail", "GetTrailStatus"): "cloudtrail:GetTrailStatus",
    ("logs", "DescribeLogGroups"): "logs:DescribeLogGroups",
    ("bedrock", "GetModelInvocationLoggingConfiguration"): "bedrock:GetModelInvocationLoggingConfiguration",
    ("bedrock", "GetGuardrail"): "bedrock:GetGuardrail",
    ("bedrock", "ListGuardrails"): "bedrock:ListGuardrails",
    ("ec2", "DescribeVpcEndpoints"): "ec2:DescribeVpcEndpoints",
    ("opensearchserverless", "BatchGetCollection"): "aoss:BatchGetCollection",
    ("opensearchserverless", "ListSecurityPolicies"): "aoss:ListSecurityPolicies",
    ("opensearchserverless", "GetSecurityPolicy"): "aoss:GetSecurityPolicy",
    ("opensearchserverless", "ListAccessPolicies"): "aoss:ListAccessPolicies",
    ("opensearchserverless", "GetAccessPolicy"): "aoss:GetAccessPolicy",
    ("guardduty", "ListDetectors"): "guardduty:ListDetectors",
    ("guardduty", "GetDetector"): "guardduty:GetDetector",
    ("config", "DescribeConfigurationRecorderStatus"): "config:DescribeConfigurationRecorderStatus",
    ("securityhub", "DescribeHub"): "securityhub:DescribeHub",
    ("securityhub", "GetEnabledStandards"): "securityhub:GetEnabledStandards",
}
# What `perimeter evaluate --live` adds, in its own session only (verify's session refuses them):
# ApplyGuardrail judges text against a guardrail version and changes nothing; Invoke (--end-to-end)
# runs the assistant on a test case, which writes what any customer message writes (its transcript).
EVALUATION_OPERATIONS: dict[tuple[str, str], str] = {
    ("bedrock-runtime", "ApplyGuardrail"): "bedrock:ApplyGuardrail",
    ("lambda", "Invoke"): "lambda:InvokeFunction",
}
# A second, independent guard: even a wrong table entry cannot let a write through.
READ_VERBS = ("Get", "List", "Describe", "Lookup", "BatchGet")

ACCESS_DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException",
    "AuthorizationError", "AuthorizationErrorException", "UnrecognizedClientException",
    "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch",
})
NOT_FOUND_CODES = frozenset({
    "NoSuchBucket", "NotFoundException", "ResourceNotFoundException", "TrailNotFoundException",
    "InvalidVpcEndpointId.NotFound", "InvalidVpcEndpointId.Malformed",
})
# botocore's standard retry mode retries these; what is left after the last attempt is reported as throttled.
THROTTLED_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
    "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
    "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", "429",
})
NOT_IMPLEMENTED_CODES = frozenset({"NotImplemented", "NotImplementedException", "InvalidAction",
                                   "UnknownOperationException", "404", "405", "501"})

RETRY_MODE, DEFAULT_MAX_ATTEMPTS = "standard", 3  # AWS_MAX_ATTEMPTS / a profile's max_attempts override
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 20  # seconds; a verify run should fail fast, not hang a pipeline


class MutatingCallRefused(RuntimeError):
    """A call outside READ_OPERATIONS reached the session: a bug, never sent to AWS."""


class Unverifiable(Exception):
    """AWS could not answer (denied, not implemented, unreachable): the check has no verdict."""

    def __init__(self, reason: str, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


class ResourceMissing(Exception):
    """The resource the outputs name is not there: drift, reported as a violation."""


def refuse_writes(model, **_: Any) -> None:
    key = (model.service_model.service_name, model.name)
    if key not in READ_OPERATIONS or not model.name.startswith(READ_VERBS):
        raise MutatingCallRefused(f"perimeter verify is read-only; refused {key[0]}:{key[1]}")


def refuse_all_but_evaluation(model, **_: Any) -> None:
    """The `perimeter evaluate --live` session: verify's reads plus exactly EVALUATION_OPERATIONS."""
    if (model.service_model.service_name, model.name) not in EVALUATION_OPERATIONS:
        refuse_writes(model)


def iam_read_actions() -> list[str]:
    """The IAM actions a read-only role needs for `perimeter verify`, sorted and unique."""
    return sorted(set(READ_OPERATIONS.values()))


def iam_policy_document() -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "PerimeterVerifyReadOnly", "Effect": "Allow",
                           "Action": iam_read_actions(), "Resource": "*"}]}


def iam_evaluation_policy_document() -> dict[str, Any]:
    """What `perimeter evaluate --live` needs on top of verify's policy (docs/verify.md lists both)."""
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "PerimeterEvaluateLive", "Effect": "Allow",
                           "Action": sorted(set(EVALUATION_OPERATIONS.values())), "Resource": "*"}]}


@dataclass(frozen=True)
class Connection:
    region: str
    endpoint_url: Optional[str] = None


def make_session(connection: Connection, evaluation: bool = False) -> boto3.Session:
    """A session (standard credential chain) whose every client refuses writes (with `evaluation`: all but
    EVALUATION_OPERATIONS)."""
    session = boto3.Session(region_name=connection.region)
    # Registered before any client exists: botocore copies the session's
    # handlers into each client it creates.
    session.events.register("before-call", refuse_all_but_evaluation if evaluation else refuse_writes)
    return session


def max_attempts(session: boto3.Session) -> int:
    """Attempts per call, the first included: AWS_MAX_ATTEMPTS / a profile's max_attempts, else DEFAULT_MAX_ATTEMPTS."""
    try:
        configured = session._session.get_config_variable("max_attempts")
        value = DEFAULT_MAX_ATTEMPTS if configured is None else int(configured)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 20:
        raise UsageError("AWS_MAX_ATTEMPTS (or the profile's max_attempts) must be a whole number from 1 to 20")
    return value


def _client_config(session: boto3.Session, connection: Connection) -> Config:
    # `total_max_attempts` counts the first request, as AWS_MAX_ATTEMPTS does; botocore's
    # `max_attempts` in a Config counts retries only, which would be one attempt more than documented.
    options: dict[str, Any] = {"retries": {"mode": RETRY_MODE, "total_max_attempts": max_attempts(session)},
                               "connect_timeout": CONNECT_TIMEOUT, "read_timeout": READ_TIMEOUT}
    if connection.endpoint_url:
        # A custom endpoint (proxy, test server) has no wildcard DNS for bucket-name hosts.
        options["s3"] = {"addressing_style": "path"}
    return Config(region_name=connection.region, **options)


def strip_account_host_prefix(account_id: str):
    """S3 Control puts `<account>.` in front of the host; a custom endpoint has no DNS for it."""
    def handler(params, **_: Any) -> None:
        params["url"] = params["url"].replace(f"//{account_id}.", "//", 1)
    return handler


class Reader:
    """Memoized read calls, so checks that share a fact (a bucket's encryption) ask once."""

    def __init__(self, session: boto3.Session, connection: Connection) -> None:
        self.session = session
        self.connection = connection
        self._clients: dict[str, Any] = {}
        self._answers: dict[str, Any] = {}
        self.account_id = ""

    def client(self, service: str):
        if service not in self._clients:
            client = self.session.client(service, endpoint_url=self.connection.endpoint_url,
                                         config=_client_config(self.session, self.connection))
            if service == "s3control" and self.connection.endpoint_url:
                client.meta.events.register("before-call.s3-control", strip_account_host_prefix(self.account_id))
            self._clients[service] = client
        return self._clients[service]

    def call(self, service: str, operation: str, absent: frozenset[str] = frozenset(), paginate: bool = False,
             **params: Any) -> Any:
        """The response (every page merged when `paginate`), or None when the error code is in `absent`.

        Raises ResourceMissing or Unverifiable for everything else that is not an answer.
        """
        key = json.dumps([service, operation, paginate, params], sort_keys=True, default=str)
        if key not in self._answers:
            self._answers[key] = self._ask(service, operation, absent, paginate, params)
        answer = self._answers[key]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def _ask(self, service: str, operation: str, absent: frozenset[str], paginate: bool,
             params: dict[str, Any]) -> Any:
        client = self.client(service)
        try:
            if paginate:
                return client.get_paginator(xform_name(operation)).paginate(**params).build_full_result()
            return getattr(client, xform_name(operation))(**params)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in absent:
                return None
            return classify(error, f"{service}:{operation}", code)
        except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as error:
            return Unverifiable(f"{service}:{operation} could not reach AWS ({error})", unreachable=True)
        except NoCredentialsError:
            return Unverifiable(f"{service}:{operation}: no AWS credentials found in the standard chain")
        except ParamValidationError as error:
            return Unverifiable(f"{service}:{operation} rejected the identifier from the outputs: "
                                f"{' '.join(str(error).split())}")
        except BotoCoreError as error:
            return Unverifiable(f"{service}:{operation} failed: {_first_line(str(error))}")
        except (ResponseParserError, ValueError) as error:  # a body that is not an AWS response (binary, HTML)
            return Unverifiable(f"{service}:{operation}: the endpoint's answer is not an AWS response "
                                f"({_first_line(str(error).split(':', 1)[0])})", unreachable=True)


def classify(error: ClientError, operation: str, code: str) -> Exception:
    message = error.response.get("Error", {}).get("Message", "") or ""
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in ACCESS_DENIED_CODES or status == 403:
        return Unverifiable(f"{operation}: access denied ({code}); grant the read-only role this action")
    if code in THROTTLED_CODES or status == 429:
        return Unverifiable(f"{operation}: throttled ({code or f'HTTP {status}'}) after every retry; "
                            "run again later or raise AWS_MAX_ATTEMPTS")
    if code in NOT_FOUND_CODES or code.endswith("NotFound") or code.endswith("NotFoundException"):
        return ResourceMissing(f"{operation}: {code}: {_first_line(message)}".rstrip(": "))
    if code in NOT_IMPLEMENTED_CODES or status in (404, 405, 501) or (status >= 500 and not _looks_like_aws(message)):
        return Unverifiable(f"{operation}: not implemented by this endpoint (HTTP {status or code})")
    return Unverifiable(f"{operation}: {code or f'HTTP {status}'}: {_first_line(message)}")


def _looks_like_aws(message: str) -> bool:
    return bool(message) and not message.lstrip().startswith("<")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else ""



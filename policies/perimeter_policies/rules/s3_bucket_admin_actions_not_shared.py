"""s3-bucket-admin-actions-not-shared: bucket policies grant no prohibited (administrative) actions outside our accounts.

Why: a bucket policy that lets another account delete the bucket, rewrite its
policy or ACL, switch off its versioning, encryption or public access block,
hands that account the controls that protect the data (PCI DSS 7.2.1, 7.3.1:
access only for those whose job needs it, enforced by the access-control
system). `resource-policy-not-public` catches grants to everyone; this rule
catches the narrower, quieter grant to *one* foreign account (a vendor, a
former subsidiary, a typo in an account id). AWS Config's
S3_BUCKET_BLACKLISTED_ACTIONS_PROHIBITED checks the same with its
`blacklistedActionPatterns`; here they are `prohibitedActions`.

An Allow statement is a finding when its Action (wildcards and NotAction
included, as IAM matches them) covers a prohibited action and its principal
is outside the trusted accounts: `trustedAccountIds` plus the provider's
`allowedAccountIds`. Outside means an AWS account or ARN principal of
another account (or with a wildcard account), a `CanonicalUser`, or `"*"` /
NotPrincipal unless a positive condition pins `aws:PrincipalAccount`,
`aws:SourceAccount` or `aws:PrincipalArn` to trusted accounts. AWS service
principals act for the bucket owner and are not another account. A principal
or condition value unknown at preview (a role ARN from this stack) is
deferred to `pulumi up`, where its account is known.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..model import UNKNOWN, ResourceView, as_list, is_unknown
from ..rule import Rule
from ._iam_policy import (all_of, allows, allows_action, any_of, applies_to_everyone, negate, policy_document_outcomes,
                          positive_conditions)
from ._s3 import BUCKET, BUCKET_V2

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PROHIBITED_ACTIONS = (
    "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl",
    "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration", "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketOwnershipControls",
    "s3:PutBucketLogging", "s3:PutReplicationConfiguration",
)
ACCOUNT = re.compile(r"^\d{12}$")
ARN_ACCOUNT = re.compile(r"^arn:[^:]+:(?:iam|sts)::([^:]*):")
ACCOUNT_CONDITION_KEYS = frozenset(("aws:principalaccount", "aws:sourceaccount", "aws:principalarn"))


def _account_of(value: str) -> str:
    """The account a principal or condition value names ('' when it names none specifically)."""
    text = value.strip()
    if ACCOUNT.match(text):
        return text
    match = ARN_ACCOUNT.match(text)
    return match.group(1) if match else ""


def _trusted(value: Any, accounts: frozenset) -> Any:
    if is_unknown(value):
        return UNKNOWN
    return isinstance(value, str) and _account_of(value) in accounts


def _pinned_to_trusted(condition: Any, accounts: frozenset) -> Any:
    """A positive condition ties the caller to trusted accounts (any such key suffices)."""
    verdicts = []
    for key, values in positive_conditions(condition):
        if key is None:
            verdicts.append(UNKNOWN)
        elif key in ACCOUNT_CONDITION_KEYS:
            listed = as_list(values)
            if is_unknown(listed):
                verdicts.append(UNKNOWN)
            elif listed:
                verdicts.append(all_of(*(_trusted(v, accounts) for v in listed)))
    return any_of(*verdicts)


def _named_outside(principal: Any, accounts: frozenset) -> Any:
    """A principal other than `"*"` and AWS services belongs to an untrusted account."""
    if not isinstance(principal, Mapping):  # "*", an account, or unknown (then so is the listed value below)
        principal = {"AWS": principal}
    verdicts = []
    for kind, values in principal.items():
        listed = as_list(values)
        if kind == "Service":
            continue
        if is_unknown(listed):
            verdicts.append(UNKNOWN)
            continue
        for value in listed:
            if is_unknown(value):
                verdicts.append(UNKNOWN)
            elif not (kind == "AWS" and isinstance(value, str) and value.strip() == "*"):
                verdicts.append(negate(_trusted(value, accounts)) if kind == "AWS" else True)
    return any_of(*verdicts)


def _outside(statement: Mapping, accounts: frozenset) -> Any:
    """The principal includes someone outside the trusted accounts (a NotPrincipal statement names no one and applies
    to everyone)."""
    everyone = all_of(applies_to_everyone(statement),
                      negate(_pinned_to_trusted(statement.get("Condition"), accounts)))
    return any_of(_named_outside(statement.get("Principal"), accounts), everyone)


def _provider_accounts(resource: ResourceView) -> list:
    allowed = resource.provider.props.get("allowedAccountIds") if resource.provider is not None else None
    if isinstance(allowed, str):
        try:
            allowed = json.loads(allowed)  # default providers carry list config as JSON text
        except json.JSONDecodeError:
            return []  # not the list the provider requires: it adds no trusted account (fail closed)
    return [a for a in allowed if isinstance(a, str)] if isinstance(allowed, list) else []


def check(resource: ResourceView, config):
    accounts = frozenset(list(config["trustedAccountIds"]) + _provider_accounts(resource))
    prohibited = tuple(config["prohibitedActions"])

    def shares_prohibited(statement: Mapping):
        return all_of(allows(statement), any_of(*(allows_action(statement, a) for a in prohibited)),
                      _outside(statement, accounts))

    trusted = ", ".join(sorted(accounts)) or "none configured"
    yield from policy_document_outcomes(
        resource, "policy", shares_prohibited,
        f"prohibited bucket actions ({', '.join(prohibited)}) to principals outside the trusted accounts ({trusted})")


RULE = Rule(
    name="s3-bucket-admin-actions-not-shared",
    description=("S3 bucket policies must not allow prohibited (administrative) actions to principals outside the "
                 "organisation's trusted accounts."),
    severity="high",
    pci_dss=("7.2.1", "7.3.1"),
    soc2=("CC6.1", "CC6.3"),
    remediation=("Grant another account only the data actions it needs (s3:GetObject, s3:PutObject on a prefix); "
                 "keep bucket administration in this account's roles, or list the account in trustedAccountIds "
                 "if it is yours."),
    check=check,
    resource_types=(BUCKET_POLICY, BUCKET, BUCKET_V2),
    config_properties={
        "prohibitedActions": {
            "type": "array", "items": {"type": "string", "pattern": "^s3:[A-Za-z*?]+$"}, "minItems": 1,
            "description": ("S3 actions no principal outside the trusted accounts may be granted (IAM action names; "
                            "a statement's wildcards are matched against them)."),
        },
        "trustedAccountIds": {
            "type": "array", "items": {"type": "string", "pattern": "^[0-9]{12}$"},
            "description": "The organisation's accounts (besides the provider's allowedAccountIds).",
        },
    },
    default_config={"prohibitedActions": list(PROHIBITED_ACTIONS), "trustedAccountIds": []},
    violation_example=('aws.s3.BucketPolicy("data", bucket=bucket.id, policy=json.dumps({"Statement": [{"Effect": '
                       '"Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:*", ...}]}))'),
)

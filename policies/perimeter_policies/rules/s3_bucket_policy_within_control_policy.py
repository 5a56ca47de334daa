"""s3-bucket-policy-within-control-policy: a bucket policy grants nothing its organisation's control policy does not.

Why: PCI DSS 7.2.1/7.3.1 want access granted from a defined model, not
invented bucket by bucket. The security team writes that model once, as a
control policy (an allow-list of who may be granted what, on which buckets,
under which conditions) in policy config, and every bucket policy of every
program must stay inside it. AWS Config's S3_BUCKET_POLICY_NOT_MORE_PERMISSIVE
checks deployed buckets against its `controlPolicy` parameter; this is the
same comparison before deployment.

The comparison is syntactic and errs towards a finding: each Allow statement
of the bucket policy is expanded into (principal, action, resource) triples,
and each triple must be covered by ONE Allow statement of `controlPolicy`:

- principal: the control's `"*"` covers any principal; otherwise the same
  kind (AWS, Service, ...) and a control value that matches it (a bare
  account id means its `:root` ARN); a NotPrincipal is covered only by `"*"`;
- action and resource: the control's pattern covers every name the bucket's
  pattern can match (`s3:Get*` covers `s3:GetObject` and `s3:GetObject*`, not
  `s3:G*`; actions case-insensitively); NotAction / NotResource are covered
  only by `*` (or `s3:*` for actions);
- condition: a control statement with a Condition covers only bucket
  statements at least as narrow: positive operators (StringEquals, ...) on a
  subset of its values, negated ones (StringNotEquals, ...) on a superset,
  others (Bool, Numeric..., Date..., Null) on the same values.

Deny statements never widen access and are not compared. The control policy
is an allow-list (Effect Allow only). The default is the pack's own model:
bucket policies may let anyone they name read objects and bucket metadata and
write objects, which is what AWS services' delivery grants and cross-account
readers need, but never administer the bucket or delete data (that stays in
the account's identity policies). Values unknown at preview are deferred.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Optional

from ..model import UNKNOWN, ResourceView, as_list, is_unknown
from ..rule import Rule
from ._documents import MalformedDocument
from ._iam_policy import all_of, allows, any_of, negate, policy_document_outcomes
from ._s3 import BUCKET, BUCKET_V2

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
EVERYTHING = "*"
EVERYONE = ("AWS", EVERYTHING)  # a "*" principal, {"AWS": "*"}, or a NotPrincipal
DEFAULT_CONTROL_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DataAccessOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectAttributes",
                   "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketAcl", "s3:GetBucketLocation",
                   "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        "Resource": "*",
    }],
}


_VALUES = {"oneOf": [{"type": "string", "minLength": 1},
                     {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]}
# The control policy: IAM JSON with Allow statements only (an allow-list).
CONTROL_POLICY_SCHEMA = {
    "type": "object",
    "required": ["Statement"],
    "properties": {
        "Version": {"type": "string"},
        "Statement": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["Effect", "Principal", "Action", "Resource"],
            "additionalProperties": False,
            "properties": {
                "Sid": {"type": "string"},
                "Effect": {"const": "Allow"},
                "Principal": {"oneOf": [{"const": "*"},
                                        {"type": "object", "additionalProperties": _VALUES, "minProperties": 1}]},
                "Action": _VALUES,
                "Resource": _VALUES,
                "Condition": {"type": "object", "additionalProperties": {"type": "object",
                                                                         "additionalProperties": _VALUES}},
            },
        }},
    },
    "description": ("The control policy (IAM JSON, Allow statements only): every Allow of a bucket policy must fit "
                    "inside one of its statements."),
}


@lru_cache(maxsize=4096)
def pattern_covers(control: str, granted: str, ignore_case: bool) -> bool:
    """Whether every name `granted` (an IAM pattern with * and ?) can match, `control` matches too."""
    if ignore_case:
        control, granted = control.lower(), granted.lower()

    @lru_cache(maxsize=None)
    def covers(i: int, j: int) -> bool:
        if i == len(control):
            return j == len(granted)
        if control[i] == "*":
            return covers(i + 1, j) or (j < len(granted) and covers(i, j + 1))
        if j == len(granted) or granted[j] == "*":
            return False
        if control[i] == "?":
            return covers(i + 1, j + 1)
        return granted[j] != "?" and control[i] == granted[j] and covers(i + 1, j + 1)

    return covers(0, 0)


def _principal_pairs(statement: Mapping) -> Any:
    """(kind, value) for each principal the statement names; NotPrincipal is everyone ("AWS", "*")."""
    if "NotPrincipal" in statement:
        return [EVERYONE]
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):  # "*", or unknown (then so is the listed value below)
        principal = {"AWS": principal}
    pairs = []
    for kind, values in principal.items():
        listed = as_list(values)
        if is_unknown(listed):
            return UNKNOWN
        pairs += [(kind, _normal_principal(v)) for v in listed]
    return pairs


def _normal_principal(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 12:
        return f"arn:aws:iam::{value.strip()}:root"
    return value.strip() if isinstance(value, str) else value


def _values(statement: Mapping, field: str, negated: str) -> Any:
    return [EVERYTHING] if negated in statement else as_list(statement.get(field))


def _covers_value(patterns: list, value: Any, ignore_case: bool) -> Any:
    if is_unknown(value):
        return True if EVERYTHING in patterns else UNKNOWN
    return isinstance(value, str) and any(pattern_covers(p, value.strip(), ignore_case) for p in patterns)


def _covers_principal(control: list, kind: str, value: Any) -> Any:
    if EVERYONE in control:
        return True
    if is_unknown(value):
        return UNKNOWN
    return isinstance(value, str) and any(k == kind and pattern_covers(v, value, False) for k, v in control)


def _condition_narrower(control: Any, granted: Any) -> Any:
    """The bucket statement's condition is at least as narrow as the control statement's."""
    if not control:
        return True
    if is_unknown(granted):
        return UNKNOWN
    if not isinstance(granted, Mapping):
        return False
    granted_blocks = {op.lower(): block for op, block in granted.items()}
    verdicts = []
    for operator, block in control.items():
        mine = granted_blocks.get(operator.lower())
        if is_unknown(mine):
            verdicts.append(UNKNOWN)
            continue
        if not isinstance(mine, Mapping):
            return False
        keys = {k.lower(): v for k, v in mine.items()}
        for key, allowed in block.items():
            verdicts.append(_values_narrower(operator.lower(), as_list(allowed), keys.get(key.lower())))
    return all_of(*verdicts)


def _values_narrower(operator: str, allowed: list, granted: Any) -> Any:
    if granted is None:
        return False
    listed = as_list(granted)
    if is_unknown(listed) or any(is_unknown(v) for v in listed):
        return UNKNOWN
    mine, theirs = {str(v) for v in listed}, {str(v) for v in allowed}
    base_operator = operator.split(":")[-1]  # without a ForAllValues: / ForAnyValue: qualifier
    if "not" in base_operator:
        return mine >= theirs
    if base_operator.startswith(("string", "arn", "ipaddress")):
        return bool(mine) and mine <= theirs
    return mine == theirs


def _control_statements(control_policy: Mapping) -> list[tuple[list, list, list, Optional[Mapping]]]:
    # The config schema requires Principal, Action and Resource (no Not* forms) in every control statement.
    return [(_principal_pairs(statement), [a.strip() for a in as_list(statement["Action"])],
             [r.strip() for r in as_list(statement["Resource"])], statement.get("Condition"))
            for statement in control_policy["Statement"]]


def _within(statement: Mapping, control: list) -> Any:
    principals = _principal_pairs(statement)
    # "Everything except ...": only a control granting every S3 action (or every resource) covers it.
    actions = ["s3:*"] if "NotAction" in statement else as_list(statement.get("Action"))
    resources = _values(statement, "Resource", "NotResource")
    if is_unknown(principals) or is_unknown(actions) or is_unknown(resources):
        return UNKNOWN
    if not (principals and actions and resources):
        raise MalformedDocument("has an Allow statement without a principal, an action or a resource")
    verdicts = []
    for kind, principal in principals:
        for action in actions:
            for resource in resources:
                verdicts.append(any_of(*(
                    all_of(_covers_principal(c_principals, kind, principal),
                           _covers_value(c_actions, action, True),
                           _covers_value(c_resources, resource, False),
                           _condition_narrower(c_condition, statement.get("Condition")))
                    for c_principals, c_actions, c_resources, c_condition in control)))
    return all_of(*verdicts)


def check(resource: ResourceView, config):
    control = _control_statements(config["controlPolicy"])

    def wider(statement: Mapping):
        return all_of(allows(statement), negate(_within(statement, control)))

    yield from policy_document_outcomes(resource, "policy", wider,
                                        "more than the control policy in policy config permits (principal, action, "
                                        "resource or condition)")


RULE = Rule(
    name="s3-bucket-policy-within-control-policy",
    description="S3 bucket policies grant nothing beyond the organisation's control policy (an allow-list in policy config).",
    severity="medium",
    pci_dss=("7.2.1", "7.3.1"),
    soc2=("CC6.1", "CC6.3"),
    remediation=("Narrow the bucket policy's Allow statements to principals, actions, resources and conditions the "
                 "control policy permits (by default: reading objects and bucket metadata, writing objects); grant "
                 "administration through identity policies in the account instead."),
    check=check,
    resource_types=(BUCKET_POLICY, BUCKET, BUCKET_V2),
    config_properties={"controlPolicy": CONTROL_POLICY_SCHEMA},
    default_config={"controlPolicy": DEFAULT_CONTROL_POLICY},
    violation_example=('aws.s3.BucketPolicy("data", bucket=bucket.id, policy=json.dumps({"Statement": [{"Effect": '
                       '"Allow", "Principal": {"AWS": role.arn}, "Action": "s3:DeleteObject", ...}]}))'),
)

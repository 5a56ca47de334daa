"""The one way Perimeter writes IAM / resource policy JSON.

Statements may hold Outputs anywhere; `policy_document` resolves them with
`pulumi.Output.json_dumps`. An identity-policy statement must name its
resources; a trust-policy statement names a principal and no resources (IAM
rejects `Resource` there); a resource-policy statement names both.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

import pulumi

POLICY_VERSION = "2012-10-17"


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Optional[Sequence[pulumi.Input[str]]] = None,
    *,
    effect: str = "Allow",
    principal: Optional[Mapping[str, Any]] = None,
    conditions: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> dict[str, Any]:
    if not actions or (resources is None and principal is None) or resources == []:
        raise ValueError(f"statement {sid}: name the actions and the resources (or, in a trust policy, the principal)")
    body: dict[str, Any] = {"Sid": sid, "Effect": effect}
    if principal is not None:
        body["Principal"] = principal
    body["Action"] = list(actions)
    if resources is not None:
        body["Resource"] = list(resources)
    if conditions:
        body["Condition"] = {operator: dict(values) for operator, values in conditions.items()}
    return body


def services(*names: str) -> dict[str, Any]:
    return {"Service": list(names) if len(names) > 1 else names[0]}


def aws_principals(*arns: pulumi.Input[str]) -> dict[str, Any]:
    return {"AWS": list(arns)}


ANYONE = {"AWS": "*"}  # only for Deny statements: they restrict, never grant


def policy_document(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": POLICY_VERSION, "Statement": list(statements)})


def assume_role_policy(service: str, *, source_account: str, source_arn: Optional[str] = None) -> pulumi.Output[str]:
    """Trust one AWS service, only on behalf of this account and, where it sends one, the named source."""
    conditions: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": source_account}}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    return policy_document([
        statement("TrustServiceForThisAccountOnly", ["sts:AssumeRole"], principal=services(service),
                  conditions=conditions)
    ])

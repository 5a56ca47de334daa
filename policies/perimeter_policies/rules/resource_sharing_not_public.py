"""resource-sharing-not-public: SSM documents and S3 access points are not shared with everyone.

Why: two ways of publishing a resource sit outside resource policies, so
resource-policy-not-public cannot see them (PCI DSS 1.4.4, 7.3.1):
- an `aws.ssm.Document` with `permissions={"type": "Share", "account_ids": "All"}`
  is public: every AWS account can read (and run) the automation, which often
  names hosts, buckets and parameters of the CDE (AWS Config SSM_DOCUMENT_NOT_PUBLIC);
- an `aws.s3.AccessPoint` whose `public_access_block_configuration` turns a
  flag off lets a public access point policy or ACL through to the bucket
  (S3_ACCESS_POINT_PUBLIC_ACCESS_BLOCKS). Absent flags default to true here,
  unlike the bucket-level block.
Values unknown at preview are deferred.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

DOCUMENT = "aws:ssm/document:Document"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _document(document: ResourceView, problems: list, unknowns: list) -> None:
    permissions = document.get("permissions")
    if is_unknown(permissions):
        unknowns.append("permissions")
    elif isinstance(permissions, Mapping):
        accounts = permissions.get("account_ids")
        if is_unknown(accounts):
            unknowns.append("permissions.account_ids")
        elif isinstance(accounts, str) and "all" in (a.strip().lower() for a in accounts.split(",")):
            problems.append("permissions shares the document with All accounts")


def _access_point(access_point: ResourceView, problems: list, unknowns: list) -> None:
    block = access_point.get("publicAccessBlockConfiguration")
    if is_unknown(block):
        unknowns.append("publicAccessBlockConfiguration")
        return
    for flag in FLAGS:
        value = block.get(flag) if isinstance(block, Mapping) else None
        if is_unknown(value):
            unknowns.append(f"publicAccessBlockConfiguration.{flag}")
        elif value is False:
            problems.append(f"publicAccessBlockConfiguration.{flag} is false")


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    (_document if resource.type == DOCUMENT else _access_point)(resource, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="resource-sharing-not-public",
    description="SSM documents are not shared with all accounts, and S3 access points keep their public access block.",
    severity="high",
    pci_dss=("1.4.4", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Share SSM documents with specific account ids (permissions={'type': 'Share', 'account_ids': "
                 "'111122223333'}) or not at all, and leave every flag of an aws.s3.AccessPoint's "
                 "public_access_block_configuration unset or true."),
    check=check,
    resource_types=(DOCUMENT, ACCESS_POINT),
    violation_example=('aws.ssm.Document("runbook", document_type="Automation", content=doc, '
                       'permissions={"type": "Share", "account_ids": "All"})'),
)

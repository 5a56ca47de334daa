"""resource-sharing-not-public: SSM documents, S3 access points, EBS snapshots and Service Catalog portfolios are not shared beyond the organisation.

Why: four ways of publishing a resource sit outside resource policies, so
resource-policy-not-public cannot see them (PCI DSS 1.4.4, 7.3.1):
- an `aws.ssm.Document` with `permissions={"type": "Share", "account_ids": "All"}`
  is public: every AWS account can read (and run) the automation, which often
  names hosts, buckets and parameters of the CDE (AWS Config SSM_DOCUMENT_NOT_PUBLIC);
- an `aws.s3.AccessPoint` whose `public_access_block_configuration` turns a
  flag off lets a public access point policy or ACL through to the bucket
  (S3_ACCESS_POINT_PUBLIC_ACCESS_BLOCKS). Absent flags default to true here,
  unlike the bucket-level block;
- EBS snapshots hold whole disks. pulumi-aws can only share a snapshot with an
  account (`aws.ec2.SnapshotCreateVolumePermission` takes an account id), but
  anyone with `ec2:ModifySnapshotAttribute` can make one public unless the
  region's block public access for snapshots stops it. A program that
  declares `aws.ebs.SnapshotBlockPublicAccess` must set a `state` from
  `allowedSnapshotBlockPublicAccessStates` (default `block-all-sharing`:
  `block-new-sharing` leaves snapshots already public readable, `unblocked`
  blocks nothing; AWS Config EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK);
- an `aws.servicecatalog.PortfolioShare` of `type="ACCOUNT"` hands the
  portfolio's products (and the launch roles behind them) to any account id,
  in the organisation or not; shares must use a type from
  `allowedPortfolioShareTypes` (default `ORGANIZATION` or
  `ORGANIZATIONAL_UNIT`; SERVICE_CATALOG_SHARED_WITHIN_ORGANIZATION).
Values unknown at preview are deferred.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

DOCUMENT = "aws:ssm/document:Document"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"
SNAPSHOT_BLOCK = "aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess"
PORTFOLIO_SHARE = "aws:servicecatalog/portfolioShare:PortfolioShare"
# Type -> (the input that says how far it is shared, the config key listing the allowed values, the argument to fix).
ALLOWED_VALUES = {
    SNAPSHOT_BLOCK: ("state", "allowedSnapshotBlockPublicAccessStates", "state"),
    PORTFOLIO_SHARE: ("type", "allowedPortfolioShareTypes", "type"),
}
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


def _allowed_value(resource: ResourceView, config, problems: list, unknowns: list) -> None:
    field, key, argument = ALLOWED_VALUES[resource.type]
    value = resource.get(field)
    if is_unknown(value):
        unknowns.append(field)
    elif value not in config[key]:
        problems.append(f"{field} is {value!r}; set {argument} to one of {list(config[key])!r}")


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    if resource.type in ALLOWED_VALUES:
        _allowed_value(resource, config, problems, unknowns)
    else:
        (_document if resource.type == DOCUMENT else _access_point)(resource, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="resource-sharing-not-public",
    description=("SSM documents are not shared with all accounts, S3 access points keep their public access block, "
                 "EBS snapshot public sharing is blocked, and Service Catalog portfolios are shared within the "
                 "organisation only."),
    severity="high",
    pci_dss=("1.4.4", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Share SSM documents with specific account ids (permissions={'type': 'Share', 'account_ids': "
                 "'111122223333'}) or not at all, and leave every flag of an aws.s3.AccessPoint's "
                 "public_access_block_configuration unset or true; set aws.ebs.SnapshotBlockPublicAccess "
                 "state='block-all-sharing', and share aws.servicecatalog.PortfolioShare with type='ORGANIZATION' or "
                 "'ORGANIZATIONAL_UNIT'."),
    check=check,
    resource_types=(DOCUMENT, ACCESS_POINT) + tuple(ALLOWED_VALUES),
    config_properties={
        "allowedSnapshotBlockPublicAccessStates": {
            "type": "array", "items": {"enum": ["block-all-sharing", "block-new-sharing", "unblocked"]}, "minItems": 1,
            "description": "States a declared EBS snapshot block public access may have."},
        "allowedPortfolioShareTypes": {
            "type": "array", "items": {"enum": ["ORGANIZATION", "ORGANIZATIONAL_UNIT", "ACCOUNT"]}, "minItems": 1,
            "description": "Service Catalog portfolio share types allowed."},
    },
    default_config={"allowedSnapshotBlockPublicAccessStates": ["block-all-sharing"],
                    "allowedPortfolioShareTypes": ["ORGANIZATION", "ORGANIZATIONAL_UNIT"]},
    violation_example=('aws.ssm.Document("runbook", document_type="Automation", content=doc, '
                       'permissions={"type": "Share", "account_ids": "All"})'),
)

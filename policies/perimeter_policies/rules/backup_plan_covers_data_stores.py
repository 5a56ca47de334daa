"""backup-plan-covers-data-stores: every data store in the stack is selected by an AWS Backup plan of the stack.

Why: PCI DSS 12.10.1 wants recovery ready, SOC 2 A1.2 backups that support
it. Native backups (RDS retention, DynamoDB PITR) live and die with the
resource and with whoever can delete it; AWS Backup keeps recovery points in a
separate, lockable vault under its own key (AWS Config *_IN_BACKUP_PLAN and
*_RESOURCES_PROTECTED_BY_BACKUP_PLAN for S3, DynamoDB, RDS and Aurora, EBS,
EC2, EFS and FSx). Nothing in pulumi-aws backs a resource up by default.

A data store of a type in `protectedTypes` (default: all of them) is covered
when an `aws.backup.Selection` in the stack
- belongs to an `aws.backup.Plan` in the stack (`plan_id` built from the
  plan, or equal to its id once known) with a rule whose `target_vault_name`
  is an `aws.backup.Vault` in the stack (built from it, or its name);
- includes the store: `resources` holds an ARN built from the store's outputs,
  or an ARN pattern (`*` wildcards, as AWS Backup reads them) matching the
  store's ARN, or the store's type with any name (`arn:aws:s3:::*`) while the
  name is unknown; with no `resources`, `selection_tags` or `conditions`
  alone select; `selection_tags` (any of them, STRINGEQUALS) and `conditions`
  (all of them, on `aws:ResourceTag/<key>`) must match the store's `tags`
  when given, since AWS Backup filters the listed resources by them;
- does not exclude it through `not_resources`;
- is in the store's region when both are known (a plan protects only its
  own region).
One exemption, on by default (`exemptInvocationLogBuckets`; set it false
to require backups of every bucket): an S3 bucket that receives Bedrock model-invocation logs
(the `aws.bedrockmodel.InvocationLoggingConfiguration`'s `s3_config` or
large-data bucket, built from the bucket or naming it). Those logs hold
prompts and answers, which `log-retention-bounded` makes the stack dispose of
within a maximum number of days (PCI DSS 3.2.1, SOC 2 C1.2); a recovery point
would keep them past that bound.

A selection with neither resources nor tags nor conditions selects "all
opted-in resources" of the account, which depends on account settings a
program does not declare, so it covers nothing here. Where preview cannot
tell (an unknown ARN, tag or plan that no resource of the stack produced), the
check is deferred to `pulumi up`. The plan's schedule and retention are
`backup-plan-retention-sufficient`'s, the vault's lock
`backup-vault-deletion-protected`'s.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any, Iterable

from ..model import UNKNOWN, Deferred, ResourceView, StackView, Violation, as_list, dig, is_unknown
from ..rule import Rule
from ._findings import describe
from ._iam_policy import Tristate, all_of, any_of, negate
from ._links import feeds, unresolved
from ._s3 import BUCKETS

SELECTION = "aws:backup/selection:Selection"
PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
INVOCATION_BUCKET_PATHS = (("s3Config", "bucketName"), ("cloudwatchConfig", "largeDataDeliveryS3Config", "bucketName"))

# Type -> (ARN service, the ARN's resource part before the name, the input or output naming the store).
FILE_SYSTEM = ("fsx", "file-system/", "id")
DATA_STORES = {
    "aws:s3/bucket:Bucket": ("s3", "", "bucket"),
    "aws:s3/bucketV2:BucketV2": ("s3", "", "bucket"),
    "aws:dynamodb/table:Table": ("dynamodb", "table/", "name"),
    "aws:rds/instance:Instance": ("rds", "db:", "identifier"),
    "aws:rds/cluster:Cluster": ("rds", "cluster:", "clusterIdentifier"),
    "aws:ebs/volume:Volume": ("ec2", "volume/", "id"),
    "aws:ec2/instance:Instance": ("ec2", "instance/", "id"),
    "aws:efs/fileSystem:FileSystem": ("elasticfilesystem", "file-system/", "id"),
    "aws:fsx/lustreFileSystem:LustreFileSystem": FILE_SYSTEM,
    "aws:fsx/windowsFileSystem:WindowsFileSystem": FILE_SYSTEM,
    "aws:fsx/ontapFileSystem:OntapFileSystem": FILE_SYSTEM,
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": FILE_SYSTEM,
}
# Stands for a name preview does not know: only a pattern with a wildcard where the name goes matches it.
ANY_NAME = "\x00"
RESOURCE_TAG = "aws:ResourceTag/"
# Conditions operator -> (wire name, whether it must match, matcher).
CONDITION_OPERATORS = (
    ("stringEquals", True, str.__eq__),
    ("stringNotEquals", False, str.__eq__),
    ("stringLikes", True, fnmatch.fnmatchcase),
    ("stringNotLikes", False, fnmatch.fnmatchcase),
)


def region_of(resource: ResourceView) -> Any:
    """The resource's own region input, else its provider's region (None when neither says)."""
    own = resource.get("region")
    if own is not None:
        return own
    return dig(resource.provider.props, "region") if resource.provider is not None else None


def store_arn(store: ResourceView) -> tuple[str, Any]:
    """(ARN service, the ARN's resource part) of a data store; the part is UNKNOWN while its name is."""
    service, prefix, naming = DATA_STORES[store.type]
    arn = store.get("arn")
    if isinstance(arn, str) and arn.count(":") >= 5:
        parts = arn.split(":", 5)
        return parts[2], parts[5]
    name = store.get(naming)
    return service, (prefix + name if isinstance(name, str) and name else UNKNOWN)


def pattern_matches(pattern: Any, store: ResourceView) -> Tristate:
    """Whether one `resources` / `not_resources` entry names `store` (AWS Backup's `*` wildcards)."""
    if is_unknown(pattern):
        return UNKNOWN
    if not isinstance(pattern, str):
        return False
    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return False
    prefix = DATA_STORES[store.type][1]
    actual_service, actual = store_arn(store)
    region = region_of(store)
    if parts[3] and isinstance(region, str) and not fnmatch.fnmatchcase(region, parts[3]):
        return False
    if not fnmatch.fnmatchcase(actual_service, parts[2]):
        return False
    if not is_unknown(actual):
        return fnmatch.fnmatchcase(actual, parts[5])
    if fnmatch.fnmatchcase(prefix + ANY_NAME, parts[5]):
        return True
    # A pattern naming part of a name (`table/cards-*`) may or may not match a name preview can't see;
    # an exact ARN cannot name a resource that is not created yet.
    return UNKNOWN if any(c in parts[5] for c in "*?") and parts[5].startswith(prefix) else False


def _named(selection: ResourceView, prop: str, store: ResourceView, stack: StackView) -> Tristate:
    """Whether `resources` (or `not_resources`) of `selection` includes `store`."""
    if feeds(selection, prop, store):
        return True
    entries = as_list(selection.get(prop))
    if is_unknown(entries):
        return UNKNOWN if unresolved(stack, selection, prop, UNKNOWN, tuple(DATA_STORES)) else False
    verdicts = []
    for entry in entries:
        verdict = pattern_matches(entry, store)
        # An unknown entry built from another data store of this stack is that store's ARN.
        if is_unknown(verdict) and is_unknown(entry) and not unresolved(stack, selection, prop, entry, tuple(DATA_STORES)):
            verdict = False
        verdicts.append(verdict)
    return any_of(*verdicts)


def _tags(store: ResourceView) -> Any:
    tags = store.get("tags")
    return tags if is_unknown(tags) or isinstance(tags, Mapping) else {}


def _tag_matches(tags: Any, key: Any, value: Any, matcher) -> Tristate:
    if is_unknown(tags) or is_unknown(key) or is_unknown(value):
        return UNKNOWN
    if not isinstance(key, str):
        return False
    actual = tags.get(key)
    if is_unknown(actual):
        return UNKNOWN
    return isinstance(actual, str) and isinstance(value, str) and matcher(actual, value)


def _selection_tags(selection: ResourceView, tags: Any) -> Tristate:
    """Any of `selection_tags` matches (True when there are none)."""
    entries = as_list(selection.get("selectionTags"))
    if is_unknown(entries):
        return UNKNOWN
    if not entries:
        return True
    return any_of(*(_selection_tag_matches(entry, tags) for entry in entries))


def _selection_tag_matches(entry: Any, tags: Any) -> Tristate:
    kind = dig(entry, "type")
    if is_unknown(kind):
        return UNKNOWN
    return all_of(kind == "STRINGEQUALS", _tag_matches(tags, dig(entry, "key"), dig(entry, "value"), str.__eq__))


def _condition_holds(entry: Any, tags: Any, must_match: bool, matcher) -> Tristate:
    key = dig(entry, "key")
    if is_unknown(key):
        return UNKNOWN
    if not (isinstance(key, str) and key.startswith(RESOURCE_TAG)):
        return False
    matched = _tag_matches(tags, key[len(RESOURCE_TAG):], dig(entry, "value"), matcher)
    return matched if must_match else negate(matched)


def _conditions(selection: ResourceView, tags: Any) -> Tristate:
    """All `conditions` hold (True when there are none)."""
    blocks = as_list(selection.get("conditions"))
    if is_unknown(blocks):
        return UNKNOWN
    verdicts = []
    for block in blocks:
        for operator, must_match, matcher in CONDITION_OPERATORS:
            entries = as_list(dig(block, operator))
            if is_unknown(entries):
                verdicts.append(UNKNOWN)
                continue
            verdicts += [_condition_holds(entry, tags, must_match, matcher) for entry in entries]
    return all_of(*verdicts)


def _filters_given(selection: ResourceView) -> Tristate:
    values = [as_list(selection.get(p)) for p in ("selectionTags", "conditions")]
    if any(is_unknown(v) for v in values):
        return UNKNOWN
    return any(bool(v) for v in values)


def selects(selection: ResourceView, store: ResourceView, stack: StackView) -> Tristate:
    """Whether AWS Backup would assign `store` to `selection` (three-valued)."""
    listed = selection.get("resources")
    if is_unknown(listed) or as_list(listed):
        included = _named(selection, "resources", store, stack)
    else:
        included = _filters_given(selection)
    tags = _tags(store)
    regions = (region_of(selection), region_of(store))
    same_region = not all(isinstance(r, str) for r in regions) or regions[0] == regions[1]
    return all_of(same_region, included, _selection_tags(selection, tags), _conditions(selection, tags),
                  negate(_named(selection, "notResources", store, stack)))


def _plan_with_vault(plan: ResourceView, vaults: Iterable[ResourceView]) -> Tristate:
    """Whether one of the plan's rules targets a vault of the stack."""
    vaults = list(vaults)
    if any(feeds(plan, "rules", vault) for vault in vaults):
        return True
    rules = as_list(plan.get("rules"))
    if is_unknown(rules):
        return UNKNOWN
    names = {vault.get("name") for vault in vaults} - {None}
    verdicts = []
    for rule in rules:
        target = dig(rule, "targetVaultName")
        verdicts.append(UNKNOWN if is_unknown(target) or UNKNOWN in names else isinstance(target, str) and target in names)
    return any_of(*verdicts)


def _selection_plan(selection: ResourceView, plans: dict[str, Tristate], stack: StackView) -> Tristate:
    """Whether the selection's plan is a plan of the stack that stores into a vault of the stack."""
    verdicts = [plans[urn] for urn in selection.property_dependencies.get("planId", ()) if urn in plans]
    plan_id = selection.get("planId")
    if is_unknown(plan_id):
        if not verdicts:
            return UNKNOWN  # built from something that is not a plan of this stack: known only at update
    else:
        verdicts += [plans[p.urn] for p in stack.of_type(PLAN) if isinstance(plan_id, str) and p.get("id") == plan_id]
    return any_of(*verdicts)


def receives_invocation_logs(store: ResourceView, logging_configurations: Iterable[ResourceView]) -> bool:
    """A bucket that model-invocation logging writes to, by output reference or by name."""
    name = store.get("bucket") if store.type in BUCKETS else None
    return any(feeds(c, "loggingConfig", store) or (isinstance(name, str) and any(
        dig(c.props, "loggingConfig", *path) == name for path in INVOCATION_BUCKET_PATHS))
        for c in logging_configurations)


def check(stack: StackView, config):
    logging_configurations = stack.of_type(INVOCATION_LOGGING)
    vaults = stack.of_type(VAULT)
    plans = {plan.urn: _plan_with_vault(plan, vaults) for plan in stack.of_type(PLAN)}
    selections = [(s, _selection_plan(s, plans, stack)) for s in stack.of_type(SELECTION)]
    for store in stack.of_type(*config["protectedTypes"]):
        if config["exemptInvocationLogBuckets"] and receives_invocation_logs(store, logging_configurations):
            continue
        verdict = any_of(*(all_of(planned, selects(selection, store, stack)) for selection, planned in selections))
        if verdict is True:
            continue
        if is_unknown(verdict):
            yield Deferred(f"{describe(store)}: whether a backup selection includes it is unknown at preview",
                           store.urn)
        else:
            yield Violation(f"{describe(store)} is not selected by any aws.backup.Selection of an aws.backup.Plan "
                            "that stores into an aws.backup.Vault of this stack.", store.urn)


RULE = Rule(
    name="backup-plan-covers-data-stores",
    description=("Every S3 bucket, DynamoDB table, RDS instance or cluster, EBS volume, EC2 instance, EFS and FSx "
                 "file system in the stack is selected by an AWS Backup plan of the stack with a vault in the stack."),
    severity="medium",
    pci_dss=("12.10.1",),
    soc2=("A1.2",),
    remediation=("Add aws.backup.Vault, aws.backup.Plan(rules=[{'target_vault_name': vault.name, ...}]) and "
                 "aws.backup.Selection(plan_id=plan.id, iam_role_arn=role.arn, resources=[store.arn, ...])."),
    check=check,
    resource_types=tuple(DATA_STORES),
    scope="stack",
    config_properties={
        "protectedTypes": {"type": "array", "items": {"enum": list(DATA_STORES)}, "uniqueItems": True,
                           "description": "Resource types that must be in a backup plan."},
        "exemptInvocationLogBuckets": {"type": "boolean",
                                       "description": "Leave buckets receiving Bedrock model-invocation logs out, "
                                                      "so prompts are not kept past their disposal bound."},
    },
    default_config={"protectedTypes": list(DATA_STORES), "exemptInvocationLogBuckets": True},
    violation_example='aws.dynamodb.Table("ledger", hash_key="id", attributes=[...])  # and no aws.backup.Selection for it',
)

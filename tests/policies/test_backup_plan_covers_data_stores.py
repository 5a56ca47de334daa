"""backup-plan-covers-data-stores: every store selected (by output ARN, pattern, tags, conditions), one gap at a time."""

import dataclasses

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, provider, resource, run, waiver

POLICY = "backup-plan-covers-data-stores"
STORES = [
    resource(aws.s3.Bucket, "data", bucket="perimeter-data", tags={"backup": "daily"}),
    resource(aws.s3.BucketV2, "legacy", bucket="perimeter-legacy"),
    resource(aws.dynamodb.Table, "ledger", name="ledger", hash_key="id", attributes=[{"name": "id", "type": "S"}]),
    resource(aws.rds.Instance, "cards", identifier="cards", engine="postgres", instance_class="db.t4g.micro"),
    resource(aws.rds.Cluster, "aurora", cluster_identifier="aurora", engine="aurora-postgresql"),
    resource(aws.ebs.Volume, "scratch", availability_zone="eu-west-1a", size=10),
    resource(aws.ec2.Instance, "worker", ami="ami-0abc", instance_type="t3.micro"),
    resource(aws.efs.FileSystem, "shared"),
    resource(aws.fsx.LustreFileSystem, "lustre", subnet_ids=UNKNOWN),
    resource(aws.fsx.WindowsFileSystem, "windows", subnet_ids=[UNKNOWN], throughput_capacity=32),
    resource(aws.fsx.OntapFileSystem, "ontap", subnet_ids=[UNKNOWN], deployment_type="SINGLE_AZ_1",
             preferred_subnet_id=UNKNOWN, storage_capacity=1024),
    resource(aws.fsx.OpenZfsFileSystem, "zfs", subnet_ids=[UNKNOWN], deployment_type="SINGLE_AZ_1",
             throughput_capacity=64),
]
IDS = ["s3", "s3-v2", "dynamodb", "rds", "aurora", "ebs", "ec2", "efs", "lustre", "windows", "ontap", "openzfs"]
EXPECTED_TYPES = {
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:dynamodb/table:Table", "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster", "aws:ebs/volume:Volume", "aws:ec2/instance:Instance", "aws:efs/fileSystem:FileSystem",
    "aws:fsx/lustreFileSystem:LustreFileSystem", "aws:fsx/windowsFileSystem:WindowsFileSystem",
    "aws:fsx/ontapFileSystem:OntapFileSystem", "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
}
VAULT = resource(aws.backup.Vault, "vault", name="perimeter-backup", kms_key_arn=UNKNOWN)
RULE = {"rule_name": "daily", "target_vault_name": UNKNOWN, "schedule": "cron(0 5 ? * * *)",
        "lifecycle": {"delete_after": 35}}
PLAN = resource(aws.backup.Plan, "plan", rules=[RULE], property_dependencies={"rules": [VAULT]})


def selection(stores=(), name="all", **arguments):
    """A selection of PLAN naming `stores` by output ARN (unknown at preview, linked by dependency)."""
    arguments.setdefault("resources", [UNKNOWN] * len(stores) or None)
    dependencies = {"planId": [PLAN], **({"resources": list(stores)} if stores else {})}
    return resource(aws.backup.Selection, name, plan_id=UNKNOWN, iam_role_arn=UNKNOWN,
                    property_dependencies=dependencies, **arguments)


BACKUP = [VAULT, PLAN]


def unlinked(resource_):
    """The resource with no recorded property dependencies: its inputs were literals or came from elsewhere."""
    return dataclasses.replace(resource_, property_dependencies={})
STACK = STORES + BACKUP + [selection(STORES)]


def test_the_rule_covers_the_expected_types():
    from perimeter_policies.testing import rule_named
    assert set(rule_named(POLICY).resource_types) == EXPECTED_TYPES == {s.type for s in STORES}


def test_every_store_selected_by_output_arn_passes():
    run(POLICY, STACK).assert_clean()


@pytest.mark.parametrize("store", STORES, ids=IDS)
def test_a_store_no_selection_names_blocks(store):
    others = [s for s in STORES if s is not store]
    run(POLICY, STORES + BACKUP + [selection(others)]).assert_violation("not selected by any aws.backup.Selection",
                                                                        on=store)


@pytest.mark.parametrize("gap", ["no vault", "vault elsewhere", "plan elsewhere", "excluded",
                                 "other region"])
def test_a_selection_that_does_not_reach_a_vault_of_the_stack_covers_nothing(gap):
    bucket = STORES[0]
    chosen = selection([bucket])
    stack = [bucket, VAULT, PLAN, chosen]
    if gap == "no vault":
        stack[1:3] = [unlinked(PLAN.replace(rules=[{**RULE, "target_vault_name": "perimeter-backup"}]))]
    elif gap == "vault elsewhere":
        stack[2] = unlinked(PLAN.replace(rules=[{**RULE, "target_vault_name": "central-vault"}]))
    elif gap == "plan elsewhere":
        stack[-1] = dataclasses.replace(chosen.replace(plan_id="0f3c-plan-elsewhere"),
                                       property_dependencies={"resources": (bucket.urn,)})
    elif gap == "excluded":
        stack[-1] = selection([bucket], not_resources=["arn:aws:s3:::perimeter-*"])
    else:
        stack[-1] = selection([bucket], region="us-east-1")
    run(POLICY, stack).assert_violation("not selected", on=bucket)


@pytest.mark.parametrize("resources", [
    ["*"], ["arn:aws:s3:::*"], ["arn:aws:s3:::perimeter-data"], ["arn:*:s3:::perimeter-*"],
    ["arn:aws:dynamodb:eu-west-1:111122223333:table/ledger", "arn:aws:s3:::perimeter-data"],
])
def test_arn_patterns_select_by_name(resources):
    run(POLICY, [STORES[0]] + BACKUP + [selection(resources=resources)]).assert_clean()


@pytest.mark.parametrize("resources", [
    ["arn:aws:s3:::perimeter-other"], ["arn:aws:dynamodb:*:*:table/*"], ["perimeter-data"], [7],
    ["arn:aws:s3:::perimeter-data/*x"],
])
def test_arn_patterns_that_name_something_else_block(resources):
    run(POLICY, [STORES[0]] + BACKUP + [selection(resources=resources)]).assert_violation("not selected")


@pytest.mark.parametrize("store, pattern", [
    (STORES[5], "arn:aws:ec2:*:*:volume/*"), (STORES[6], "arn:aws:ec2:eu-west-1:*:instance/*"),
    (STORES[7], "arn:aws:elasticfilesystem:*:*:file-system/*"), (STORES[8], "arn:aws:fsx:*:*:file-system/*"),
    (STORES[2], "arn:aws:dynamodb:*:*:table/led*"), (STORES[3], "arn:aws:rds:*:*:db:cards"),
    (STORES[4], "arn:aws:rds:*:*:cluster:*"),
])
def test_type_wide_patterns_select_stores_whose_ids_are_generated(store, pattern):
    run(POLICY, [store] + BACKUP + [selection(resources=[pattern])]).assert_clean()


def test_patterns_for_another_region_or_a_specific_generated_id_do_not_select():
    volume = STORES[5]
    run(POLICY, [volume] + BACKUP + [selection(resources=["arn:aws:ec2:us-east-1:*:volume/*"])]) \
        .assert_violation("not selected")
    run(POLICY, [volume] + BACKUP + [selection(resources=["arn:aws:ec2:eu-west-1:1:volume/vol-0abc"])]) \
        .assert_violation("not selected")


def test_known_arns_at_update_are_matched_exactly():
    volume = dataclasses.replace(STORES[5], outputs={**STORES[5].inputs, "id": "vol-0abc",
                                                     "arn": "arn:aws:ec2:eu-west-1:1:volume/vol-0abc"})
    run(POLICY, [volume] + BACKUP + [selection(resources=["arn:aws:ec2:eu-west-1:1:volume/vol-0abc"])]).assert_clean()
    run(POLICY, [volume] + BACKUP + [selection(resources=["arn:aws:ec2:eu-west-1:1:volume/vol-0def"])]) \
        .assert_violation("not selected")
    by_id = dataclasses.replace(STORES[5], outputs={**STORES[5].inputs, "id": "vol-0abc"})
    run(POLICY, [by_id] + BACKUP + [selection(resources=["arn:aws:ec2:*:*:volume/vol-0abc"])]).assert_clean()


def test_selection_tags_and_conditions_select_by_tag():
    bucket = STORES[0]
    tag = {"type": "STRINGEQUALS", "key": "backup", "value": "daily"}
    run(POLICY, [bucket] + BACKUP + [selection(selection_tags=[tag])]).assert_clean()
    run(POLICY, [bucket] + BACKUP + [selection(selection_tags=[{**tag, "value": "weekly"}, tag])]).assert_clean()
    run(POLICY, [bucket] + BACKUP + [selection(selection_tags=[{**tag, "value": "weekly"}])]) \
        .assert_violation("not selected")
    run(POLICY, [bucket] + BACKUP + [selection(selection_tags=[{**tag, "type": "STRINGLIKE"}])]) \
        .assert_violation("not selected")
    equals = {"string_equals": [{"key": "aws:ResourceTag/backup", "value": "daily"}]}
    run(POLICY, [bucket] + BACKUP + [selection(resources=["*"], conditions=[equals])]).assert_clean()
    run(POLICY, [bucket] + BACKUP + [selection(conditions=[equals])]).assert_clean()


@pytest.mark.parametrize("conditions", [
    [{"string_equals": [{"key": "aws:ResourceTag/backup", "value": "weekly"}]}],
    [{"string_equals": [{"key": "backup", "value": "daily"}]}],
    [{"string_not_equals": [{"key": "aws:ResourceTag/backup", "value": "daily"}]}],
    [{"string_likes": [{"key": "aws:ResourceTag/backup", "value": "week*"}]}],
    [{"string_not_likes": [{"key": "aws:ResourceTag/backup", "value": "da*"}]}],
    [{"string_equals": [{"key": "aws:ResourceTag/backup", "value": "daily"}],
      "string_likes": [{"key": "aws:ResourceTag/tier", "value": "*"}]}],
])
def test_conditions_all_hold_or_the_store_is_filtered_out(conditions):
    run(POLICY, [STORES[0]] + BACKUP + [selection(resources=["*"], conditions=conditions)]) \
        .assert_violation("not selected")


def test_conditions_that_hold_together_select():
    conditions = [{"string_likes": [{"key": "aws:ResourceTag/backup", "value": "da*"}],
                   "string_not_equals": [{"key": "aws:ResourceTag/backup", "value": "never"}],
                   "string_not_likes": [{"key": "aws:ResourceTag/backup", "value": "week*"}]}]
    run(POLICY, [STORES[0]] + BACKUP + [selection(resources=["*"], conditions=conditions)]).assert_clean()


def test_listed_resources_are_filtered_by_tags_too():
    tag = {"type": "STRINGEQUALS", "key": "backup", "value": "weekly"}
    run(POLICY, [STORES[0]] + BACKUP + [selection([STORES[0]], selection_tags=[tag])]).assert_violation("not selected")


def test_a_selection_with_no_criteria_covers_nothing():
    run(POLICY, [STORES[0]] + BACKUP + [selection()]).assert_violation("not selected")


def test_update_phase_links_by_plan_id_and_vault_name():
    plan = unlinked(PLAN.replace(rules=[{**RULE, "target_vault_name": "perimeter-backup"}]))
    plan = dataclasses.replace(plan, outputs={**plan.inputs, "id": "plan-1234"})
    chosen = unlinked(selection(resources=["arn:aws:s3:::perimeter-data"]).replace(plan_id="plan-1234"))
    run(POLICY, [STORES[0], VAULT, plan, chosen]).assert_clean()


def test_protected_types_are_configurable():
    run(POLICY, STORES + BACKUP + [selection(STORES[:1])],
        config={"protectedTypes": ["aws:s3/bucket:Bucket"]}).assert_clean()


@pytest.mark.parametrize("stack", [
    [STORES[0]] + BACKUP + [selection(resources=UNKNOWN)],
    [STORES[0]] + BACKUP + [selection(resources=[UNKNOWN])],
    [STORES[0]] + BACKUP + [selection(resources=["*"], not_resources=[UNKNOWN])],
    [STORES[0]] + BACKUP + [unlinked(selection(resources=["*"]))],
    [STORES[0].replace(tags=UNKNOWN)] + BACKUP + [selection(resources=["*"], selection_tags=[
        {"type": "STRINGEQUALS", "key": "backup", "value": "daily"}])],
    [STORES[0]] + BACKUP + [selection(resources=["*"], conditions=[{"string_equals": [
        {"key": "aws:ResourceTag/backup", "value": UNKNOWN}]}])],
    [STORES[0]] + BACKUP + [selection(resources=["*"], conditions=UNKNOWN)],
    [STORES[0]] + BACKUP + [selection(resources=["*"], selection_tags=UNKNOWN)],
    [STORES[5]] + BACKUP + [selection(resources=["arn:aws:ec2:*:*:volume/vol-0*"])],
    [STORES[0], VAULT, unlinked(PLAN.replace(rules=UNKNOWN)), selection([STORES[0]])],
    [STORES[0], VAULT, unlinked(PLAN.replace(rules=[{**RULE, "target_vault_name": UNKNOWN}])), selection([STORES[0]])],
])
def test_unknown_at_preview_is_deferred(stack):
    run(POLICY, stack).assert_deferred("unknown at preview")


def test_unknown_entry_built_from_another_store_is_not_this_one():
    bucket, table = STORES[0], STORES[2]
    run(POLICY, [bucket, table] + BACKUP + [selection([table])]).assert_violation("not selected", on=bucket)


def test_store_in_another_region_than_the_plan_blocks():
    bucket = dataclasses.replace(STORES[0], provider_record=provider("us-east-1"))
    run(POLICY, [bucket] + BACKUP + [selection(resources=["*"])]).assert_violation("not selected")


def test_waiver_waives_and_expired_waiver_does_not():
    table = STORES[2]
    run(POLICY, [table], waivers=[waiver(table, reason="Cache table rebuilt from the ledger on restore")]) \
        .assert_waived()
    run(POLICY, [table], waivers=[waiver(table, days=-1)]).assert_violation("expired on")


def test_model_invocation_log_buckets_are_exempt_so_prompts_are_disposed_of():
    logs = resource(aws.s3.Bucket, "invocations", bucket="perimeter-invocations")
    large = resource(aws.s3.Bucket, "large", bucket="perimeter-large")
    by_name = resource(aws.bedrockmodel.InvocationLoggingConfiguration, "logging", logging_config={
        "s3_config": {"bucket_name": "perimeter-invocations"},
        "cloudwatch_config": {"log_group_name": "invocations", "role_arn": UNKNOWN,
                              "large_data_delivery_s3_config": {"bucket_name": "perimeter-large"}}})
    run(POLICY, [logs, large, by_name]).assert_clean()
    by_output = resource(aws.bedrockmodel.InvocationLoggingConfiguration, "logging", logging_config={
        "s3_config": {"bucket_name": UNKNOWN}}, property_dependencies={"loggingConfig": [logs]})
    run(POLICY, [logs, by_output]).assert_clean()
    run(POLICY, [logs, by_output], config={"exemptInvocationLogBuckets": False}).assert_violation("not selected", on=logs)
    run(POLICY, [logs, large, by_output]).assert_violation("not selected", on=large)
    unrelated = resource(aws.bedrockmodel.InvocationLoggingConfiguration, "logging", logging_config={
        "s3_config": {"bucket_name": "perimeter-elsewhere"}})
    run(POLICY, [logs, unrelated]).assert_violation("not selected", on=logs)


def test_known_arn_at_update_wins_over_the_declared_name():
    # An autonamed RDS instance: no identifier input, its ARN (with a ':' in the resource part) known at update.
    instance = resource(aws.rds.Instance, "auto", engine="postgres", instance_class="db.t4g.micro")
    instance = dataclasses.replace(instance, outputs={**instance.inputs, "arn": "arn:aws:rds:eu-west-1:1:db:auto-4f2a"})
    run(POLICY, [instance] + BACKUP + [selection(resources=["arn:aws:rds:eu-west-1:1:db:auto-4f2a"])]).assert_clean()
    run(POLICY, [instance] + BACKUP + [selection(resources=["arn:aws:rds:*:*:db:auto-4f2a"])]).assert_clean()
    run(POLICY, [instance] + BACKUP + [selection(resources=["arn:aws:rds:*:*:db:auto"])]).assert_violation("not selected")


def test_wrongly_typed_names_and_tags_are_unknown_names_and_no_tags():
    table = STORES[2].set("name", 7)
    run(POLICY, [table] + BACKUP + [selection(resources=["arn:aws:dynamodb:*:*:table/ledger"])]) \
        .assert_violation("not selected")
    run(POLICY, [table] + BACKUP + [selection(resources=["arn:aws:dynamodb:*:*:table/*"])]).assert_clean()
    bucket = STORES[0].set("tags", "backup")
    tag = {"type": "STRINGEQUALS", "key": "backup", "value": "daily"}
    run(POLICY, [bucket] + BACKUP + [selection(selection_tags=[tag])]).assert_violation("not selected")


def test_region_field_of_a_pattern_is_matched_even_without_an_account():
    volume = STORES[5]
    run(POLICY, [volume] + BACKUP + [selection(resources=["arn:aws:ec2:us-east-1::volume/*"])]) \
        .assert_violation("not selected")
    run(POLICY, [volume] + BACKUP + [selection(resources=["arn:aws:ec2:eu-west-1::volume/*"])]).assert_clean()


def test_a_literal_id_cannot_name_a_store_not_created_yet():
    run(POLICY, [STORES[5]] + BACKUP + [selection(resources=["arn:aws:ec2:*:*:volume/vol-0XYZ"])]) \
        .assert_violation("that stores into an aws.backup.Vault of this stack.", on=STORES[5])


def test_unknown_resources_built_from_another_store_do_not_select_this_one():
    bucket, table = STORES[0], STORES[2]
    chosen = resource(aws.backup.Selection, "all", plan_id=UNKNOWN, iam_role_arn=UNKNOWN, resources=UNKNOWN,
                      property_dependencies={"planId": [PLAN], "resources": [table]})
    run(POLICY, [bucket, table] + BACKUP + [chosen]).assert_violation("not selected", on=bucket)


@pytest.mark.parametrize("stack", [
    [STORES[0]] + BACKUP + [selection(selection_tags=[{"type": "STRINGEQUALS", "key": UNKNOWN, "value": "daily"}])],
    [STORES[0].replace(tags={"backup": UNKNOWN})] + BACKUP + [selection(selection_tags=[
        {"type": "STRINGEQUALS", "key": "backup", "value": "daily"}])],
    [STORES[0]] + BACKUP + [selection(resources=["*"], conditions=[{"string_equals": [
        {"key": UNKNOWN, "value": "daily"}]}])],
    [STORES[0]] + BACKUP + [selection(resources=["*"], conditions=[{"string_equals": [
        {"key": "aws:ResourceTag/backup", "value": "daily"}]}]).set("conditions", 0, "stringEquals", UNKNOWN)],
    [STORES[0]] + BACKUP + [selection(selection_tags=UNKNOWN)],
    [STORES[0]] + BACKUP + [selection(selection_tags=[{"type": UNKNOWN, "key": "backup", "value": "daily"}])],
])
def test_unknown_tag_filters_are_deferred_on_the_store(stack):
    result = run(POLICY, stack).assert_deferred("Bucket 'data': whether a backup selection includes it")
    assert result.deferred[0]["urn"] == STORES[0].urn

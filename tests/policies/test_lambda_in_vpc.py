import dataclasses

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "lambda-in-vpc"
DB = resource(aws.rds.Instance, "cards", engine="postgres", instance_class="db.t4g.medium", allocated_storage=20,
              publicly_accessible=False)
IN_VPC = {"subnet_ids": [UNKNOWN, UNKNOWN], "security_group_ids": [UNKNOWN]}


def function(name="report", vpc_config=IN_VPC, variables=None, reads=(DB,)):
    env = {"variables": variables if variables is not None else {"DB_HOST": UNKNOWN}}
    return resource(aws.lambda_.Function, name, runtime="python3.12", handler="app.handler", role=UNKNOWN,
                    code=None, vpc_config=vpc_config, environment=env,
                    property_dependencies={"environment": list(reads)} if reads else None)


def test_function_in_vpc_reaching_a_database_passes():
    run(POLICY, [DB, function()]).assert_clean()


def test_function_outside_vpc_that_reaches_no_data_store_passes():
    run(POLICY, [DB, function(vpc_config=None, variables={"TABLE": "jobs"}, reads=())]).assert_clean()


@pytest.mark.parametrize("vpc_config, why", [
    (None, "no vpc_config"),
    ({"subnet_ids": [], "security_group_ids": [UNKNOWN]}, "no vpc_config"),
    ({"subnet_ids": [UNKNOWN], "security_group_ids": []}, "no vpc_config"),
])
def test_function_outside_vpc_reaching_a_database_blocks(vpc_config, why):
    fn = function(vpc_config=vpc_config)
    run(POLICY, [DB, fn]).assert_violation(why, "Instance 'cards'", on=fn)


@pytest.mark.parametrize("store", [
    resource(aws.rds.Cluster, "ledger", engine="aurora-postgresql"),
    resource(aws.redshift.Cluster, "warehouse", cluster_identifier="wh", node_type="ra3.large"),
    resource(aws.elasticache.ReplicationGroup, "sessions", description="sessions"),
    resource(aws.opensearch.Domain, "search", domain_name="search"),
], ids=lambda s: s.type.rsplit(":", 1)[-1])
def test_every_kind_of_data_store_counts(store):
    fn = function(vpc_config=None, reads=(store,))
    run(POLICY, [store, fn]).assert_violation(f"'{store.name}'", on=fn)


def test_known_endpoint_value_links_at_update():
    db = dataclasses.replace(DB, outputs={**DB.inputs, "address": "cards.abc.eu-west-1.rds.amazonaws.com"})
    fn = function(vpc_config=None, variables={"DB_HOST": "cards.abc.eu-west-1.rds.amazonaws.com"}, reads=())
    run(POLICY, [db, fn]).assert_violation("Instance 'cards'")


def test_all_functions_can_be_required():
    fn = function(vpc_config=None, variables={"TABLE": "jobs"}, reads=())
    run(POLICY, [fn], config={"allFunctions": True}).assert_violation("allFunctions")


def test_unknown_vpc_config_is_deferred():
    run(POLICY, [DB, function().unknown("vpcConfig")]).assert_deferred("vpcConfig unknown at preview")


def test_waiver_waives():
    fn = function(vpc_config=None)
    run(POLICY, [DB, fn], waivers=[waiver(fn, reason="Migration job, moved into the VPC in SEC-301")]).assert_waived()


def test_finding_and_deferral_texts_and_urns():
    fn = function(vpc_config=None)
    result = run(POLICY, [DB, fn]).assert_violation(on=fn)
    assert ("\nFunction 'report' has no vpc_config with subnets and security groups, but its environment points at "
            "Instance 'cards'; it reaches data over the public network.\n") in result.violations[0][0]
    alone = function(vpc_config=None, variables={"TABLE": "jobs"}, reads=())
    result = run(POLICY, [alone], config={"allFunctions": True}).assert_violation(on=alone)
    assert "but every function must run in a VPC (allFunctions);" in result.violations[0][0]
    result = run(POLICY, [DB, function().unknown("vpcConfig")]).assert_deferred()
    assert [(d["urn"], d["message"]) for d in result.deferred] == [(fn.urn, "Function 'report': vpcConfig unknown at preview")]


def test_subnets_or_groups_built_from_outputs_count_as_set():
    run(POLICY, [DB, function(vpc_config={"subnet_ids": UNKNOWN, "security_group_ids": UNKNOWN})]).assert_clean()


def test_every_function_is_checked_after_one_in_the_vpc():
    outside = function("export", vpc_config=None)
    run(POLICY, [DB, function(), outside]).assert_violation("Function 'export'", on=outside)


@pytest.mark.parametrize("output", ["address", "endpoint"])
def test_either_endpoint_output_links_at_update(output):
    value = {"address": "cards.abc.eu-west-1.rds.amazonaws.com", "endpoint": "cards.abc.eu-west-1.rds.amazonaws.com:5432"}
    db = dataclasses.replace(DB, outputs={**DB.inputs, output: value[output]})
    fn = function(vpc_config=None, variables={"DB": value[output]}, reads=())
    run(POLICY, [db, fn]).assert_violation("Instance 'cards'")
    run(POLICY, [db, function(vpc_config=None, variables={"DB": "other.example.com"}, reads=())]).assert_clean()


def test_every_function_is_checked_after_an_unjudged_or_deferred_one():
    no_store = function("cron", vpc_config=None, variables={"TABLE": "jobs"}, reads=())
    deferred = function("sync").unknown("vpcConfig")
    outside = function("export", vpc_config=None)
    result = run(POLICY, [DB, no_store, deferred, outside])
    assert result.urns == [outside.urn] and [d["urn"] for d in result.deferred] == [deferred.urn]


def test_function_without_environment_reaches_nothing():
    bare = resource(aws.lambda_.Function, "bare", runtime="python3.12", handler="app.handler", role=UNKNOWN)
    run(POLICY, [DB, bare]).assert_clean()


def test_finding_names_every_store_reached():
    ledger = resource(aws.rds.Cluster, "ledger", engine="aurora-postgresql")
    fn = function(vpc_config=None, reads=(DB, ledger))
    run(POLICY, [DB, ledger, fn]).assert_violation("points at Instance 'cards', Cluster 'ledger';", on=fn)

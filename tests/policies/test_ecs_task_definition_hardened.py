import json

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "ecs-task-definition-hardened"
CONTAINER = {"name": "api", "image": "api:1", "user": "1000:1000", "readonlyRootFilesystem": True, "privileged": False,
             "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/api"}}}


def task(*containers, **arguments):
    return resource(aws.ecs.TaskDefinition, "api", family="api",
                    container_definitions=json.dumps(list(containers or [CONTAINER])), **arguments)


def test_hardened_task_passes():
    run(POLICY, task()).assert_clean()


@pytest.mark.parametrize("changes, named", [
    ({"privileged": True}, "container 'api' is privileged"),
    ({"user": None}, "runs as root (user not set)"),
    ({"user": "root"}, "runs as root (user 'root')"),
    ({"user": "0:0"}, "runs as root (user '0:0')"),
    ({"readonlyRootFilesystem": None}, "writable root filesystem"),
    ({"logConfiguration": None}, "has no logConfiguration"),
], ids=["privileged", "no-user", "root", "uid-0", "writable", "unlogged"])
def test_each_container_weakness_blocks(changes, named):
    container = {k: v for k, v in {**CONTAINER, **changes}.items() if v is not None}
    run(POLICY, task(container)).assert_violation(named)


def test_host_pid_mode_blocks():
    run(POLICY, task(pid_mode="host")).assert_violation("pidMode is 'host'")


@pytest.mark.parametrize("document, named", [("{not json", "is not valid JSON"), (json.dumps({"name": "api"}),
                                                                                     "not a list of container objects")])
def test_unreadable_definitions_block(document, named):
    run(POLICY, resource(aws.ecs.TaskDefinition, "api", family="api", container_definitions=document)) \
        .assert_violation(named)


def test_definitions_built_from_outputs_are_deferred():
    run(POLICY, resource(aws.ecs.TaskDefinition, "api", family="api", container_definitions=UNKNOWN)) \
        .assert_deferred("containerDefinitions")


def test_waiver_waives():
    legacy = task({**CONTAINER, "readonlyRootFilesystem": False})
    run(POLICY, legacy, waivers=[waiver(legacy, reason="Legacy image writes to /tmp until refactor (SEC-71)")]).assert_waived()


def test_every_weakness_of_every_container_is_one_finding_in_order():
    bare = {"name": "api", "image": "api:1", "privileged": True}
    unnamed = {"image": "sidecar:1", "user": " root:root ", "readonlyRootFilesystem": "true",
               "logConfiguration": "awslogs"}
    assert run(POLICY, task(bare, unnamed, pid_mode="host")).finding() == (
        "TaskDefinition 'api': pidMode is 'host': containers share the host's process namespace; "
        "container 'api' is privileged; container 'api' runs as root (user not set); "
        "container 'api' has a writable root filesystem (readonlyRootFilesystem not true); "
        "container 'api' has no logConfiguration; container 2 runs as root (user ' root:root '); "
        "container 2 has a writable root filesystem (readonlyRootFilesystem not true); container 2 has no logConfiguration.")


@pytest.mark.parametrize("user", ["", "   ", 1000, "0", "root:1000"])
def test_blank_numeric_or_root_user_runs_as_root(user):
    assert run(POLICY, task({**CONTAINER, "user": user})).finding() == (
        f"TaskDefinition 'api': container 'api' runs as root (user {user!r}).")


@pytest.mark.parametrize("user", ["1000", "app", "1000:0", " 1000 ", "rooter"])
def test_a_non_root_user_passes(user):
    run(POLICY, task({**CONTAINER, "user": user})).assert_clean()


@pytest.mark.parametrize("privileged", ["true", 1, False])
def test_only_privileged_true_is_privileged(privileged):
    run(POLICY, task({**CONTAINER, "privileged": privileged})).assert_clean()


def test_a_container_name_that_is_not_text_is_counted_from_one():
    second = {**CONTAINER, "name": 7, "readonlyRootFilesystem": False}
    assert run(POLICY, task(CONTAINER, second)).finding() == (
        "TaskDefinition 'api': container 2 has a writable root filesystem (readonlyRootFilesystem not true).")


@pytest.mark.parametrize("pid_mode", ["task", None])
def test_task_pid_mode_passes(pid_mode):
    run(POLICY, task(pid_mode=pid_mode)).assert_clean()


def test_unknown_pid_mode_is_deferred_and_a_known_problem_still_blocks():
    deferred = run(POLICY, task(pid_mode=UNKNOWN)).assert_deferred()
    assert [d["message"] for d in deferred.deferred] == ["TaskDefinition 'api': pidMode unknown at preview"]
    both = run(POLICY, resource(aws.ecs.TaskDefinition, "api", family="api", container_definitions=UNKNOWN,
                                pid_mode=UNKNOWN)).assert_deferred()
    assert [d["message"] for d in both.deferred] == [
        "TaskDefinition 'api': pidMode, containerDefinitions unknown at preview"]
    assert run(POLICY, resource(aws.ecs.TaskDefinition, "api", family="api", container_definitions=UNKNOWN,
                                        pid_mode="host")).finding() == (
        "TaskDefinition 'api': pidMode is 'host': containers share the host's process namespace.")


@pytest.mark.parametrize("document", [json.dumps([CONTAINER, "api"]), json.dumps("api"), json.dumps([["api"]])])
def test_definitions_that_are_not_container_objects_block(document):
    result = run(POLICY, resource(aws.ecs.TaskDefinition, "api", family="api", container_definitions=document))
    assert result.finding() == "TaskDefinition 'api': containerDefinitions is not a list of container objects."


def test_an_empty_container_list_passes():
    run(POLICY, resource(aws.ecs.TaskDefinition, "api", family="api", container_definitions="[]")).assert_clean()

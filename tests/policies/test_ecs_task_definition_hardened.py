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

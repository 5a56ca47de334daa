"""ecs-task-definition-hardened: containers run unprivileged, as non-root, read-only, logged, in their own PID space.

Why: a task definition is the configuration standard of every container it
starts (PCI DSS 2.2.1). Each of these defaults widens what a compromised
container can do or hides what it did:
- `privileged: true` gives the container the host's devices and kernel
  capabilities (ECS_CONTAINERS_NONPRIVILEGED; PCI DSS 7.2.1);
- no `user`, or `root` / `0`, runs the process as root (ECS_TASK_DEFINITION_NONROOT_USER);
- no `readonlyRootFilesystem: true` lets an attacker modify the image's files
  (ECS_CONTAINERS_READONLY_ACCESS);
- no `logConfiguration` leaves the container's output unlogged
  (ECS_TASK_DEFINITION_LOG_CONFIGURATION; PCI DSS 10.2.1);
- task `pid_mode="host"` shares the host's process namespace
  (ECS_TASK_DEFINITION_PID_MODE_CHECK).
`container_definitions` is JSON text (a list of container objects); text that
is not such a list is a violation, and a document built from outputs is
checked at `pulumi up`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._documents import MalformedDocument, load_document
from ._findings import describe, settle

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ROOT_USERS = ("root", "0")


def _container_problems(label: str, container: Mapping) -> list[str]:
    problems = []
    if container.get("privileged") is True:
        problems.append(f"{label} is privileged")
    user = container.get("user")
    if not isinstance(user, str) or not user.strip() or user.strip().partition(":")[0] in ROOT_USERS:
        problems.append(f"{label} runs as root (user {'not set' if user is None else repr(user)})")
    if container.get("readonlyRootFilesystem") is not True:
        problems.append(f"{label} has a writable root filesystem (readonlyRootFilesystem not true)")
    if not isinstance(container.get("logConfiguration"), Mapping):
        problems.append(f"{label} has no logConfiguration")
    return problems


def check(task: ResourceView, config):
    problems, unknowns = [], []
    pid_mode = task.get("pidMode")
    if is_unknown(pid_mode):
        unknowns.append("pidMode")
    elif pid_mode == "host":
        problems.append("pidMode is 'host': containers share the host's process namespace")
    try:
        containers = load_document(task.get("containerDefinitions"))
        if is_unknown(containers):
            unknowns.append("containerDefinitions")
            containers = []
        elif containers is not None and not (isinstance(containers, list)
                                             and all(isinstance(c, Mapping) for c in containers)):
            raise MalformedDocument("is not a list of container objects")
    except MalformedDocument as problem:
        problems.append(f"containerDefinitions {problem}")
        containers = []
    for index, container in enumerate(containers or []):
        name = container.get("name")
        problems += _container_problems(f"container {name!r}" if isinstance(name, str) else f"container {index + 1}",
                                        container)
    yield from settle(problems, unknowns, subject=describe(task))


RULE = Rule(
    name="ecs-task-definition-hardened",
    description=("ECS containers are not privileged, run as a non-root user on a read-only root filesystem, "
                 "have a log configuration, and tasks do not share the host PID namespace."),
    severity="high",
    pci_dss=("2.2.1", "7.2.1", "10.2.1"),
    soc2=("CC6.1", "CC6.8", "CC7.2"),
    remediation=("In container_definitions set \"privileged\": false, \"user\": \"<uid>:<gid>\" (not root), "
                 "\"readonlyRootFilesystem\": true and a \"logConfiguration\" (e.g. awslogs to a log group with "
                 "retention and a CMK); leave pid_mode unset or \"task\" on the aws.ecs.TaskDefinition."),
    check=check,
    resource_types=(TASK_DEFINITION,),
    violation_example=('aws.ecs.TaskDefinition("api", family="api", container_definitions=json.dumps([{"name": "api", '
                       '"image": "api:1", "privileged": True}]))'),
)

"""lambda-function-settings-approved: functions run a supported, approved runtime within the organisation's limits.

Why: a Lambda runtime is an operating system plus a language interpreter that
AWS patches only while the runtime is supported. Once AWS deprecates it, the
function keeps running on an image that gets no more security fixes (PCI DSS
6.3.3), and pulumi-aws still accepts the old identifier (its Runtime enum
lists every runtime ever offered). So:
- `runtime` must be in the organisation's `allowedRuntimes` (default: the
  current generation, on Amazon Linux 2023), and a runtime AWS has deprecated
  (`DEPRECATED_RUNTIMES`, from its runtime deprecation schedule) is refused even
  when an organisation's list names it. A zip function without a runtime is
  refused too; container images (`package_type="Image"`) bring their own
  runtime and are left to image scanning;
- `timeout` (default 3 s) and `memory_size` (default 128 MB) must not exceed
  `maxTimeoutSeconds` and `maxMemorySizeMb`: the organisation's configuration
  standard (2.2.1) for how long, and how large, one invocation of code in the
  perimeter may run, which bounds both a runaway loop's cost and how long a
  compromised invocation keeps its credentials.
This is AWS Config LAMBDA_FUNCTION_SETTINGS_CHECK with limits instead of exact
values. Values unknown at preview are deferred to `pulumi up`.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, require_bound, settle

FUNCTION = "aws:lambda/function:Function"
DEPRECATED_RUNTIMES = frozenset({
    "python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
    "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x",
    "java8", "go1.x", "provided",
    "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "dotnet7",
    "ruby2.5", "ruby2.7",
})
CURRENT_RUNTIMES = ["python3.12", "python3.13", "python3.14", "nodejs22.x", "nodejs24.x", "java21", "java25",
                    "dotnet10", "ruby3.3", "ruby3.4", "provided.al2023"]
DEFAULT_TIMEOUT_SECONDS = 3
DEFAULT_MEMORY_MB = 128


def _runtime(function: ResourceView, allowed: list, problems: list, unknowns: list) -> None:
    runtime = function.get("runtime")
    if is_unknown(runtime):
        unknowns.append("runtime")
    elif runtime is None:
        package_type = function.get("packageType")
        if is_unknown(package_type):
            unknowns.append("packageType")
        elif package_type != "Image":
            problems.append(f"runtime is not set for a zip function; set runtime to one of {allowed!r}")
    elif isinstance(runtime, str) and runtime in DEPRECATED_RUNTIMES:
        problems.append(f"runtime {runtime!r} is deprecated by AWS and gets no security patches; "
                        f"set runtime to one of {allowed!r}")
    elif runtime not in allowed:
        problems.append(f"runtime {runtime!r} is not an approved runtime; set runtime to one of {allowed!r}")


def check(function: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    _runtime(function, list(config["allowedRuntimes"]), problems, unknowns)
    require_bound(function, "timeout", "timeout", DEFAULT_TIMEOUT_SECONDS, problems=problems, unknowns=unknowns,
                  at_most=config["maxTimeoutSeconds"])
    require_bound(function, "memorySize", "memory_size", DEFAULT_MEMORY_MB, problems=problems, unknowns=unknowns,
                  at_most=config["maxMemorySizeMb"])
    yield from settle(problems, unknowns, subject=describe(function))


RULE = Rule(
    name="lambda-function-settings-approved",
    description=("Lambda functions use a supported runtime from the organisation's allow-list, and stay within its "
                 "maximum timeout and memory size."),
    severity="medium",
    pci_dss=("6.3.3", "2.2.1"),
    soc2=("CC7.1", "CC8.1"),
    remediation=("Set runtime on aws.lambda_.Function to a current runtime (e.g. 'python3.13'), and keep timeout and "
                 "memory_size within the organisation's limits (policy config maxTimeoutSeconds, maxMemorySizeMb)."),
    check=check,
    resource_types=(FUNCTION,),
    config_properties={
        "allowedRuntimes": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                            "description": "Runtime identifiers functions may use; AWS-deprecated ones stay refused."},
        "maxTimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 900,
                              "description": "The longest timeout a function may declare, in seconds."},
        "maxMemorySizeMb": {"type": "integer", "minimum": 128, "maximum": 10240,
                            "description": "The largest memory_size a function may declare, in MB."},
    },
    default_config={"allowedRuntimes": CURRENT_RUNTIMES, "maxTimeoutSeconds": 300, "maxMemorySizeMb": 3008},
    violation_example=('aws.lambda_.Function("worker", runtime="python3.8", handler="app.handler", role=role.arn, '
                       'code=pulumi.FileArchive("app"))'),
)

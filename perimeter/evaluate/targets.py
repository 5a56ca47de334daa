"""What `--live` evaluates: the guardrail version (and, for `--end-to-end`, the function) the stack deployed.

Read from `pulumi stack output --json`, the same file `perimeter verify --outputs`
reads and validates (docs/verify.md): `guardrail.{id, version}`, `region`, and
`assistantFunctionArn` for `--end-to-end`.
"""

from __future__ import annotations

from ..errors import UsageError
from ..verify import outputs as contract
from .live import LiveTarget


def live_target(options, stack_region: str) -> tuple[LiveTarget, str]:
    if not options.outputs_path:
        raise UsageError("--live needs --outputs: the deployed stack's `pulumi stack output --json` file (it names "
                         "the guardrail version to evaluate)")
    outputs = contract.load(options.outputs_path)
    function = None
    if options.end_to_end:
        function = outputs.get("assistantFunctionArn")
        if not isinstance(function, str) or not function:
            raise UsageError(f"--outputs {options.outputs_path} has no `assistantFunctionArn`; --end-to-end invokes "
                             "the assistant it names (deploy the assistant, then export its outputs again)")
    region = options.region or outputs.get("region") or stack_region
    return LiveTarget(outputs["guardrail"]["id"], str(outputs["guardrail"]["version"]), function), region

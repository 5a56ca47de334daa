"""Perimeter: read and validate the stack config, build the architecture, export outputs.

A bad config fails the update before any resource is registered (the config
and the guardrail policy are validated first). ConfigError is re-raised as
pulumi.RunError because the engine reports a RunError as its one-line message
without a Python traceback; `pulumi.log.error` plus `sys.exit` would lose the
message's place in the update summary.
"""

import pulumi

from components.architecture import build_perimeter
from components.config import ConfigError, load_config
from components.governance import register_ownership_tags

try:
    config = load_config()
    register_ownership_tags(config)
    outputs = build_perimeter(config)
except ConfigError as error:
    raise pulumi.RunError(str(error)) from None

for name, value in outputs.items():
    pulumi.export(name, value)

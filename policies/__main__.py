"""Entry point the Pulumi engine runs: `python -u -m pulumi.policy <engine> policies`.

Constructing the PolicyPack starts the Analyzer server and never returns, so it
lives here and nowhere else; everything importable sits in `perimeter_policies`.
"""

from perimeter_policies.pack import PACK_NAME, build_policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=build_policies(),
)

"""kms-key-deletion-safeguards: KMS keys keep the policy lockout check and a deletion waiting period.

Why: a KMS key is the only way back into the data it encrypts (PCI DSS 3.6.1,
3.7.5). Two settings make losing it a one-step accident:

- `bypass_policy_lockout_safety_check=True` lets a key policy that locks out
  every administrator through, after which nobody (not even the account root)
  can manage the key again;
- `deletion_window_in_days` below 7 gives almost no time to notice and cancel
  a scheduled deletion; the provider default is 30. The minimum is
  `minDeletionWindowDays` (7..30, default 7).

Values unknown at preview are deferred.
"""

from __future__ import annotations

from numbers import Real

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

KMS_KEY = "aws:kms/key:Key"


def check(key: ResourceView, config):
    problems, unknowns = [], []
    bypass, window, minimum = key.get("bypassPolicyLockoutSafetyCheck"), key.get("deletionWindowInDays"), config["minDeletionWindowDays"]
    if is_unknown(bypass):
        unknowns.append("bypassPolicyLockoutSafetyCheck")
    elif bypass is True:
        problems.append("bypassPolicyLockoutSafetyCheck is true, so a policy that locks every administrator out is accepted")
    if is_unknown(window):
        unknowns.append("deletionWindowInDays")
    elif window is not None and not (isinstance(window, Real) and window >= minimum):
        problems.append(f"deletionWindowInDays is {window!r}, below {minimum:g} days")
    yield from settle(problems, unknowns, subject=describe(key))


RULE = Rule(
    name="kms-key-deletion-safeguards",
    description="KMS keys keep the policy lockout safety check and a deletion window of at least 7 days.",
    severity="high",
    pci_dss=("3.6.1", "3.7.5"),
    soc2=("CC6.1", "A1.2"),
    remediation="Remove bypass_policy_lockout_safety_check (or set it False) and set deletion_window_in_days >= 7 (30 is the default).",
    check=check,
    resource_types=(KMS_KEY,),
    config_properties={
        "minDeletionWindowDays": {"type": "integer", "minimum": 7, "maximum": 30,
                                  "description": "Fewest days between scheduling a key's deletion and the deletion."},
    },
    default_config={"minDeletionWindowDays": 7},
    violation_example='aws.kms.Key("data", enable_key_rotation=True, deletion_window_in_days=1)',
)

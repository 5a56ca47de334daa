"""kms-key-rotation-enabled: every customer-managed key rotates its material.

Why: PCI DSS 3.7.4 wants keys changed at the end of their cryptoperiod, and an
auditor reads a CMK without rotation as a key nobody manages. `aws.kms.Key`
defaults `enable_key_rotation` to false, so it must be set explicitly. A key
whose rotation flag is unknown at preview is deferred to `pulumi up`.
Automatic rotation exists only for symmetric encryption keys, so asymmetric
and HMAC keys (`customer_master_key_spec` other than SYMMETRIC_DEFAULT) are out
of scope; a spec unknown at preview defers the key unless rotation is on anyway.
"""

from ..model import Deferred, ResourceView, Violation, is_unknown
from ..rule import Rule

KMS_KEY = "aws:kms/key:Key"
SYMMETRIC = "SYMMETRIC_DEFAULT"


def check(key: ResourceView, config):
    spec = key.get("customerMasterKeySpec")
    rotation = key.get("enableKeyRotation")
    if is_unknown(spec) and rotation is not True:
        # Whether the key can rotate at all depends on its spec; rotation already on needs no spec.
        yield Deferred("customerMasterKeySpec is unknown at preview, so whether the key must rotate is too")
        return
    if isinstance(spec, str) and spec and spec != SYMMETRIC:
        return  # AWS supports automatic rotation only for symmetric encryption keys (absent means symmetric).
    if is_unknown(rotation):
        yield Deferred("enableKeyRotation is unknown at preview")
    elif rotation is not True:
        yield Violation(f"KMS key '{key.name}' has enableKeyRotation={rotation!r}; rotation must be on.")
        return
    period = key.get("rotationPeriodInDays")
    maximum = config["maxRotationPeriodDays"]
    if isinstance(period, (int, float)) and not isinstance(period, bool) and period > maximum:
        yield Violation(f"KMS key '{key.name}' rotates every {int(period)} days; the maximum is {maximum:g}.")


RULE = Rule(
    name="kms-key-rotation-enabled",
    description="Customer-managed KMS keys must rotate their key material automatically.",
    severity="high",
    pci_dss=("3.6.1", "3.7.4"),
    soc2=("CC6.1",),
    remediation="Set enable_key_rotation=True (and rotation_period_in_days within the limit) on the aws.kms.Key.",
    check=check,
    resource_types=(KMS_KEY,),
    config_properties={
        "maxRotationPeriodDays": {"type": "integer", "minimum": 90, "maximum": 2560,
                                  "description": "Longest allowed rotation period in days."},
    },
    default_config={"maxRotationPeriodDays": 365},
    violation_example='aws.kms.Key("data", enable_key_rotation=False)',
)

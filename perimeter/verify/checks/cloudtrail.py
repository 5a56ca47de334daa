"""The CloudTrail trail: logging now, from every region, with digest files, under the CMK."""

from __future__ import annotations

from ..outputs import TRAIL
from . import check
from ._keys import key_problems


def _trail(reader, target):
    return reader.call("cloudtrail", "GetTrail", Name=target.urn)["Trail"]


@check("cloudtrail-logging", TRAIL)
def trail_is_logging(reader, target):
    if not reader.call("cloudtrail", "GetTrailStatus", Name=target.urn).get("IsLogging"):
        yield f"trail {target.name} is not logging (stopped); API activity is not being recorded."


@check("cloudtrail-integrity", TRAIL)
def trail_is_multi_region_and_validated(reader, target):
    trail = _trail(reader, target)
    if not trail.get("IsMultiRegionTrail"):
        yield f"trail {target.name} records only {trail.get('HomeRegion', 'its home region')}; it must be multi-region."
    if not trail.get("LogFileValidationEnabled"):
        yield f"trail {target.name} has log file validation off, so tampering with its logs goes unnoticed."


@check("cmk-encryption-at-rest", TRAIL)
def trail_encrypted_with_expected_key(reader, target):
    yield from key_problems(reader, f"trail {target.name}", _trail(reader, target).get("KmsKeyId"),
                            target.spec.get("kmsKeyArn"))

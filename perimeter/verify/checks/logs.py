"""CloudWatch log groups: encrypted under the CMK, kept for a bounded time."""

from __future__ import annotations

from ..aws import ResourceMissing
from ..outputs import LOG_GROUP
from . import check
from ._keys import key_problems


def log_group(reader, name: str) -> dict:
    """Shared with the invocation-logging check, which needs its destination group encrypted too."""
    groups = reader.call("logs", "DescribeLogGroups", paginate=True, logGroupNamePrefix=name)["logGroups"]
    found = next((g for g in groups if g["logGroupName"] == name), None)
    if found is None:
        raise ResourceMissing(f"log group {name} does not exist")
    return found


@check("cmk-encryption-at-rest", LOG_GROUP)
def log_group_encrypted_with_expected_key(reader, target):
    name = target.spec["name"]
    yield from key_problems(reader, f"log group {name}", log_group(reader, name).get("kmsKeyId"),
                            target.spec.get("kmsKeyArn"))


@check("log-retention-bounded", LOG_GROUP)
def log_group_retention_bounded(reader, target):
    name, bounds = target.spec["name"], target.spec["retentionDays"]
    days = log_group(reader, name).get("retentionInDays")
    if days is None:
        yield f"log group {name} never expires events; retention must be between {bounds['min']} and {bounds['max']} days."
    elif not bounds["min"] <= days <= bounds["max"]:
        yield f"log group {name} keeps events {days} days; expected between {bounds['min']} and {bounds['max']}."

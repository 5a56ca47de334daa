"""Waivers: the security team's per-finding exceptions, kept in policy config.

A waiver lives in the policy config the security team controls (never in the
program), names one policy and one resource (URN or glob), and carries a
reason, an approver and an expiry. An expired or malformed waiver does not
apply, and every finding it would have matched says why.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

MIN_REASON_LENGTH = 20
WAIVER_FIELDS = ("resource", "reason", "approver", "expires")

# Loose on purpose: a malformed waiver must not stop the whole pack from
# configuring (the engine would refuse the config); it is reported instead.
WAIVERS_SCHEMA = {
    "type": "array",
    "description": (
        "Per-finding exceptions: {resource: URN or glob, reason (>= 20 chars), "
        "approver, expires: YYYY-MM-DD}."
    ),
    "items": {"type": "object"},
}

ACTIVE, EXPIRED, MALFORMED, NOT_WAIVABLE = "active", "expired", "malformed", "not-waivable"


@dataclass(frozen=True)
class Waiver:
    policy: str
    index: int
    resource: str
    reason: str
    approver: str
    expires: str
    status: str
    problem: str = ""

    def matches(self, urn: str) -> bool:
        return bool(self.resource) and (self.resource == urn or fnmatch.fnmatchcase(urn, self.resource))

    def describe(self) -> str:
        return f"waiver #{self.index + 1} for {self.policy} on {self.resource or '(no resource)'}"


def parse_waivers(
    policy: str, entries: Any, *, waivable: bool, today: Optional[dt.date] = None
) -> list[Waiver]:
    today = today or dt.date.today()
    if entries is None:
        return []
    if not isinstance(entries, list):
        return [Waiver(policy, 0, "", "", "", "", MALFORMED, "`waivers` must be a list of objects")]
    return [_parse_one(policy, i, entry, waivable, today) for i, entry in enumerate(entries)]


def _parse_one(policy: str, index: int, entry: Any, waivable: bool, today: dt.date) -> Waiver:
    if not isinstance(entry, Mapping):
        return Waiver(policy, index, "", "", "", "", MALFORMED, "a waiver must be an object")
    fields = {name: entry.get(name) for name in WAIVER_FIELDS}
    texts = {name: value if isinstance(value, str) else "" for name, value in fields.items()}
    problems = [f"`{name}` is missing" for name in WAIVER_FIELDS if not texts[name].strip()]
    extra = sorted(set(entry) - set(WAIVER_FIELDS))
    if extra:
        problems.append(f"unknown field(s) {', '.join(extra)}; allowed: {', '.join(WAIVER_FIELDS)}")
    if texts["reason"].strip() and len(texts["reason"].strip()) < MIN_REASON_LENGTH:
        problems.append(f"`reason` must be at least {MIN_REASON_LENGTH} characters")
    expiry: Optional[dt.date] = None
    if texts["expires"]:
        try:
            expiry = dt.date.fromisoformat(texts["expires"])
        except ValueError:
            problems.append(f"`expires` {texts['expires']!r} is not a YYYY-MM-DD date")
    status, problem = ACTIVE, ""
    if not waivable:
        status, problem = NOT_WAIVABLE, f"policy {policy} is critical and cannot be waived"
    elif problems:
        status, problem = MALFORMED, "; ".join(problems)
    elif expiry is not None and expiry < today:
        status, problem = EXPIRED, f"expired on {expiry.isoformat()}"
    return Waiver(policy, index, texts["resource"], texts["reason"].strip(), texts["approver"], texts["expires"], status, problem)


def waiver_for(urn: str, waivers: Iterable[Waiver]) -> tuple[Optional[Waiver], list[Waiver]]:
    """The active waiver covering `urn`, and the matching ones that could not apply."""
    matching = [w for w in waivers if w.matches(urn)]
    active = next((w for w in matching if w.status == ACTIVE), None)
    return active, [w for w in matching if w.status != ACTIVE]

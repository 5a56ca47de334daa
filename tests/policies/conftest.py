"""Rule tests run on a frozen clock and record which types they saw violate.

- The clock: waiver expiry is judged on the pack's evaluation clock, which is
  SOURCE_DATE_EPOCH when set (`perimeter_policies.waivers.evaluation_clock`).
  Every test here runs with it at FROZEN_NOW, in process and in any pack
  process a test starts, so a waiver date in a test is fixed relative to it and
  no test changes its verdict on the day a literal date passes.
- The record: `violation_coverage` wraps the harness before any test module
  here imports it (this conftest is imported first), for the pack-level check
  that every declared resource type has a violating case.
"""

import datetime as dt

import pytest

from tests.policies import violation_coverage

FROZEN_NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
FROZEN_TODAY = FROZEN_NOW.date()

violation_coverage.install()


@pytest.fixture(scope="session", autouse=True)
def frozen_clock():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(int(FROZEN_NOW.timestamp())))
        yield FROZEN_NOW


def days_from_today(days: int) -> str:
    """An ISO date `days` after the frozen today (negative: before it)."""
    return (FROZEN_TODAY + dt.timedelta(days=days)).isoformat()

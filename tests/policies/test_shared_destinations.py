"""rules/_destinations.py: a log destination counts as set when written or built from a resource of the stack."""

import pytest
from perimeter_policies.model import UNKNOWN
from perimeter_policies.rules._destinations import present


@pytest.mark.parametrize("value", ["arn:aws:s3:::logs", " x ", UNKNOWN])
def test_set_destinations(value):
    assert present(value) is True


@pytest.mark.parametrize("value", [None, "", "  \t", 5, ["arn:aws:s3:::logs"], {"bucket": "logs"}])
def test_unset_or_unreadable_destinations(value):
    assert present(value) is False

"""Recall and false positives on the checked-in support messages and on a large seeded benign set."""

import collections
import re
import unicodedata

import pytest

from assistant.redaction import redact
from tests.data.look_alikes import benign_look_alikes, luhn_ambiguous, support_messages

MESSAGES = support_messages()
PAN_MESSAGES = [m for m in MESSAGES if m.pans]
BENIGN_MESSAGES = [m for m in MESSAGES if not m.pans]
BENIGN_SEED = 20261204
BENIGN_COUNT = 12_000


def card_digits(text, findings):
    """The ASCII digits of every PAN finding."""
    return [
        "".join(str(unicodedata.decimal(c)) for c in text[f.start:f.end] if c.isdecimal())
        for f in findings if f.kind == "PAN"
    ]


def test_corpus_covers_at_least_30_pan_shapes_with_unique_labels():
    shapes = [m.shape for m in PAN_MESSAGES]
    assert len(set(shapes)) == len(shapes) >= 30
    assert len(BENIGN_MESSAGES) >= 20


@pytest.mark.parametrize("message", PAN_MESSAGES, ids=lambda m: m.shape)
def test_every_corpus_pan_is_found_and_gone(message):
    result = redact(message.text)
    assert sorted(card_digits(message.text, result.findings)) == sorted(message.pans)
    remaining = re.sub(r"\D", "", "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in result.text))
    for pan in message.pans:
        assert pan not in remaining


@pytest.mark.parametrize("message", BENIGN_MESSAGES, ids=lambda m: m.shape)
def test_corpus_look_alikes_survive(message):
    assert {f.kind for f in redact(message.text).findings} <= set(message.allowed)


def test_benign_generator_never_yields_an_ambiguous_run():
    # A contiguous 13-19 digit Luhn-valid run is a PAN by design; the benign set must hold none, or it
    # would count that decision as a false positive.
    assert not any(luhn_ambiguous(item.text) for item in benign_look_alikes(BENIGN_SEED, 500))
    assert benign_look_alikes(BENIGN_SEED, 50) == benign_look_alikes(BENIGN_SEED, 50)


def test_false_positive_rate_on_benign_look_alikes_is_at_most_1_in_10000():
    items = benign_look_alikes(BENIGN_SEED, BENIGN_COUNT)
    assert len({item.shape for item in items}) >= 20
    false_positives = collections.Counter()
    missed_pii = 0
    for item in items:
        findings = redact(item.text).findings
        false_positives.update(f"{item.shape}:{f.kind}" for f in findings if f.kind not in item.allowed)
        missed_pii += bool(item.allowed) and not findings
    total = sum(false_positives.values())
    print(f"\nfalse positives: {total} in {len(items)} benign look-alikes {dict(false_positives)}")
    assert total * 10_000 <= len(items), false_positives
    assert missed_pii == 0

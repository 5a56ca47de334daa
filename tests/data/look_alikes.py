"""The redaction corpus: checked-in support messages, and a seeded generator of benign look-alikes.

`support-messages.jsonl` holds realistic support messages, one a line: `shape` names the case,
`pans` lists the card numbers it holds (ASCII digits; all from networks' published test ranges),
and benign lines list in `allowed` the kinds they may legitimately yield (a phone number is PII).

`benign_look_alikes(seed, count)` makes digit strings a customer pastes that are not cards (order
numbers, phone numbers, timestamps, dates and ranges, amounts, tracking ids, invalid-Luhn runs,
IBAN-like strings with a wrong checksum, masked PANs), each inside a support sentence. It never
yields a contiguous 13-19 digit run that passes Luhn: no detector can tell such a run from a card,
and redaction treats it as one by design (safety first), so it would measure that decision rather
than a false positive. bench/redaction.py measures that ambiguity separately.
"""

from __future__ import annotations

import json
import os
import random
import re
import string
from typing import NamedTuple

from stdnum import iban, luhn

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "support-messages.jsonl")


class Message(NamedTuple):
    shape: str
    text: str
    pans: tuple[str, ...]
    allowed: tuple[str, ...]


def support_messages() -> list[Message]:
    with open(CORPUS, encoding="utf-8") as lines:
        return [
            Message(item["shape"], item["text"], tuple(item["pans"]), tuple(item.get("allowed", ())))
            for item in map(json.loads, lines)
        ]


def luhn_ambiguous(text: str) -> bool:
    """Does the text hold a contiguous 13-19 digit run passing Luhn (a card, as far as anyone can tell)?"""
    return any(13 <= len(run) <= 19 and luhn.is_valid(run) for run in re.findall(r"[0-9]+", text))


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _luhn_invalid(rng: random.Random, count: int) -> str:
    number = _digits(rng, count - 1)
    valid = luhn.calc_check_digit(number)
    return number + rng.choice([d for d in string.digits if d != valid])


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(2015, 2030), rng.randint(1, 12), rng.randint(1, 28)


def _iban_wrong_checksum(rng: random.Random) -> str:
    country, bban = rng.choice([
        ("DE", lambda: _digits(rng, 18)),
        ("FR", lambda: _digits(rng, 23)),
        ("NL", lambda: "ABNA" + _digits(rng, 10)),
        ("GB", lambda: "WEST" + _digits(rng, 14)),
        ("ES", lambda: _digits(rng, 20)),
        ("IT", lambda: "X" + _digits(rng, 22)),
        ("BE", lambda: _digits(rng, 12)),
    ])
    body = bban()
    right = iban.calc_check_digits(country + "00" + body)
    wrong = rng.choice([f"{n:02d}" for n in range(2, 99) if f"{n:02d}" != right])
    compact = country + wrong + body
    return iban.format(compact) if rng.random() < 0.5 else compact


def _phone(rng: random.Random) -> str:
    return rng.choice([
        lambda: f"({rng.randint(200, 999)}) {rng.randint(200, 999)}-{_digits(rng, 4)}",
        lambda: f"{rng.randint(200, 999)}-{rng.randint(200, 999)}-{_digits(rng, 4)}",
        lambda: f"{rng.randint(200, 999)}.{rng.randint(200, 999)}.{_digits(rng, 4)}",
        lambda: f"+1 {rng.randint(200, 999)} {rng.randint(200, 999)} {_digits(rng, 4)}",
        lambda: f"+44 20 {_digits(rng, 4)} {_digits(rng, 4)}",
        lambda: f"+44 7{_digits(rng, 3)} {_digits(rng, 6)}",
        lambda: f"+49 30 {_digits(rng, 8)}",
        lambda: f"+33 6 {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
        lambda: f"+86 138 {_digits(rng, 4)} {_digits(rng, 4)}",
        lambda: f"+{rng.randint(30, 99)}{_digits(rng, rng.randint(8, 10))}",
    ])()


# shape -> (make the look-alike, kinds it may yield, sentence templates)
_SHAPES = {
    "order-number": (lambda r: f"#{_digits(r, r.randint(6, 12))}", (), ["Where is my order {}?", "Order {} never arrived."]),
    "order-reference": (lambda r: f"ORD-{r.randint(2015, 2030)}-{_digits(r, 6)}", (), ["Order {} shows delivered."]),
    "phone": (_phone, ("PHONE",), ["Please call me back on {} after 5pm.", "My number is {}."]),
    "timestamp-iso": (
        lambda r: "{}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*_date(r), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)),
        (), ["The error happened at {} on the app.", "Payment failed at {}."],
    ),
    "timestamp-log": (
        lambda r: "{}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}.{:03d}".format(*_date(r), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.randint(0, 999)),
        (), ["Log line: {} ERROR payment timeout"],
    ),
    "timestamp-unix": (lambda r: str(r.randint(1_400_000_000, 1_900_000_000)), (), ["The receipt footer says {}."]),
    "timestamp-unix-ms": (lambda r: str(r.randint(1_400_000_000_000, 1_900_000_000_000)), (), ["Request id {} failed."]),
    "timestamp-compact": (
        lambda r: "{}{:02d}{:02d}{:02d}{:02d}{:02d}".format(*_date(r), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)),
        (), ["Batch {} was rejected."],
    ),
    "date": (lambda r: "{2:02d}/{1:02d}/{0}".format(*_date(r)), (), ["I was charged on {} twice."]),
    "date-range": (
        lambda r: "{2:02d}/{1:02d}/{0} {sep} {5:02d}/{4:02d}/{3}".format(*_date(r), *_date(r), sep=r.choice(["-", "to", "–"])),
        (), ["Statement period {} is missing."],
    ),
    "date-pair": (
        lambda r: "{2:02d}/{1:02d}/{0} {5:02d}/{4:02d}/{3}".format(*_date(r), *_date(r)),
        (), ["Transactions on {} were duplicated."],
    ),
    "date-time": (
        lambda r: "{2:02d}.{1:02d}.{0} {3:02d}:{4:02d}".format(*_date(r), r.randint(0, 23), r.randint(0, 59)),
        (), ["The transfer left on {}."],
    ),
    "amount": (lambda r: f"${r.randint(1, 99_999):,}.{_digits(r, 2)}", (), ["I was charged {} instead."]),
    "amounts-list": (
        lambda r: ", ".join(f"{r.randint(1, 9999)}.{_digits(r, 2)}" for _ in range(r.randint(3, 6))),
        (), ["Charges: {} on the same day."],
    ),
    "ups-tracking": (
        lambda r: "1Z" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(6)) + _digits(r, 10),
        (), ["UPS tracking {} has not moved."],
    ),
    "fedex-12": (lambda r: _digits(r, 12), (), ["FedEx tracking {} says delayed."]),
    "fedex-15": (lambda r: _digits(r, 15), (), ["FedEx {} is still in transit."]),
    "usps-22-grouped": (
        lambda r: "94" + " ".join([_digits(r, 2)] + [_digits(r, 4) for _ in range(4)] + [_digits(r, 2)]),
        (), ["My replacement card shipped with USPS {}."],
    ),
    "invalid-luhn-run": (lambda r: _luhn_invalid(r, r.randint(13, 19)), (), ["The number {} was rejected as invalid."]),
    "invalid-luhn-grouped": (
        lambda r: " ".join(re.findall(".{1,4}", _luhn_invalid(r, 16))), (), ["I tried {} and it said invalid."],
    ),
    "iban-wrong-checksum": (_iban_wrong_checksum, (), ["Transfer to {} bounced, is it wrong?"]),
    "masked-pan": (lambda r: f"{_digits(r, 6)}******{_digits(r, 4)}", (), ["The receipt shows {}."]),
    "ip-address": (lambda r: ".".join(str(r.randint(1, 255)) for _ in range(4)), (), ["Login from {} was not me."]),
    "case-id": (lambda r: f"{r.randint(2015, 2030)}{_digits(r, 8)}", (), ["Case {} was closed."]),
}


class LookAlike(NamedTuple):
    shape: str
    text: str
    allowed: tuple[str, ...]


def benign_look_alikes(seed: int, count: int, keep_ambiguous: bool = False) -> list[LookAlike]:
    """`count` benign look-alikes, round-robin over the shapes, reproducible from `seed`. With
    `keep_ambiguous`, Luhn-valid 13-19 digit runs are kept (to measure how often a shape is one)."""
    rng = random.Random(seed)
    shapes = sorted(_SHAPES)
    found: list[LookAlike] = []
    while len(found) < count:
        shape = shapes[len(found) % len(shapes)]
        make, allowed, templates = _SHAPES[shape]
        text = rng.choice(templates).format(make(rng))
        if keep_ambiguous or not luhn_ambiguous(text):
            found.append(LookAlike(shape, text, allowed))
    return found

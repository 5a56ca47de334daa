"""Layer-1 redaction against Presidio's pattern-based card recognizer, side by side in one run (one core).

    .venv/bin/python -m bench.redaction [--messages 400] [--rounds 5] [--benign 10000]

Presidio is a benchmark peer only (requirements-bench.txt), never a runtime dependency. Its
`CreditCardRecognizer` is instantiated directly and called as `.analyze(text, ["CREDIT_CARD"], None)`:
pattern and Luhn only, no NLP engine, no spaCy model download.

Measured, for both:
- recall on every PAN of the corpus (tests/data/support-messages.jsonl): a PAN counts as found when a
  card finding covers exactly its digits;
- false positives on seeded benign look-alikes (no contiguous Luhn-valid 13-19 digit run; see
  tests/data/look_alikes.py) plus the corpus's benign messages: any card finding is one. For ours, any
  finding of a kind the look-alike does not allow (a phone number may be PHONE) also counts;
- the documented ambiguity: how often look-alikes *with* Luhn-valid runs kept are read as cards;
- throughput (MB/s of UTF-8) and p50/p99 latency per message (the corpus messages as they are, and 4 KB
  messages), as CPU time of the calling thread
  (pinned to one core; on a shared machine, wall time mostly measures the neighbours), on three sets
  (MIXES): "prose" (one corpus message, then prose), "support" (then 75% prose, 20% benign look-alikes
  and 5% corpus messages: about 25 numbers per 4 KB) and "digit-dense" (80% look-alikes, 20% corpus
  messages, no prose: a worst case).
Targets (issue 10): 100% recall, <= 1 FP per 10 000 benign runs, >= 10x Presidio's throughput, p99 < 1 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
import unicodedata
from collections import Counter

from assistant.redaction import redact
from tests.data.look_alikes import benign_look_alikes, support_messages

MESSAGE_BYTES = 4096
SEED = 20261204
PROSE = [
    "Hello, I hope you are well and thank you for getting back to me so quickly.",
    "I have been a customer for years and never had a problem like this before.",
    "The app showed an error when I tried to pay and then logged me out.",
    "Could you please look into this and let me know what I should do next?",
    "I already tried reinstalling the app and clearing the cache, nothing changed.",
    "My partner uses the same account on another phone and sees the same thing.",
    "I would appreciate a refund of the duplicate charge as soon as possible.",
    "Kind regards, and thanks again for your help with this matter.",
]


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())


class Ours:
    name = "perimeter"

    def cards(self, text: str) -> list[tuple[int, int]]:
        return [(f.start, f.end) for f in redact(text).findings if f.kind == "PAN"]

    def kinds(self, text: str) -> list[str]:
        return [f.kind for f in redact(text).findings]

    def run(self, text: str) -> None:
        redact(text)


class Presidio:
    name = "presidio"

    def __init__(self, recognizer):
        self.recognizer = recognizer

    def cards(self, text: str) -> list[tuple[int, int]]:
        return [(r.start, r.end) for r in self.recognizer.analyze(text, ["CREDIT_CARD"], None)]

    def kinds(self, text: str) -> list[str]:
        return ["PAN"] * len(self.cards(text))

    def run(self, text: str) -> None:
        self.recognizer.analyze(text, ["CREDIT_CARD"], None)


def load_presidio() -> Presidio | None:
    try:
        from presidio_analyzer.predefined_recognizers import CreditCardRecognizer
    except ImportError:
        return None
    return Presidio(CreditCardRecognizer())


def recall(detector, messages) -> tuple[int, int, list[str]]:
    found = total = 0
    missed = []
    for message in messages:
        cards = {_ascii_digits(message.text[s:e]) for s, e in detector.cards(message.text)}
        for pan in message.pans:
            total += 1
            if pan in cards:
                found += 1
            else:
                missed.append(message.shape)
    return found, total, missed


def false_positives(detector, items) -> Counter:
    wrong = Counter()
    for item in items:
        wrong.update(f"{item.shape}:{kind}" for kind in detector.kinds(item.text) if kind not in item.allowed)
    return wrong


def ambiguity(detector, items) -> dict[str, float]:
    """Share of each shape's look-alikes read as a card, Luhn-valid runs kept."""
    by_shape = Counter(item.shape for item in items)
    flagged = Counter(item.shape for item in items if detector.cards(item.text))
    return {shape: flagged[shape] / count for shape, count in by_shape.items() if flagged[shape]}


# Message sets: after one corpus message, each further sentence is a look-alike, a corpus message or
# prose with these shares.
MIXES = {
    "prose": (0.0, 0.0),  # one corpus message, then prose: the floor, cost per byte
    "support": (0.2, 0.05),  # about 25 numbers per 4 KB
    "digit-dense": (0.8, 0.2),  # no prose at all: the worst case
}


def four_kb_messages(count: int, mix: str) -> list[str]:
    look_alike_share, corpus_share = MIXES[mix]
    rng = random.Random(f"{SEED}-{mix}")
    corpus = [m.text for m in support_messages()]
    look_alikes = [item.text for item in benign_look_alikes(SEED, 2000)]
    messages = []
    for _ in range(count):
        parts: list[str] = [rng.choice(corpus)]
        while sum(len(p.encode()) + 1 for p in parts) < MESSAGE_BYTES:
            roll = rng.random()
            pool = look_alikes if roll < look_alike_share else corpus if roll < look_alike_share + corpus_share else PROSE
            parts.append(rng.choice(pool))
        messages.append(" ".join(parts).encode()[:MESSAGE_BYTES].decode("utf-8", "ignore"))
    return messages


def timing(detector, messages: list[str], rounds: int) -> dict[str, float]:
    """Per-message cost as this thread's CPU time (other tenants of a shared machine do not count), and
    the wall-clock p99 beside it."""
    for text in messages[:20]:
        detector.run(text)  # warm caches (compiled patterns, lazily built tables)
    cpu, wall = [], []
    gc.disable()
    try:
        for _ in range(rounds):
            for text in messages:
                wall_start, cpu_start = time.perf_counter_ns(), time.thread_time_ns()
                detector.run(text)
                cpu.append(time.thread_time_ns() - cpu_start)
                wall.append(time.perf_counter_ns() - wall_start)
    finally:
        gc.enable()
    cpu.sort()
    wall.sort()
    total_bytes = sum(len(t.encode()) for t in messages) * rounds
    return {
        "mb_per_s": total_bytes / (sum(cpu) / 1e9) / 1e6,
        "p50_ms": statistics.median(cpu) / 1e6,
        "p99_ms": cpu[int(len(cpu) * 0.99) - 1] / 1e6,
        "wall_p99_ms": wall[int(len(wall) * 0.99) - 1] / 1e6,
    }


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400, help="4 KB messages per set")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over each set")
    parser.add_argument("--benign", type=int, default=10_000, help="seeded benign look-alikes for the FP rate")
    args = parser.parse_args(argv)

    print(f"redaction benchmark ({pin_to_one_core()}, load average {os.getloadavg()[0]:.1f})")
    detectors = [Ours()]
    presidio = load_presidio()
    if presidio is None:
        print("presidio-analyzer is not installed, so there is no peer to compare with: "
              "install it with `.venv/bin/pip install -r requirements-bench.txt`", file=sys.stderr)
    else:
        detectors.append(presidio)

    messages = support_messages()
    pan_messages = [m for m in messages if m.pans]
    benign = benign_look_alikes(SEED, args.benign) + [m for m in messages if not m.pans]
    ambiguous = [item for item in benign_look_alikes(SEED + 1, args.benign, keep_ambiguous=True)
                 if item.shape in ("timestamp-unix-ms", "fedex-15", "phone", "invalid-luhn-run", "case-id")]
    sets = {"corpus": [m.text for m in messages], **{mix: four_kb_messages(args.messages, mix) for mix in MIXES}}

    results = {}
    for detector in detectors:
        found, total, missed = recall(detector, pan_messages)
        wrong = false_positives(detector, benign)
        results[detector.name] = {
            "recall": (found, total, missed),
            "fp": (sum(wrong.values()), len(benign), wrong),
            "ambiguity": ambiguity(detector, ambiguous),
            **{name: timing(detector, texts, args.rounds) for name, texts in sets.items()},
        }

    shapes = len({m.shape for m in pan_messages})
    for name, r in results.items():
        found, total, missed = r["recall"]
        fp, runs, wrong = r["fp"]
        print(f"\n{name}")
        print(f"  recall on corpus PANs   {found}/{total} = {100 * found / total:.1f}% over {shapes} shapes"
              + (f"; missed: {', '.join(missed)}" if missed else ""))
        print(f"  false positives         {fp} in {runs} benign look-alikes = {10_000 * fp / runs:.2f} per 10 000"
              + (f" {dict(wrong.most_common(5))}" if wrong else ""))
        print("  Luhn-valid look-alikes read as cards: "
              + ", ".join(f"{shape} {100 * share:.0f}%" for shape, share in sorted(r["ambiguity"].items())))
        for set_name in sets:
            t = r[set_name]
            size = "as is" if set_name == "corpus" else "4 KB"
            print(f"  {set_name:12s} {size:5s} {t['mb_per_s']:8.2f} MB/s   p50 {t['p50_ms']:.3f} ms   p99 {t['p99_ms']:.3f} ms"
                  f"   (CPU time; wall-clock p99 {t['wall_p99_ms']:.3f} ms)")

    ours = results["perimeter"]
    print("\ntargets")
    found, total, _ = ours["recall"]
    fp, runs, _ = ours["fp"]
    print(f"  100% recall on corpus PANs            {'met' if found == total else 'NOT met'}")
    print(f"  <= 1 FP per 10 000 benign runs        {'met' if fp * 10_000 <= runs else 'NOT met'}")
    for set_name in MIXES:
        print(f"  p99 < 1 ms per 4 KB ({set_name:11s})     {'met' if ours[set_name]['p99_ms'] < 1 else 'NOT met'}"
              f" ({ours[set_name]['p99_ms']:.3f} ms)")
    if presidio is None:
        print("  >= 10x Presidio's throughput          no verdict (presidio-analyzer missing)")
        return 2
    for set_name in sets:
        ratio = ours[set_name]["mb_per_s"] / results["presidio"][set_name]["mb_per_s"]
        print(f"  >= 10x Presidio throughput ({set_name:11s}) {'met' if ratio >= 10 else 'NOT met'} ({ratio:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

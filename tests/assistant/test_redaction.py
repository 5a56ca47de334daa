"""Layer 1 redaction, kind by kind: what must go, what must stay, and what the audit log may hold."""

import dataclasses
import json
import sys
import unicodedata

import pytest
from stdnum import luhn

from assistant.redaction import KINDS, Finding, Redaction, redact


def kinds(text):
    return [finding.kind for finding in redact(text).findings]


def test_kinds_are_the_guardrail_facing_set():
    assert KINDS == ("PAN", "CVV", "EXPIRY", "US_ROUTING", "US_ACCOUNT", "IBAN", "EMAIL", "PHONE")


def test_results_are_immutable():
    result = redact("card 4111 1111 1111 1111")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.findings[0].start = 0


def test_audit_and_counts_hold_kinds_and_offsets_never_values():
    text = "Card 4111 1111 1111 1111 exp 12/27 cvv 123, mail jane@example.com, IBAN GB82 WEST 1234 5698 7654 32"
    result = redact(text)
    assert result.counts() == {"PAN": 1, "EXPIRY": 1, "CVV": 1, "EMAIL": 1, "IBAN": 1}
    audit = result.audit()
    assert [entry["kind"] for entry in audit] == ["PAN", "EXPIRY", "CVV", "EMAIL", "IBAN"]
    assert all(set(entry) == {"kind", "start", "end"} for entry in audit)
    dumped = json.dumps({"audit": audit, "counts": result.counts()})
    for secret in ("4111", "12/27", "123", "jane", "WEST"):
        assert secret not in dumped
    assert text[audit[0]["start"]:audit[0]["end"]] == "4111 1111 1111 1111"


def test_pan_replacement_keeps_the_last_four_only():
    result = redact("card 5555 5555 5555 4444 please")
    assert result.text == "card [CARD ****4444] please"
    assert "555555" not in result.text  # never the first six (PCI DSS 3.4.1)


@pytest.mark.parametrize("pan", [
    "4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "3530111333300000",
    "36227206271667", "4222222222222", "2223003122003222",
    "6212345678900000003",  # 19 digits
])
def test_test_card_numbers_are_pans(pan):
    assert luhn.is_valid(pan)
    result = redact(f"my card is {pan}.")
    assert result.text == f"my card is [CARD ****{pan[-4:]}]."
    assert result.findings == (Finding("PAN", 11, 11 + len(pan)),)


@pytest.mark.parametrize("written", [
    "4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111", "4111/1111/1111/1111",
    "4111 1111-1111.1111", "4111  1111  1111  1111", "4111 1111\n1111 1111", "4111 1111 11\n11 1111",
    "4111-\n1111-1111-1111", "4111\u00a01111\u00a01111\u00a01111", "4111\u20131111\u20131111\u20131111",
    "4111\u200b1111\u200b1111\u200b1111", "４１１１１１１１１１１１１１１１", "４１１１－１１１１－１１１１－１１１１",
    "\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661",
    "41 11 11 11 11 11 11 11",
])
def test_pan_separators_and_digit_scripts(written):
    result = redact(f"x{written}y")
    assert result.text == "x[CARD ****1111]y"
    assert result.findings == (Finding("PAN", 1, 1 + len(written)),)


@pytest.mark.parametrize("text", ["card#4111111111111111,", "(4111111111111111)", '"pan":"4111111111111111"',
                                  "?pan=4111111111111111&x=1", "x4111-1111-1111-1111y"])
def test_pan_embedded_in_words_and_punctuation(text):
    assert kinds(text) == ["PAN"]


def test_pan_inside_a_longer_chain_of_numbers():
    assert redact("4111111111111111 12/27 123").text == "[CARD ****1111] [EXPIRY] [CVV]"
    assert redact("Order 100234 4111 1111 1111 1111 failed").text == "Order 100234 [CARD ****1111] failed"
    assert redact("4111 1111 1111 1111 0327").findings[0] == Finding("PAN", 0, 19)


@pytest.mark.parametrize("text", [
    "4111111111111112",  # Luhn fails
    "4111 1111 1111 1112",
    "411111******1111",  # already masked
    "card ending 1111",
    "01/02/2024 28/02/2024",  # two dates: 16 digits, grouped like dates
    "1234.50 5678.90 1234.50",  # amounts
    "USPS 9400 1000 0000 0000 0000 00",  # one long uniformly grouped number
    "IBAN DE89 3704 0044 0532 0130 01",  # IBAN with a wrong checksum
    "UPS 1Z999AA10123456784",
    "at 2024-03-15T10:23:45Z",
    "4111 11 11 1111 1111",  # irregular small groups: documented limit, not a card grouping
])
def test_look_alikes_are_not_pans(text):
    assert "PAN" not in kinds(text)


def test_luhn_valid_phone_number_is_treated_as_a_pan():
    # The documented ambiguity: a contiguous 13-19 digit run passing Luhn is a PAN, whatever it was meant to be.
    digits = "861381234567" + luhn.calc_check_digit("861381234567")  # a Chinese mobile number in E.164
    phone = "+" + digits
    assert kinds(f"call me on {phone}") == ["PAN"]


@pytest.mark.parametrize("text, expected", [
    ("cvv 123", "cvv [CVV]"),
    ("CVC2: 987", "CVC2: [CVV]"),
    ("the security code is 1234", "the security code is [CVV]"),
    ("card 4111 1111 1111 1111, 123", "card [CARD ****1111], [CVV]"),
    ("I bought 123 apples", "I bought 123 apples"),
])
def test_cvv_needs_card_context(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize("text, expected", [
    ("exp 12/27", "exp [EXPIRY]"),
    ("Valid thru 03/2029", "Valid thru [EXPIRY]"),
    ("expiry date: 0329", "expiry date: [EXPIRY]"),
    ("my visa expires 03/28", "my visa expires [EXPIRY]"),
    ("card 4111111111111111 09-30", "card [CARD ****1111] [EXPIRY]"),
    ("my card, good until 11/29", "my card, good until [EXPIRY]"),
    ("we met on 12/27 at noon", "we met on 12/27 at noon"),
    ("exp 13/27", "exp 13/27"),
])
def test_expiry_needs_card_context(text, expected):
    assert redact(text).text == expected


def test_routing_number_next_to_an_account():
    result = redact("Wire to routing 011000015, account 123456789012 please")
    assert result.text == "Wire to routing [ROUTING], account [ACCOUNT] please"
    assert result.counts() == {"US_ROUTING": 1, "US_ACCOUNT": 1}


@pytest.mark.parametrize("text", ["order 011000015 shipped", "routing 011000016 account x"])
def test_routing_needs_checksum_and_context(text):
    assert "US_ROUTING" not in kinds(text)


@pytest.mark.parametrize("text", ["my account number is 12345678", "acct # 9876-5432-10", "checking account no. 00012345678"])
def test_account_number_after_an_account_word(text):
    assert kinds(text) == ["US_ACCOUNT"]


def test_account_word_without_a_number_keeps_the_text():
    assert redact("my checking account since 2019").text == "my checking account since 2019"


@pytest.mark.parametrize("iban", ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89370400440532013000",
                                  "FR14 2004 1010 0505 0001 3M02 606", "gb82 west 1234 5698 7654 32", "NO9386011117947"])
def test_iban_any_country_with_or_without_spaces(iban):
    result = redact(f"IBAN {iban} thanks")
    assert result.text == "IBAN [IBAN] thanks"


def test_iban_with_wrong_checksum_survives():
    assert redact("IBAN GB83 WEST 1234 5698 7654 32 bounced").findings == ()


@pytest.mark.parametrize("text, expected", [
    ("mail me at jane.doe+support@example.co.uk.", "mail me at [EMAIL]."),
    ("call (555) 010-4477 now", "call [PHONE] now"),
    ("ring 555-010-4477", "ring [PHONE]"),
    ("on +44 20 7946 0958 today", "on [PHONE] today"),
    ("phone: 020 7946 0958", "phone: [PHONE]"),
    ("mobile 07700 900123", "mobile [PHONE]"),
    ("order 100234567 shipped", "order 100234567 shipped"),
])
def test_email_and_phone(text, expected):
    assert redact(text).text == expected


def test_text_without_digits_or_at_sign_is_returned_as_is():
    text = "Hello, I cannot log in since yesterday. Can you help?"
    assert redact(text) == Redaction(text, ())


def test_answer_direction_is_idempotent_on_placeholders():
    # The model's answer goes through the same function; placeholders it repeats must not change again.
    answer = "Your card [CARD ****1111] with [EXPIRY] and [CVV] is blocked; we wrote to [EMAIL] and [PHONE]."
    assert redact(answer).text == answer


def test_text_whose_lowercase_changes_length_keeps_offsets():
    text = "\u0130stanbul card 4111 1111 1111 1111 exp 12/27"  # U+0130 lowercases to two code points
    result = redact(text)
    assert result.text == "\u0130stanbul card [CARD ****1111] exp [EXPIRY]"
    assert text[result.findings[0].start:result.findings[0].end] == "4111 1111 1111 1111"


def test_deterministic():
    text = "card 4111 1111 1111 1111, exp 12/27, cvv 123, call +1 555 010 4477"
    assert redact(text) == redact(text)


@pytest.mark.parametrize("zero", [
    cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Nd" and unicodedata.decimal(chr(cp)) == 0
], ids=hex)
def test_pan_in_every_unicode_digit_script(zero):
    written = "".join(chr(zero + int(d)) for d in "4111111111111111")
    assert all(unicodedata.decimal(c) == int(d) for c, d in zip(written, "4111111111111111"))
    assert redact(f"card {written} ok").text == "card [CARD ****1111] ok"

"""acm-certificate-key-strong: requested certificates by key_algorithm, imported ones by the key in their PEM body."""

import datetime

import pulumi_aws as aws
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "acm-certificate-key-strong"
STRONG = ["RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]


def pem(private_key, algorithm=hashes.SHA256()):
    """A self-signed certificate for `private_key`, as the PEM text a program would read from a file."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pay.example.com")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private_key.public_key())
                   .serial_number(1).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=90))
                   .sign(private_key, algorithm))
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


RSA_1024 = pem(rsa.generate_private_key(public_exponent=65537, key_size=1024))
RSA_2048 = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
P256 = pem(ec.generate_private_key(ec.SECP256R1()))
P384 = pem(ec.generate_private_key(ec.SECP384R1()))
K256 = pem(ec.generate_private_key(ec.SECP256K1()))
ED25519 = pem(ed25519.Ed25519PrivateKey.generate(), algorithm=None)
DSA = pem(dsa.generate_private_key(key_size=2048))

REQUESTED = resource(aws.acm.Certificate, "web", domain_name="pay.example.com", validation_method="DNS",
                     key_algorithm="EC_prime256v1")
IMPORTED = resource(aws.acm.Certificate, "partner", certificate_body=RSA_2048, private_key=UNKNOWN)


def test_compliant_baselines_pass():
    run(POLICY, REQUESTED).assert_clean()
    run(POLICY, REQUESTED.replace(key_algorithm=None)).assert_clean()  # RSA_2048
    run(POLICY, IMPORTED).assert_clean()
    run(POLICY, IMPORTED.replace(certificate_body=P256)).assert_clean()
    run(POLICY, IMPORTED.replace(certificate_body=P384)).assert_clean()


@pytest.mark.parametrize("algorithm", STRONG)
def test_every_strong_requested_algorithm_passes(algorithm):
    run(POLICY, REQUESTED.replace(key_algorithm=algorithm)).assert_clean()


@pytest.mark.parametrize("algorithm", ["RSA_1024", "rsa_2048", "EC_secp256k1", ""])
def test_weak_or_unlisted_requested_algorithm_blocks(algorithm):
    bad = REQUESTED.replace(key_algorithm=algorithm)
    run(POLICY, bad).assert_violation(f"Certificate 'web': keyAlgorithm is {algorithm!r}, not one of "
                                      f"allowedKeyAlgorithms {STRONG}", on=bad)


@pytest.mark.parametrize("body, algorithm", [(RSA_1024, "RSA_1024"), (K256, "EC_secp256k1"),
                                             (ED25519, "Ed25519PublicKey"), (DSA, "DSAPublicKey")])
def test_imported_certificate_with_a_weak_key_blocks(body, algorithm):
    bad = IMPORTED.replace(certificate_body=body)
    run(POLICY, bad).assert_violation(f"Certificate 'partner': the imported certificate's key is {algorithm}, not one "
                                      f"of allowedKeyAlgorithms {STRONG}; reissue it", on=bad)


def test_the_key_algorithm_input_does_not_apply_to_imports():
    run(POLICY, IMPORTED.replace(key_algorithm="RSA_1024")).assert_clean()
    run(POLICY, IMPORTED.replace(certificate_body=RSA_1024, key_algorithm="RSA_2048")).assert_violation(
        "key is RSA_1024")


@pytest.mark.parametrize("body", ["not a certificate", RSA_2048[:200], "-----BEGIN CERTIFICATE-----\n\n"
                                  "-----END CERTIFICATE-----\n"])
def test_an_unreadable_body_blocks(body):
    bad = IMPORTED.replace(certificate_body=body)
    run(POLICY, bad).assert_violation(
        "Certificate 'partner': certificateBody is not a readable PEM certificate, so its key cannot be judged.", on=bad)


def test_a_body_of_the_wrong_type_blocks():
    run(POLICY, IMPORTED.set("certificateBody", ["pem"])).assert_violation("not a readable PEM certificate")


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_any_text_body_is_a_verdict_never_an_error(body):
    outcome = run(POLICY, IMPORTED.replace(certificate_body=body))
    assert outcome.violations or outcome.clean


def test_unknowns_are_deferred():
    run(POLICY, REQUESTED.unknown("keyAlgorithm")).assert_deferred("keyAlgorithm unknown at preview")
    run(POLICY, IMPORTED.unknown("certificateBody")).assert_deferred("certificateBody unknown at preview")


def test_allowed_algorithms_are_configurable():
    ecdsa_only = {"allowedKeyAlgorithms": ["EC_prime256v1", "EC_secp384r1"]}
    run(POLICY, REQUESTED, config=ecdsa_only).assert_clean()
    run(POLICY, IMPORTED.replace(certificate_body=P384), config=ecdsa_only).assert_clean()
    run(POLICY, REQUESTED.replace(key_algorithm=None), config=ecdsa_only).assert_violation(
        "keyAlgorithm is not set (RSA_2048), not one of allowedKeyAlgorithms ['EC_prime256v1', 'EC_secp384r1']")
    run(POLICY, IMPORTED, config=ecdsa_only).assert_violation("key is RSA_2048")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = REQUESTED.replace(key_algorithm="RSA_1024")
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")

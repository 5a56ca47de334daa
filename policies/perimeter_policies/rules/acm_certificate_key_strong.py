"""acm-certificate-key-strong: ACM certificates use a key algorithm from the organisation's allow-list.

Why: PCI DSS 4.2.1 wants strong cryptography protecting account data in
transit, and a TLS certificate's key is what a client trusts the endpoint by.
An RSA key under 2048 bits can be factored with feasible effort (NIST SP
800-131A disallows it), and ACM still imports RSA_1024 certificates (AWS Config
ACM_CERTIFICATE_RSA_CHECK). The allowed algorithms are a policy choice
(`allowedKeyAlgorithms`, default every RSA of 2048 bits or more and the NIST
curves P-256, P-384 and P-521); an organisation may, for example, require
ECDSA or RSA_3072.

- A requested certificate (public or private CA) uses `key_algorithm`;
  absent means `RSA_2048`.
- An imported certificate's algorithm is the public key in its
  `certificate_body`, read from the PEM (`key_algorithm` does not apply to
  imports). A body that is not a readable PEM certificate is a finding, since
  ACM would refuse it and nothing here can vouch for its key.

A value unknown at preview is deferred to `pulumi up`.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

CERTIFICATE = "aws:acm/certificate:Certificate"
DEFAULT_ALGORITHM = "RSA_2048"
STRONG_ALGORITHMS = ("RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")
# ACM's names for the curves (the ones cryptography names in the SEC 2 way).
CURVES = {"secp256r1": "EC_prime256v1", "secp384r1": "EC_secp384r1", "secp521r1": "EC_secp521r1"}


def imported_algorithm(body: Any) -> str:
    """ACM's name for the public key in a PEM certificate body; ValueError when it is not one."""
    if not isinstance(body, str):
        raise ValueError
    key = x509.load_pem_x509_certificate(body.encode()).public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA_{key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return CURVES.get(key.curve.name, f"EC_{key.curve.name}")
    return type(key).__name__


def check(certificate: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    allowed = config["allowedKeyAlgorithms"]
    body = certificate.get("certificateBody")
    if is_unknown(body):
        unknowns.append("certificateBody")
    elif body is not None:
        try:
            algorithm = imported_algorithm(body)
        except (ValueError, UnsupportedAlgorithm):
            problems.append("certificateBody is not a readable PEM certificate, so its key cannot be judged")
        else:
            if algorithm not in allowed:
                problems.append(f"the imported certificate's key is {algorithm}, not one of allowedKeyAlgorithms "
                                f"{list(allowed)}; reissue it with a stronger key")
    else:
        algorithm = certificate.get("keyAlgorithm")
        if is_unknown(algorithm):
            unknowns.append("keyAlgorithm")
        elif (DEFAULT_ALGORITHM if algorithm is None else algorithm) not in allowed:
            shown = f"not set ({DEFAULT_ALGORITHM})" if algorithm is None else repr(algorithm)
            problems.append(f"keyAlgorithm is {shown}, not one of allowedKeyAlgorithms {list(allowed)}")
    yield from settle(problems, unknowns, subject=describe(certificate))


RULE = Rule(
    name="acm-certificate-key-strong",
    description="ACM certificates, requested or imported, use a key algorithm from the allow-list (RSA 2048+ or ECDSA P-256+).",
    severity="medium",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Request certificates with key_algorithm='RSA_2048' (the default), 'EC_prime256v1' or another "
                 "allowed algorithm; reissue imported certificates whose key is weaker."),
    check=check,
    resource_types=(CERTIFICATE,),
    config_properties={
        "allowedKeyAlgorithms": {
            "type": "array", "minItems": 1,
            "items": {"type": "string", "pattern": "^(RSA_[0-9]+|EC_[A-Za-z0-9]+)$"},
            "description": "ACM key algorithms accepted (e.g. RSA_2048, EC_prime256v1); RSA_1024 is weak.",
        },
    },
    default_config={"allowedKeyAlgorithms": list(STRONG_ALGORITHMS)},
    violation_example='aws.acm.Certificate("legacy", certificate_body=open("rsa1024.pem").read(), private_key=key_pem)',
)

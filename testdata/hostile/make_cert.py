#!/usr/bin/env python3
"""Writes evil-cert.pem: a self-signed certificate whose subject, issuer and DNS SAN carry a
newline with a GitHub workflow command, terminal escapes and a bidi override (what a
certificate in a pull request can hold), and evil-secret.yaml, a webhook serving it."""
import base64
import datetime
import pathlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

here = pathlib.Path(__file__).parent
evil = "evil\n::error file=cert.pem::owned\x1b[2J\x1b]0;title\x07\u202e"
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, evil)])
cert = (
    x509.CertificateBuilder()
    .subject_name(name)
    .issuer_name(name)
    .public_key(key.public_key())
    .serial_number(4242)
    .not_valid_before(datetime.datetime(2020, 1, 1))
    .not_valid_after(datetime.datetime(2099, 1, 1))
    .add_extension(x509.SubjectAlternativeName([x509.DNSName("a\n::error::san\x1b[31m.example")]), critical=False)
    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    .sign(key, hashes.SHA256())
)
pem = cert.public_bytes(serialization.Encoding.PEM)
(here / "evil-cert.pem").write_bytes(pem)

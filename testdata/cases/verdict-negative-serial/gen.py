"""Writes the certificates of testdata/cases/verdict-negative-serial: a CA and a serving
certificate whose serial number is negative, as some old tools issued them. Go refuses to
create one (and, from Go 1.23 with its own defaults, to parse one); pyca/cryptography
still writes it. Run: python3 gen.py (needs the cryptography package)."""
import base64
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
end = datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc)
ca_key = ec.generate_private_key(ec.SECP256R1())
ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "negative-serial-ca")])
ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
      .public_key(ca_key.public_key()).serial_number(1).not_valid_before(start).not_valid_after(end)
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
      .add_extension(x509.KeyUsage(False, False, False, False, False, True, False, False, False), critical=True)
      .sign(ca_key, hashes.SHA256()))
leaf_key = ec.generate_private_key(ec.SECP256R1())
builder = (x509.CertificateBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "demo-webhook")]))
           .issuer_name(ca_name).public_key(leaf_key.public_key())
           .not_valid_before(start).not_valid_after(end)
           .add_extension(x509.SubjectAlternativeName([x509.DNSName("demo-webhook.webhooks.svc")]), critical=False)
           .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
# The builder refuses negative serial numbers: sign a positive one, then swap the serial in
# the to-be-signed part and sign that again.
positive = builder.serial_number(0x0123456789).sign(ca_key, hashes.SHA256())


def der(tag, body):
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def split(data):
    """(tag, body, rest) of the first DER element."""
    tag, first = data[0], data[1]
    if first < 0x80:
        start, n = 2, first
    else:
        k = first & 0x7F
        start, n = 2 + k, int.from_bytes(data[2:2 + k], "big")
    return tag, data[start:start + n], data[start + n:]


tbs = positive.tbs_certificate_bytes
_, body, _ = split(tbs)
_, _, after_version = split(body)  # [0] EXPLICIT version, then the serial INTEGER
version = body[: len(body) - len(after_version)]
_, _, after_serial = split(after_version)
negative = (-4886718345).to_bytes(5, "big", signed=True)
new_tbs = der(0x30, version + der(0x02, negative) + after_serial)
signature = ca_key.sign(new_tbs, ec.ECDSA(hashes.SHA256()))
_, outer, _ = split(positive.public_bytes(serialization.Encoding.DER))
_, _, after_tbs = split(outer)
_, algorithm, _ = split(after_tbs)
leaf_der = der(0x30, new_tbs + der(0x30, algorithm) + der(0x03, b"\x00" + signature))
leaf_pem = b"-----BEGIN CERTIFICATE-----\n" + b"\n".join(
    base64.encodebytes(leaf_der).split(b"\n")).rstrip(b"\n") + b"\n-----END CERTIFICATE-----\n"
open("ca.pem", "wb").write(ca.public_bytes(serialization.Encoding.PEM))
open("leaf.pem", "wb").write(leaf_pem)
open("leaf.key", "wb").write(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

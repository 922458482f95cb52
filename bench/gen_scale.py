#!/usr/bin/env python3
"""Generates large inputs that expose work growing faster than the input (issue 9).

usage:
  bench/gen_scale.py webhooks OUT.yaml N [--namespaces K] [--secrets]
      N ValidatingWebhookConfigurations (one webhook each), N Services and N
      Deployments, spread over K namespaces (default 1: the worst case for linking).
      --secrets adds a mounted Secret per Deployment holding one shared wildcard
      leaf, and the CA as every webhook's caBundle, so every verdict is computed.
  bench/gen_scale.py pem OUT.pem N [--keys K]
      N self-signed certificates with distinct subjects (one shared P-256 key),
      then K private keys (default 1): the first is the certificates' key.
  bench/gen_scale.py cabundle OUT.yaml N W
      W webhooks whose caBundle holds N certificates: N-1 self-signed fillers with
      distinct subjects, then the CA that signed the serving leaf.
  bench/gen_scale.py chain OUT.yaml N
      One webhook whose Secret's tls.crt holds the leaf and N extra certificates.
  bench/gen_scale.py secrets OUT.yaml N
      N Secrets with a certificate each, N webhooks each with its own caBundle
      (one distinct self-signed certificate), and one Deployment mounting them all.

  bench/gen_scale.py interceptions OUT.yaml N
      N labelled Namespaces and N webhooks on pods, deployments and `*`, each with
      a namespaceSelector on one of 50 teams and its own Service and Deployment:
      every webhook-safety rule matches every webhook against every namespace.

Needs Python's `cryptography` package. Output is deterministic apart from keys.
"""
import argparse
import base64
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOT_BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2099, 12, 31, tzinfo=datetime.timezone.utc)


def name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate(subject, issuer, public_key, signing_key, serial, is_ca, dns_names=()):
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if is_ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(d) for d in dns_names]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def b64(data):
    return base64.b64encode(data).decode()


def fillers(count, prefix):
    """Self-signed certificates with distinct subjects, one shared key (signing is the cost)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key, [
        pem(certificate(f"{prefix}-{i}", f"{prefix}-{i}", key.public_key(), key, i + 1, True))
        for i in range(count)
    ]


class Pki:
    """A CA and one serving leaf for `*.<namespace>.svc` names."""

    def __init__(self, dns_names):
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ca = pem(certificate("scale-ca", "scale-ca", self.ca_key.public_key(), self.ca_key, 1, True))
        self.leaf_key = ec.generate_private_key(ec.SECP256R1())
        self.leaf = pem(
            certificate("scale-leaf", "scale-ca", self.leaf_key.public_key(), self.ca_key, 2, False, dns_names)
        )


def service(name, namespace):
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{app: {name}, tier: webhook}}
  ports: [{{name: https, port: 443, targetPort: 9443}}]
"""


def deployment(name, namespace, secret_names):
    volumes = "".join(
        f"        - {{name: v{i}, secret: {{secretName: {s}}}}}\n" for i, s in enumerate(secret_names)
    )
    mounts = "".join(
        f"            - {{name: v{i}, mountPath: /certs/{i}}}\n" for i in range(len(secret_names))
    )
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{matchLabels: {{app: {name}, tier: webhook}}}}
  template:
    metadata: {{labels: {{app: {name}, tier: webhook, team: scale}}}}
    spec:
      containers:
        - name: server
          image: example.org/server:1
          ports: [{{containerPort: 9443}}]
""" + (f"          volumeMounts:\n{mounts}      volumes:\n{volumes}" if secret_names else "")


def secret(name, namespace, cert_pem, key_pem_bytes):
    return f"""apiVersion: v1
kind: Secret
metadata: {{name: {name}, namespace: {namespace}}}
type: kubernetes.io/tls
data:
  tls.crt: {b64(cert_pem)}
  tls.key: {b64(key_pem_bytes)}
"""


def webhook(name, service_name, namespace, ca_bundle):
    bundle = f"\n      caBundle: {ca_bundle}" if ca_bundle is not None else ""
    return f"""apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {{name: {name}}}
webhooks:
  - name: {name}.example.org
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig:
      service: {{name: {service_name}, namespace: {namespace}}}{bundle}
"""


def write(out, docs):
    with open(out, "w") as f:
        for doc in docs:
            f.write("---\n")
            f.write(doc)


def gen_webhooks(out, count, namespaces, with_secrets):
    pki = Pki([f"*.ns-{k}.svc" for k in range(namespaces)]) if with_secrets else None
    docs = []
    for i in range(count):
        ns = f"ns-{i % namespaces}"
        svc = f"svc-{i}"
        docs.append(service(svc, ns))
        docs.append(deployment(svc, ns, [f"{svc}-tls"] if with_secrets else []))
        if with_secrets:
            docs.append(secret(f"{svc}-tls", ns, pki.leaf, key_pem(pki.leaf_key)))
        docs.append(webhook(f"hook-{i}", svc, ns, b64(pki.ca) if with_secrets else None))
    write(out, docs)


def gen_pem(out, count, keys):
    key, certs = fillers(count, "inspect")
    extra = [ec.generate_private_key(ec.SECP256R1()) for _ in range(max(keys - 1, 0))]
    with open(out, "wb") as f:
        for c in certs:
            f.write(c)
        for k in ([key] + extra)[:keys]:
            f.write(key_pem(k))


def gen_cabundle(out, count, webhooks):
    pki = Pki(["*.bundle.svc"])
    _, filler = fillers(count - 1, "bundle-filler")
    bundle = b64(b"".join(filler) + pki.ca)
    docs = []
    for i in range(webhooks):
        svc = f"svc-{i}"
        docs.append(service(svc, "bundle"))
        docs.append(deployment(svc, "bundle", [f"{svc}-tls"]))
        docs.append(secret(f"{svc}-tls", "bundle", pki.leaf, key_pem(pki.leaf_key)))
        docs.append(webhook(f"hook-{i}", svc, "bundle", bundle))
    write(out, docs)


def gen_chain(out, count):
    pki = Pki(["*.chain.svc"])
    _, extra = fillers(count, "chain-extra")
    docs = [
        service("svc", "chain"),
        deployment("svc", "chain", ["svc-tls"]),
        secret("svc-tls", "chain", pki.leaf + b"".join(extra), key_pem(pki.leaf_key)),
        webhook("hook", "svc", "chain", b64(pki.ca)),
    ]
    write(out, docs)


def gen_secrets(out, count):
    key, certs = fillers(count, "secret")
    docs = [secret(f"s-{i}", "many", c, key_pem(key)) for i, c in enumerate(certs)]
    docs.append(service("svc", "many"))
    docs.append(deployment("svc", "many", [f"s-{i}" for i in range(count)]))
    docs += [webhook(f"hook-{i}", "svc", "many", b64(c)) for i, c in enumerate(certs)]
    write(out, docs)


def gen_interceptions(out, count):
    docs = []
    for i in range(count):
        docs.append(
            f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{i}\n"
            f"  labels: {{team: t{i % 50}}}\n"
        )
    for i in range(count):
        ns = f"ns-{i}"
        svc = f"svc-{i}"
        docs.append(service(svc, ns))
        docs.append(deployment(svc, ns, []))
        kind = "MutatingWebhookConfiguration" if i % 2 else "ValidatingWebhookConfiguration"
        docs.append(
            f"apiVersion: admissionregistration.k8s.io/v1\nkind: {kind}\nmetadata: {{name: hook-{i}}}\n"
            f"webhooks:\n- name: hook-{i}.example.org\n"
            f"  clientConfig: {{service: {{name: {svc}, namespace: {ns}}}}}\n"
            f"  rules: [{{operations: [CREATE, UPDATE], apiGroups: ['*'], apiVersions: ['*'], resources: [pods, deployments, '*']}}]\n"
            f"  namespaceSelector: {{matchExpressions: [{{key: team, operator: In, values: [t{i % 50}]}}]}}\n"
            f"  sideEffects: None\n  admissionReviewVersions: [v1]\n"
        )
    write(out, docs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scenarios = parser.add_subparsers(dest="scenario", required=True)
    p = scenarios.add_parser("webhooks")
    p.add_argument("out")
    p.add_argument("count", type=int)
    p.add_argument("--namespaces", type=int, default=1)
    p.add_argument("--secrets", action="store_true")
    p = scenarios.add_parser("pem")
    p.add_argument("out")
    p.add_argument("count", type=int)
    p.add_argument("--keys", type=int, default=1)
    p = scenarios.add_parser("cabundle")
    p.add_argument("out")
    p.add_argument("count", type=int)
    p.add_argument("webhooks", type=int)
    for scenario in ("chain", "secrets", "interceptions"):
        p = scenarios.add_parser(scenario)
        p.add_argument("out")
        p.add_argument("count", type=int)
    args = parser.parse_args()
    if args.scenario == "webhooks":
        gen_webhooks(args.out, args.count, max(args.namespaces, 1), args.secrets)
    elif args.scenario == "pem":
        gen_pem(args.out, args.count, args.keys)
    elif args.scenario == "cabundle":
        gen_cabundle(args.out, args.count, args.webhooks)
    elif args.scenario == "interceptions":
        gen_interceptions(args.out, args.count)
    elif args.scenario == "chain":
        gen_chain(args.out, args.count)
    else:
        gen_secrets(args.out, args.count)


if __name__ == "__main__":
    main()

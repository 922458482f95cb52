#!/usr/bin/env python3
"""Generates issue 12's corpus: N rendered charts as a tree of files.

usage: bench/gen_corpus.py OUT_DIR [CHARTS (default 4000)]
       bench/gen_corpus.py --stream OUT.yaml [DOCUMENTS (default 1600000)]

Each chart is `OUT_DIR/chart-NNNNN/templates/*.yaml`, one document per file with Helm's
`# Source:` comment: a Service, a Deployment, a kubernetes.io/tls Secret holding a real
P-256 chain (its own CA and a leaf, both ECDSA with SHA-256), a Validating and a Mutating
WebhookConfiguration whose caBundle is that CA, a CustomResourceDefinition with a
realistic schema, and RBAC (ServiceAccount, ClusterRole, ClusterRoleBinding, Role).
One chart in ten is mismatched: its leaf names the Service `<name>-old`, so the
API server would refuse it. 4,000 charts give about 73 MB and 40,000 documents.
With --stream it writes one stream of small ConfigMaps instead (1.6 million make about
200 MB), for memory per document. Needs Python 3 with `cryptography`. The same N gives the same names, not the same keys.
"""
import base64
import datetime
import pathlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOT_BEFORE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2036, 1, 1, tzinfo=datetime.timezone.utc)


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def chain(service, namespace):
    """A CA and a leaf for `service.namespace.svc`, PEM encoded, and the leaf's key."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{service}-ca")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    dns = f"{service}.{namespace}.svc"
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns), x509.DNSName(f"{dns}.cluster.local")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem(ca), pem(leaf) + pem(ca), key_pem


def b64(data):
    return base64.b64encode(data).decode()


def schema_properties(i):
    """A CRD schema about the size real operators ship (most of a chart's bytes)."""
    out = []
    for f in range(24):
        out.append(f"""                    field{f}:
                      description: Field {f} of the widget spec in chart {i}; controls one aspect of how the operator reconciles the resource.
                      type: {"string" if f % 3 else "integer"}
""")
        if f % 5 == 0:
            out.append(f"""                    nested{f}:
                      type: object
                      properties:
                        enabled: {{type: boolean, description: Whether nested block {f} is on.}}
                        replicas: {{type: integer, minimum: 0, maximum: 100}}
                        selector:
                          type: object
                          additionalProperties: {{type: string}}
""")
    return "".join(out)


def chart(i, charts):
    name = f"app-{i}"
    ns = f"team-{i % max(1, charts // 4)}"
    svc = f"{name}-webhook"
    mismatched = i % 10 == 9
    ca, crt, key = chain(f"{svc}-old" if mismatched else svc, ns)
    labels = f"{{app.kubernetes.io/name: {name}, app.kubernetes.io/instance: rel-{i}, helm.sh/chart: {name}-1.2.3}}"
    docs = {}
    docs["service.yaml"] = f"""apiVersion: v1
kind: Service
metadata:
  name: {svc}
  namespace: {ns}
  labels: {labels}
spec:
  selector:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/component: webhook
  ports:
    - name: https
      port: 443
      targetPort: webhook
"""
    docs["deployment.yaml"] = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {labels}
  annotations:
    checksum/config: 3f1c0e8a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
      app.kubernetes.io/component: webhook
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        app.kubernetes.io/component: webhook
    spec:
      serviceAccountName: {name}
      securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels: {{app.kubernetes.io/name: {name}}}
      containers:
        - name: manager
          image: registry.example.org/{name}/manager:1.2.3
          imagePullPolicy: IfNotPresent
          args: ["--cert-dir=/certs", "--webhook-port=9443", "--log-level=info", "--metrics-bind-address=:8080"]
          ports:
            - {{name: webhook, containerPort: 9443, protocol: TCP}}
            - {{name: metrics, containerPort: 8080, protocol: TCP}}
          env:
            - name: POD_NAMESPACE
              valueFrom: {{fieldRef: {{fieldPath: metadata.namespace}}}}
            - {{name: LOG_FORMAT, value: json}}
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
            requests: {{cpu: 100m, memory: 128Mi}}
          livenessProbe: {{httpGet: {{path: /healthz, port: 8081}}, initialDelaySeconds: 15}}
          readinessProbe: {{httpGet: {{path: /readyz, port: 8081}}, initialDelaySeconds: 5}}
          volumeMounts:
            - {{name: certs, mountPath: /certs, readOnly: true}}
      volumes:
        - name: certs
          secret: {{secretName: {svc}-tls}}
"""
    docs["secret.yaml"] = f"""apiVersion: v1
kind: Secret
metadata:
  name: {svc}-tls
  namespace: {ns}
  labels: {labels}
type: kubernetes.io/tls
data:
  ca.crt: {b64(ca)}
  tls.crt: {b64(crt)}
  tls.key: {b64(key)}
"""
    for kind, verb in (("Validating", "validate"), ("Mutating", "mutate")):
        docs[f"{verb}-webhook.yaml"] = f"""apiVersion: admissionregistration.k8s.io/v1
kind: {kind}WebhookConfiguration
metadata:
  name: {name}-{verb}
  labels: {labels}
webhooks:
  - name: {verb}.widgets.{name}.example.org
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: Fail
    timeoutSeconds: 10
    clientConfig:
      service: {{name: {svc}, namespace: {ns}, path: /{verb}-widget, port: 443}}
      caBundle: {b64(ca)}
    rules:
      - {{apiGroups: ["{name}.example.org"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["widgets"], scope: Namespaced}}
    namespaceSelector:
      matchExpressions:
        - {{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, {ns}]}}
"""
    docs["crd.yaml"] = f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.{name}.example.org
  labels: {labels}
spec:
  group: {name}.example.org
  names: {{kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources: {{status: {{}}}}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                template:
                  type: object
                  properties:
{schema_properties(i)}            status:
              type: object
              properties:
                phase: {{type: string}}
                observedGeneration: {{type: integer, format: int64}}
"""
    docs["serviceaccount.yaml"] = f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
  labels: {labels}
"""
    docs["clusterrole.yaml"] = f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {name}-manager
  labels: {labels}
rules:
  - apiGroups: ["{name}.example.org"]
    resources: [widgets, widgets/status]
    verbs: [get, list, watch, create, update, patch, delete]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch]
  - apiGroups: [""]
    resources: [configmaps, secrets]
    verbs: [get, list, watch]
"""
    docs["clusterrolebinding.yaml"] = f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {name}-manager
  labels: {labels}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {name}-manager}}
subjects:
  - {{kind: ServiceAccount, name: {name}, namespace: {ns}}}
"""
    docs["role.yaml"] = f"""apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {name}-leader-election
  namespace: {ns}
  labels: {labels}
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, list, watch, create, update, patch, delete]
"""
    return docs


def small_documents(path, count):
    """One stream of `count` small documents (about 125 bytes each): memory per document."""
    with open(path, "w") as f:
        for i in range(count):
            f.write(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-{i}\n  namespace: ns-{i % 100}\n  labels: {{app: demo}}\ndata:\n  key: value-{i}\n")


USAGE = "usage: gen_corpus.py OUT_DIR [CHARTS (default 4000)]\n       gen_corpus.py --stream OUT.yaml [DOCUMENTS (default 1600000)]"


def main():
    args = sys.argv[1:]
    if args[:1] == ["--stream"] and len(args) in (2, 3):
        small_documents(args[1], int(args[2]) if len(args) == 3 else 1_600_000)
        return
    if not args or len(args) > 2 or args[0].startswith("-") or (len(args) == 2 and not args[1].isdigit()):
        print(USAGE, file=sys.stderr)
        sys.exit(0 if args and args[0] in ("-h", "--help") else 2)
    out = pathlib.Path(args[0])
    charts = int(args[1]) if len(args) > 1 else 4000
    for i in range(charts):
        templates = out / f"chart-{i:05}" / "templates"
        templates.mkdir(parents=True, exist_ok=True)
        for file, doc in chart(i, charts).items():
            (templates / file).write_text(f"---\n# Source: app-{i}/templates/{file}\n{doc}")


if __name__ == "__main__":
    main()

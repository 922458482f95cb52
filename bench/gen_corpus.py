#!/usr/bin/env python3
"""Generates a helm-template-style corpus for throughput measurements.

usage: bench/gen_corpus.py OUT.yaml [RELEASES]

Each release renders a webhook wiring (Service, Deployment, Secret with a real
certificate from testdata/certs, ValidatingWebhookConfiguration) plus ConfigMaps and
other Deployments, with `# Source:` comments. 1,000 releases give about 57 MB and
29,000 documents.
"""
import base64
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CERT = base64.b64encode((ROOT / "testdata/certs/leaf-good.pem").read_bytes()).decode()
KEY = base64.b64encode((ROOT / "testdata/certs/leaf-good-key.pem").read_bytes()).decode()
CA = base64.b64encode((ROOT / "testdata/certs/ca.pem").read_bytes()).decode()


def release(i):
    ns = f"team-{i}"
    docs = []
    docs.append(f"""# Source: app-{i}/templates/webhook-service.yaml
apiVersion: v1
kind: Service
metadata:
  name: app-{i}-webhook
  namespace: {ns}
  labels: {{app.kubernetes.io/name: app-{i}, app.kubernetes.io/instance: rel-{i}, helm.sh/chart: app-1.2.3}}
spec:
  selector:
    app.kubernetes.io/name: app-{i}
    app.kubernetes.io/component: webhook
  ports:
    - name: https
      port: 443
      targetPort: webhook
""")
    docs.append(f"""# Source: app-{i}/templates/webhook-secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: app-{i}-webhook-tls
  namespace: {ns}
type: kubernetes.io/tls
data:
  tls.crt: {CERT}
  tls.key: {KEY}
""")
    docs.append(f"""# Source: app-{i}/templates/webhook.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: app-{i}-webhook
webhooks:
  - name: validate.app-{i}.example.org
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: Fail
    clientConfig:
      service: {{name: app-{i}-webhook, namespace: {ns}, path: /validate}}
      caBundle: {CA}
    rules:
      - {{apiGroups: ["example.org"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["widgets"]}}
""")
    for d in range(10):
        component = "webhook" if d == 0 else f"worker-{d}"
        docs.append(f"""# Source: app-{i}/templates/deployment-{d}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}-{component}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: app-{i}
    app.kubernetes.io/component: {component}
    app.kubernetes.io/managed-by: Helm
  annotations:
    checksum/config: 3f1c0e8a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: app-{i}
      app.kubernetes.io/component: {component}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-{i}
        app.kubernetes.io/component: {component}
    spec:
      serviceAccountName: app-{i}
      securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
      containers:
        - name: server
          image: registry.example.org/app-{i}/{component}:1.2.3
          imagePullPolicy: IfNotPresent
          args: ["--cert-dir=/certs", "--port=9443", "--log-level=info", "--metrics-bind-address=:8080"]
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
          secret: {{secretName: app-{i}-webhook-tls}}
""")
    for c in range(16):
        lines = "".join(f"    key-{k}: \"value {k} of config {c} in release {i}, padded to look like real settings\"\n" for k in range(24))
        docs.append(f"""# Source: app-{i}/templates/configmap-{c}.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config-{c}
  namespace: {ns}
data:
{lines}""")
    return docs


USAGE = "usage: gen_corpus.py OUTPUT.yaml [RELEASES (default 1000)]"


def main():
    args = sys.argv[1:]
    if not args or len(args) > 2 or args[0].startswith("-") or (len(args) == 2 and not args[1].isdigit()):
        print(USAGE, file=sys.stderr)
        sys.exit(0 if args and args[0] in ("-h", "--help") else 2)
    out = pathlib.Path(args[0])
    releases = int(args[1]) if len(args) > 1 else 1000
    with out.open("w") as f:
        for i in range(releases):
            for doc in release(i):
                f.write("---\n")
                f.write(doc)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the YAML fixtures that embed certificates from testdata/certs (made by certs/gen.go).

Run from testdata/: python3 make_fixtures.py. The outputs are committed; tests never run this.
"""
import base64
import pathlib

HERE = pathlib.Path(__file__).parent
CERTS = HERE / "certs"


def b64(name):
    return base64.b64encode((CERTS / name).read_bytes()).decode()


def write(path, text):
    path = HERE / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# The Spark operator incident: the Secret the 1.2.x chart's gencerts.sh Job created,
# as `kubectl get secret spark-operator-webhook-certs -o yaml` shows it after the upgrade.
write("examples/spark-operator-upgrade/cluster-state.yaml", f"""apiVersion: v1
items:
- apiVersion: v1
  data:
    ca-cert.pem: {b64("ca.pem")}
    ca-key.pem: {b64("leaf-spark-1.2-key.pem")}
    server-cert.pem: {b64("leaf-spark-1.2.pem")}
    server-key.pem: {b64("leaf-spark-1.2-key.pem")}
  kind: Secret
  metadata:
    creationTimestamp: "2024-03-02T09:14:27Z"
    name: spark-operator-webhook-certs
    namespace: default
    resourceVersion: "48213"
    uid: 6c1f7d0e-2f0a-4b7e-9a51-0c3e8f2d9b11
  type: Opaque
kind: List
metadata:
  resourceVersion: ""
""")


def service(name="demo-webhook", port=443, target="webhook", extra=""):
    return f"""---
# Source: demo/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: webhooks
spec:
{extra}  selector:
    app: demo-webhook
  ports:
    - name: https
      port: {port}
      targetPort: {target}
"""


def deployment(port_name="webhook", secret="demo-webhook-tls"):
    return f"""---
# Source: demo/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo-webhook
  namespace: webhooks
spec:
  selector:
    matchLabels:
      app: demo-webhook
  template:
    metadata:
      labels:
        app: demo-webhook
    spec:
      containers:
        - name: server
          image: example.org/demo-webhook:1.0.0
          args: ["--cert-dir=/certs", "--port=9443"]
          ports:
            - name: {port_name}
              containerPort: 9443
          volumeMounts:
            - name: certs
              mountPath: /certs
              readOnly: true
      volumes:
        - name: certs
          secret:
            secretName: {secret}
"""


def tls_secret(leaf, name="demo-webhook-tls", source="demo/templates/secret.yaml"):
    return f"""---
# Source: {source}
apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: webhooks
type: kubernetes.io/tls
data:
  tls.crt: {b64("leaf-" + leaf + ".pem")}
  tls.key: {b64("leaf-" + leaf + "-key.pem")}
"""


def webhook(client_config=None, kind="ValidatingWebhookConfiguration", policy="Fail"):
    if client_config is None:
        client_config = f"""      service:
        name: demo-webhook
        namespace: webhooks
        path: /validate
      caBundle: {b64("ca.pem")}
"""
    return f"""---
# Source: demo/templates/webhook.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: {kind}
metadata:
  name: demo-webhook
webhooks:
  - name: validate.demo.example.org
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: {policy}
    clientConfig:
{client_config}    rules:
      - apiGroups: ["demo.example.org"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["widgets"]
"""


def case(name, *parts):
    write(f"cases/{name}/input.yaml", "".join(parts))


for leaf, name in [
    ("good", "hostname-ok"),
    ("old-name", "hostname-renamed-service"),
    ("cn-only", "hostname-legacy-common-name"),
    ("cluster-local", "hostname-cluster-local-only"),
    ("wildcard", "hostname-wildcard"),
    ("ip-only", "hostname-ip-san-only"),
]:
    case(name, service(), deployment(), tls_secret(leaf), webhook())

case("hostname-fail-open", service(), deployment(), tls_secret("old-name"), webhook(policy="Ignore"))
case("service-port-mismatch", service(port=8443), deployment(), tls_secret("good"), webhook())
# go-yaml reads 0443 as octal: port 291.
case("service-port-octal", service(), deployment(), tls_secret("good"), webhook(client_config=f"""      service:
        name: demo-webhook
        namespace: webhooks
        port: 0443
      caBundle: {b64("ca.pem")}
"""))
case("service-headless", service(extra="  clusterIP: None\n"), deployment(), tls_secret("good"), webhook())
case("target-port-unresolved", service(target="webhook-server"), deployment(), tls_secret("good"), webhook())
case("service-missing", deployment(), tls_secret("good"), webhook())
case("certificate-secret-not-in-inputs", service(), deployment(), webhook())
case("certificate-no-pods", service(), tls_secret("good"), webhook())
case("loopback", webhook(client_config="""      service:
        name: kubernetes
        namespace: default
"""))
case("client-config-invalid", webhook(client_config="""      url: http://user:hunter2@webhook.example.org/validate?x=1#frag
"""), webhook(kind="MutatingWebhookConfiguration", client_config="""      service:
        name: demo-webhook
        port: 0
        path: validate//Now
      url: https://webhook.example.org/mutate
"""), webhook(kind="MutatingWebhookConfiguration", client_config="""      service:
        namespace: webhooks
        port: 70000
        path: /mutate_pods
""").replace("name: demo-webhook\nwebhooks", "name: demo-webhook-2\nwebhooks"))

double = base64.b64encode(b64("ca.pem").encode()).decode()
case("certificate-decode", service(), deployment(), f"""---
# Source: demo/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: demo-webhook-tls
  namespace: webhooks
type: kubernetes.io/tls
data:
  tls.crt: {b64("leaf-good-key.pem")}
  tls.key: not*base64
---
apiVersion: v1
kind: Secret
metadata:
  name: broken-base64
  namespace: webhooks
type: kubernetes.io/tls
data:
  tls.crt: "LS0tLS1CRUdJTi!!!"
  tls.key: {b64("leaf-good-key.pem")}
---
apiVersion: v1
kind: Secret
metadata:
  name: not-pem
  namespace: webhooks
type: kubernetes.io/tls
stringData:
  tls.crt: just some text
---
apiVersion: v1
kind: Secret
metadata:
  name: bad-der
  namespace: webhooks
type: kubernetes.io/tls
stringData:
  tls.crt: |
    -----BEGIN CERTIFICATE-----
    AAECAwQF
    -----END CERTIFICATE-----
""", webhook(client_config=f"""      service:
        name: demo-webhook
        namespace: webhooks
      caBundle: {double}
"""))

# The Secret comes from the cluster, in JSON, as `kubectl get secret -o json` prints a List.
case("live-secret-json", service(), deployment(), webhook())
write("cases/live-secret-json/cluster-state.json", f"""{{
    "apiVersion": "v1",
    "items": [
        {{
            "apiVersion": "v1",
            "data": {{
                "tls.crt": "{b64("leaf-old-name.pem")}",
                "tls.key": "{b64("leaf-old-name-key.pem")}"
            }},
            "kind": "Secret",
            "metadata": {{
                "creationTimestamp": "2025-01-10T08:00:00Z",
                "name": "demo-webhook-tls",
                "namespace": "webhooks",
                "resourceVersion": "1234",
                "uid": "0b4f3c2e-1111-2222-3333-444455556666"
            }},
            "type": "kubernetes.io/tls"
        }}
    ],
    "kind": "List",
    "metadata": {{
        "resourceVersion": ""
    }}
}}
""")

# One broken document does not stop the others from being checked.
case("syntax-error-recovery", service(), "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n   namespace: webhooks\ndata: {a: [1, 2}\n", deployment(), tls_secret("old-name"), webhook())

crd = f"""---
# Source: demo/templates/crd.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.example.org
spec:
  group: demo.example.org
  names: {{kind: Widget, plural: widgets}}
  scope: Namespaced
  versions:
    - {{name: v1, served: true, storage: true}}
    - {{name: v2, served: true, storage: false}}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: ["v1"]
      clientConfig:
        service:
          name: demo-webhook
          namespace: webhooks
          path: /convert
        caBundle: {b64("ca.pem")}
---
# Source: demo/templates/apiservice.yaml
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.metrics.demo.example.org
spec:
  group: metrics.demo.example.org
  version: v1
  groupPriorityMinimum: 100
  versionPriority: 100
  service:
    name: demo-webhook
    namespace: webhooks
  caBundle: {b64("ca.pem")}
"""
case("crd-and-apiservice", service(), deployment(), tls_secret("cluster-local"), crd)

# PEM under stringData, as a block scalar: its lines must never be printed.
case("stringdata-renamed", service(), deployment(), f"""---
apiVersion: v1
kind: Secret
metadata:
  name: demo-webhook-tls
  namespace: webhooks
type: kubernetes.io/tls
stringData:
  tls.crt: |
{"".join("    " + l + chr(10) for l in (CERTS / "leaf-old-name.pem").read_text().splitlines())}  tls.key: |
{"".join("    " + l + chr(10) for l in (CERTS / "leaf-old-name-key.pem").read_text().splitlines())}""", webhook())

case("apiservice-insecure-with-cabundle", f"""---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  caBundle: {b64("ca.pem")}
  service:
    name: metrics-server
    namespace: kube-system
""")

# The full verdict: Go's first failure, in Go's order (testdata/certs/verdicts.json, at 2026-11-27).
for leaf, name in [
    ("expired", "verdict-expired-leaf"),
    ("not-yet-valid", "verdict-not-yet-valid"),
    ("other-ca", "verdict-signed-by-other-ca"),
    ("client-eku", "verdict-client-auth-only"),
    ("expiring", "verdict-expiring-soon"),
    ("rsa1024", "verdict-rsa-1024"),
    ("rsa512", "verdict-rsa-512"),
]:
    case(name, service(), deployment(), tls_secret(leaf), webhook())

# No caBundle: the API server's system roots hold no private CA.
case("verdict-no-ca-bundle", service(), deployment(), tls_secret("good"), webhook(client_config="""      service:
        name: demo-webhook
        namespace: webhooks
        path: /validate
"""))

# The key of another pair: the webhook server cannot start.
case("serving-key-mismatch", service(), deployment(), f"""---
apiVersion: v1
kind: Secret
metadata:
  name: demo-webhook-tls
  namespace: webhooks
type: kubernetes.io/tls
data:
  tls.crt: {b64("leaf-good.pem")}
  tls.key: {b64("leaf-old-name-key.pem")}
""", webhook())


CHARTS = CERTS / "charts"


def b64c(name):
    return base64.b64encode((CHARTS / name).read_bytes()).decode()


def aws_lbc(service_name):
    """aws-load-balancer-controller as `helm template` renders it with the chart's genCA."""
    return f"""---
# Source: aws-load-balancer-controller/templates/webhook.yaml
apiVersion: v1
kind: Secret
metadata:
  name: aws-load-balancer-tls
  namespace: kube-system
  labels:
    app.kubernetes.io/name: aws-load-balancer-controller
type: kubernetes.io/tls
data:
  ca.crt: {b64c("ca.pem")}
  tls.crt: {b64c("aws-lbc.pem")}
  tls.key: {b64c("aws-lbc-key.pem")}
---
# Source: aws-load-balancer-controller/templates/webhook.yaml
apiVersion: v1
kind: Service
metadata:
  name: {service_name}
  namespace: kube-system
spec:
  ports:
  - port: 443
    targetPort: webhook-server
  selector:
    app.kubernetes.io/name: aws-load-balancer-controller
    app.kubernetes.io/instance: aws-load-balancer-controller
---
# Source: aws-load-balancer-controller/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: aws-load-balancer-controller
  namespace: kube-system
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: aws-load-balancer-controller
      app.kubernetes.io/instance: aws-load-balancer-controller
  template:
    metadata:
      labels:
        app.kubernetes.io/name: aws-load-balancer-controller
        app.kubernetes.io/instance: aws-load-balancer-controller
    spec:
      serviceAccountName: aws-load-balancer-controller
      volumes:
      - name: cert
        secret:
          defaultMode: 420
          secretName: aws-load-balancer-tls
      containers:
      - name: aws-load-balancer-controller
        image: public.ecr.aws/eks/aws-load-balancer-controller:v2.7.1
        args:
        - --cluster-name=demo
        - --ingress-class=alb
        volumeMounts:
        - mountPath: /tmp/k8s-webhook-server/serving-certs
          name: cert
          readOnly: true
        ports:
        - name: webhook-server
          containerPort: 9443
          protocol: TCP
        - name: metrics-server
          containerPort: 8080
          protocol: TCP
---
# Source: aws-load-balancer-controller/templates/webhook.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: aws-load-balancer-webhook
webhooks:
- clientConfig:
    caBundle: {b64c("ca.pem")}
    service:
      name: {service_name}
      namespace: kube-system
      path: /mutate-v1-pod
  failurePolicy: Fail
  name: mpod.elbv2.k8s.aws
  admissionReviewVersions:
  - v1beta1
  objectSelector:
    matchExpressions:
    - key: app.kubernetes.io/name
      operator: NotIn
      values:
      - aws-load-balancer-controller
  rules:
  - apiGroups: [""]
    apiVersions: [v1]
    operations: [CREATE]
    resources: [pods]
  sideEffects: None
---
# Source: aws-load-balancer-controller/templates/webhook.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: aws-load-balancer-webhook
webhooks:
- clientConfig:
    caBundle: {b64c("ca.pem")}
    service:
      name: {service_name}
      namespace: kube-system
      path: /validate-elbv2-k8s-aws-v1beta1-targetgroupbinding
  failurePolicy: Fail
  name: vtargetgroupbinding.elbv2.k8s.aws
  admissionReviewVersions:
  - v1beta1
  rules:
  - apiGroups: [elbv2.k8s.aws]
    apiVersions: [v1beta1]
    operations: [CREATE, UPDATE]
    resources: [targetgroupbindings]
  sideEffects: None
"""


write("cases/chart-aws-lbc-genca-ok/input.yaml", aws_lbc("aws-load-balancer-webhook-service"))
# keepTLSSecret: the chart reuses the live Secret through `lookup`; a renamed Service keeps the old cert.
write("cases/chart-aws-lbc-genca-renamed-service/input.yaml", aws_lbc("aws-lbc-webhook-service"))

# Spark 2.1.0 after an upgrade whose live Secret already holds a certificate for the new name.
spark = (HERE / "examples/spark-operator-upgrade/rendered.yaml").read_text()
write("cases/operator-spark-2.1-live-secret-valid/rendered.yaml", spark)
write("cases/operator-spark-2.1-live-secret-valid/cluster-state.yaml", f"""apiVersion: v1
items:
- apiVersion: v1
  data:
    ca-cert.pem: {b64c("ca.pem")}
    server-cert.pem: {b64c("spark-2.x.pem")}
    server-key.pem: {b64c("spark-2.x-key.pem")}
  kind: Secret
  metadata:
    creationTimestamp: "2025-09-01T10:00:00Z"
    name: spark-operator-webhook-certs
    namespace: default
    resourceVersion: "91822"
    uid: 3d3c7a55-7b0e-4c55-bb0f-2f8f0b7f1c42
  type: Opaque
kind: List
metadata:
  resourceVersion: ""
""")

# A Secret the previous release rendered with `helm.sh/resource-policy: keep`: the new render no
# longer carries it, the Service was renamed, and the kept certificate is served after the upgrade.
previous = aws_lbc("aws-load-balancer-webhook-service").replace(
    "  name: aws-load-balancer-tls\n  namespace: kube-system\n  labels:",
    "  name: aws-load-balancer-tls\n  namespace: kube-system\n  annotations:\n    helm.sh/resource-policy: keep\n  labels:",
)
assert "resource-policy" in previous
current = aws_lbc("aws-lbc-webhook-service")
current = current[current.index("---\n# Source: aws-load-balancer-controller/templates/webhook.yaml\napiVersion: v1\nkind: Service"):]
write("cases/upgrade-trap-kept-secret/previous/release-1.yaml", previous)
write("cases/upgrade-trap-kept-secret/current.yaml", current)
write("cases/upgrade-trap-kept-secret/args", "--previous previous/release-1.yaml\n")

#!/usr/bin/env python3
"""Writes the hostile-input fixtures from testdata/cases/hostname-renamed-service.

names/input.yaml: every name and namespace carries a newline followed by a GitHub
workflow command, terminal escapes (clear screen, window title, BEL), a bidi override,
NEL and a line separator, written as YAML double-quoted escapes. The wiring is intact,
so speclint reports the webhook-hostname error with labels on every object.

one-line-secret/: the webhook in app.yaml, its Secret as `kubectl get -o json` writes it
(one line, keys sorted: data before metadata), with a last-applied-configuration
annotation that repeats the data and a stringData canary, and an annotation copying part
of the private key.
"""
import json
import pathlib
import re

here = pathlib.Path(__file__).parent
source = (here.parent / "cases/hostname-renamed-service/input.yaml").read_text()

hostile = r"\n::error file=pwned.yaml,line=1::owned\e[2J\e[H\e]0;title\a\u202Eevil\N\L"
names = source.replace("namespace: webhooks", f'namespace: "ns3<&>{hostile}"')
names = names.replace("name: demo-webhook\n", f'name: "demo-webhook{hostile}"\n')
names = names.replace("secretName: demo-webhook-tls", f'secretName: "demo-webhook-tls{hostile}"')
names = names.replace("name: demo-webhook-tls\n", f'name: "demo-webhook-tls{hostile}"\n')
names = names.replace("- name: validate.demo.example.org", f'- name: "validate.demo.example.org{hostile}"')
(here / "names").mkdir(exist_ok=True)
(here / "names/input.yaml").write_text(names)

documents = source.split("\n---\n")
secret = next(d for d in documents if "kind: Secret" in d)
crt = re.search(r"tls.crt: (\S+)", secret).group(1)
key = re.search(r"tls.key: (\S+)", secret).group(1)
live = {
    "apiVersion": "v1",
    "data": {"tls.crt": crt, "tls.key": key},
    "kind": "Secret",
    "metadata": {"annotations": {}, "name": "demo-webhook-tls", "namespace": "webhooks"},
    "stringData": {"password": "CANARY-hunter2-stringdata\nsecond line"},
    "type": "kubernetes.io/tls",
}
applied = json.dumps(live, separators=(",", ":"), sort_keys=True)
live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = applied
live["metadata"]["annotations"]["example.org/copied"] = "key " + key[20:120]
live["metadata"]["uid"] = "0b1c2d3e-0000-4000-8000-000000000001"
(here / "one-line-secret").mkdir(exist_ok=True)
(here / "one-line-secret/live.json").write_text(json.dumps(live, separators=(",", ":"), sort_keys=True))
app = "\n---\n".join(d for d in documents if "kind: Secret" not in d)
(here / "one-line-secret/app.yaml").write_text(app)

#!/usr/bin/env python3
"""Writes the UTF-16 fixtures of tests/input_limits.rs from one UTF-8 manifest.

Run from testdata/input/: python3 make_utf16.py. The outputs are committed; tests never run this.
The manifest has findings on known lines, and non-ASCII comments (one outside the BMP) so that
UTF-16 and UTF-8 byte offsets differ before them.
"""
import pathlib

HERE = pathlib.Path(__file__).parent

CA_BUNDLE = (HERE.parent / "cases/apiservice-insecure-with-cabundle/input.yaml").read_text()
CA_BUNDLE = next(l for l in CA_BUNDLE.splitlines() if "caBundle:" in l).split(": ", 1)[1]

TEXT = f"""# Métriques du cluster 𝄞: servies par metrics-server
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io  # ünïcödé
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  caBundle: {CA_BUNDLE}
  service:
    name: metrics-server
    namespace: kube-system
"""


def utf16(text, big_endian):
    return text.encode("utf-16-be" if big_endian else "utf-16-le")


(HERE / "utf8.yaml").write_text(TEXT, encoding="utf-8")
(HERE / "utf16le-bom.yaml").write_bytes(b"\xff\xfe" + utf16(TEXT, False))
(HERE / "utf16be-bom.yaml").write_bytes(b"\xfe\xff" + utf16(TEXT, True))
(HERE / "utf16le-no-bom.yaml").write_bytes(utf16(TEXT, False))
# A lone high surrogate in place of the first comment's 𝄞, and a lone last byte, which
# kubectl reads as U+FFFD at the end of a last comment line.
broken = utf16(TEXT + "# fin", False)
clef = utf16("𝄞", False)
at = broken.index(clef)
broken = broken[:at] + clef[:2] + broken[at + 4 :] + b"\n"
(HERE / "utf16le-invalid.yaml").write_bytes(b"\xff\xfe" + broken)
print("unpaired surrogate at byte", 2 + at, "; odd byte at", 2 + len(broken) - 1)

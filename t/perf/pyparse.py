#!/usr/bin/env python3
"""Baseline (b): what the Python roadmap-cli does for every `list`.

Walks every *.md file under the issues root, parses each file's front matter
with PyYAML's C loader (yaml.CSafeLoader, libyaml), then filters.
Prints "<id>\t<status>\t<title>" sorted by id, like roadmap-list.

usage: pyparse.py [--root DIR] [--label L] [--status S]
"""
import argparse
import os
import sys

import yaml

ap = argparse.ArgumentParser()
ap.add_argument("--root", default=".roadmap/issues")
ap.add_argument("--label")
ap.add_argument("--status")
a = ap.parse_args()

Loader = yaml.CSafeLoader
out = []
for dirpath, dirs, files in os.walk(a.root):
    for name in files:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(dirpath, name), "rb") as f:
            text = f.read().decode("utf-8")
        if not text.startswith("---\n"):
            continue
        end = text.find("\n---\n", 3)
        if end < 0:
            continue
        try:
            fm = yaml.load(text[4:end + 1], Loader=Loader) or {}
        except yaml.YAMLError:
            continue
        if not isinstance(fm, dict):
            continue
        if a.status is not None and str(fm.get("status")) != a.status:
            continue
        if a.label is not None and a.label not in (fm.get("labels") or []):
            continue
        iid = str(fm.get("id") or name.split("-")[0].split(".")[0])
        out.append((iid, str(fm.get("status") or ""), str(fm.get("title") or "")))
out.sort()
w = sys.stdout.write
for r in out:
    w("%s\t%s\t%s\n" % r)

#!/usr/bin/env python3
"""The synced fields of every issue file under a folder, one JSON line per
issue sorted by the remote key (PyYAML: an oracle independent of roadmap).

usage: sync-fields.py <folder> <remote-name>   (remote-name "-": the folder
is a dir remote itself; the key is the file's id)
"""
import json, os, sys, yaml

CLOSED = {"done", "closed", "completed", "complete", "resolved", "fixed", "wontfix",
          "cancelled", "canceled", "rejected", "duplicate"}


def front(text):
    parts = text.split("\n")
    assert parts[0].strip() == "---", "no front matter"
    for i, line in enumerate(parts[1:], 1):
        if line.rstrip("\r") in ("---", "..."):
            return yaml.safe_load("\n".join(parts[1:i])) or {}, "\n".join(parts[i + 1:])
    raise ValueError("unclosed front matter")


def fields(path, remote):
    fm, body = front(open(path, encoding="utf-8").read())
    body = body.replace("\r\n", "\n")
    if "<!-- roadmap:id=" in body:
        body = body[:body.rindex("<!-- roadmap:id=")]
    key = fm.get("id") if remote == "-" else (fm.get("remote_ids") or {}).get(remote)
    assignees = fm.get("assignees", fm.get("assignee")) or []
    if isinstance(assignees, str):
        assignees = [assignees]
    status = str(fm.get("status") or "open")
    return {
        "key": str(key),
        "title": str(fm.get("title") or ""),
        "state": "closed" if status.lower() in CLOSED else "open",
        "labels": sorted((str(l) for l in fm.get("labels") or []), key=str.lower),
        "assignees": sorted(str(a) for a in assignees),
        "milestone": str(fm.get("milestone") or ""),
        "body": body.strip("\n"),
    }


rows = []
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for f in files:
        if f.endswith(".md"):
            rows.append(fields(os.path.join(root, f), sys.argv[2]))
for r in sorted(rows, key=lambda r: r["key"]):
    print(json.dumps(r, sort_keys=True))

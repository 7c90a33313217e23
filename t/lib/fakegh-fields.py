#!/usr/bin/env python3
"""Every issue of the fake GitHub, as t/lib/sync-fields.py prints a folder's:
one JSON line per issue (pull requests skipped), sorted by key.

usage: fakegh-fields.py <base url> <owner/repo> <token>
The walk's requests land in the fake's log like any others.
"""
import json, sys, urllib.request

base, repo, token = sys.argv[1:4]
rows, page = [], 1
while True:
    req = urllib.request.Request(
        "%s/repos/%s/issues?state=all&per_page=100&page=%d" % (base, repo, page),
        headers={"Authorization": "Bearer " + token, "User-Agent": "t"})
    items = json.load(urllib.request.urlopen(req))
    if not items:
        break
    for i in items:
        if i.get("pull_request"):
            continue
        body = (i.get("body") or "").replace("\r\n", "\n")
        if "<!-- roadmap:id=" in body:
            body = body[:body.rindex("<!-- roadmap:id=")]
        rows.append({
            "key": str(i["number"]),
            "title": i["title"],
            "state": i["state"],
            "labels": sorted((l["name"] for l in i["labels"]), key=str.lower),
            "assignees": sorted(a["login"] for a in i["assignees"]),
            "milestone": (i.get("milestone") or {}).get("title") or "",
            "body": body.strip("\n"),
        })
    page += 1
for r in sorted(rows, key=lambda r: r["key"]):
    print(json.dumps(r, sort_keys=True))

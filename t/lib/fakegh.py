#!/usr/bin/env python3
"""fakegh: a stateful, offline fake of GitHub's REST Issues API, for tests.

    python3 fakegh.py --port 0 --state FILE [--token T] [--idle-exit S] [--max-life S]

Binds 127.0.0.1, prints the chosen port alone on a line, keeps its whole state
(repositories, issues, labels, milestones, clock, rate counter, faults, request
log) in FILE, rewritten atomically (temp + os.replace) after every mutation and
before every exit, so a restarted server with the same FILE carries on.  It
exits by itself after --idle-exit seconds without a request and after
--max-life seconds in all.  Python 3 stdlib only.  See t/lib/fakegh.sh.

What it fakes (API version 2022-11-28):
  GET/POST  /repos/{o}/{r}/issues      list (state, since, sort, direction,
            per_page, page, creator, labels, assignee, milestone; PRs mixed in;
            Link to /repositories/{id}/issues; ETag / If-None-Match -> 304)
  GET/PATCH /repos/{o}/{r}/issues/{n}  (304, 404, 410 deleted, 301 transferred)
  GET/POST  /repos/{o}/{r}/milestones, GET .../milestones/{n}
  GET/POST  /repos/{o}/{r}/labels, GET .../labels/{name}
  GET       /repos/{o}/{r}/assignees, .../assignees/{login} (204/404)
  GET       /repos/{o}/{r}, /user
  and every /repos/{o}/{r}/X also as /repositories/{id}/X.  Repositories
  spring into existence on first use.  Auth (Bearer or token), User-Agent,
  X-GitHub-Api-Version, x-ratelimit-* headers, the primary limit itself.
What it does not fake: comments, events, timelines, reactions, locking,
  search, GraphQL, pull request endpoints, label/milestone edits and deletes,
  delta label endpoints (POST/PUT/DELETE .../issues/{n}/labels), issue types,
  repository renames (307), permissions beyond one push_access switch,
  secondary limits other than by a scripted fault, Last-Modified, gzip, the
  raw/html/text media types.

Where it knowingly differs from GitHub:
  - ETags hash the body bytes alone (GitHub's also depend on the token and the
    encoding), always weak (W/"...").  A restart on another port changes them.
  - Every authorized answer but a 304 counts against the rate limit, errors
    included; a 401 and a 403 for a missing User-Agent do not.
  - PATCH applies state_reason whenever "state" is in the body, changed or not
    (the docs: "ignored unless state is changed"); state_reason alone is
    ignored.  closed takes completed|not_planned|duplicate (null: completed),
    open takes reopened|null; duplicate_issue_id is ignored.
  - A 422 lists only the first error found.  A POST/PATCH body that is not a
    JSON object, an empty one included, is 400 "Body should be a JSON object".
  - Labels on an issue are sorted by name ignoring case, assignees by login;
    sort ties are broken by number in the sort's direction; milestones list
    by number, labels by name.
  - Repositories exist on first use (never a 404 for an unknown one); html_url
    points into the fake; user ids are a crc32 of the login.
  - A transferred issue keeps its labels (made in the target repository) and
    loses its milestone; a PATCH to it is a 301 too.
  Timestamps come from a deterministic clock: every mutation advances it by
  one second (2024-01-01T00:00:00Z at the start and after a reset).

Control API: JSON in and out, under /_fake/, neither logged nor rate-counted;
"repo" defaults to "o/r".  POST unless said otherwise.
  reset     {clock?, options?}: everything emptied, the clock set back
  seed      {repo?, assignable?: [login], labels?: [name | {name, color?,
            description?}], milestones?: [{title, state?, description?, due_on?,
            number?}], issues?: [ISSUE], generate?: {count, pull_requests?,
            closed_every?, updated_at?}, issues_enabled?}
            ISSUE: {number?, title?, body?, state?, state_reason?, labels?: [name],
            assignees?: [login], milestone?: number, user?, comments?, locked?,
            pull_request?: true, created_at?, updated_at?, closed_at?}
            -> {repo, id, milestones: [n], issues: [n], pull_requests: [n]}
  edit      {repo?, number, ISSUE fields..., crlf?}: a web edit, unvalidated;
            bumps updated_at even with no field (as a new comment does);
            crlf (default: option crlf_on_edit) stores the body with CRLF -> issue
  delete    {repo?, number}: GET/PATCH answer 410 from now on
  transfer  {repo?, number, to: "o2/r2"}: GET/PATCH answer 301, Location
            /repositories/{id}/issues/{n} -> {repo, number, location}
  clock     {set?: ISO or epoch, advance?: seconds}; GET too -> {now, epoch}
  options   {since_inclusive, push_access, crlf_on_edit, per_page_max,
            rate_limit, rate_window, login}; GET too -> all of them
  rate      {used?, reset_in?}: the primary limit's window -> {used, reset}
  fault     {kind, after?: 0, times?: 1, method?, path?: regex on path+query,
            ...}: appended to a FIFO (GET lists it, DELETE empties it).  The first
            fault that matches an API request decides: while its after is > 0 the
            request only counts it down; then it fires, times times.  Kinds:
              secondary {retry_after?}  403 "You have exceeded a secondary rate
                                        limit...", Retry-After if given
              primary {reset_in?: 60}   403, x-ratelimit-remaining 0, reset now+N
              status {status?: 500, body?, headers?}  that answer; nothing applied
              slow {seconds?: 1}        sleep, then answer as usual
              die                       log (status null), save, exit: no answer
              die_after_apply           apply, log, save, exit: no answer
              drop_conn                 apply, send the headers and half the
                                        body, close (curl: error 18); with no
                                        body to send, send nothing (error 52)
              edit {edit: {repo?, number, ISSUE fields...}}  a web edit, then
                                        the request is answered as usual
  state     GET: the whole state, as saved
  log       GET [?method=M&path=REGEX&status=S]: the API requests, each {seq,
            time (real epoch s), clock, method, path (with query), headers
            {User-Agent, Accept, X-GitHub-Api-Version, Content-Type,
            If-None-Match, If-Match}, authorized (the Authorization header is
            never kept), body (JSON or text), status (null: the server died),
            fault, replied (false after die_after_apply)}; &summary=1 ->
            {count, by_method, by_status, by_route}; &count=1 -> the count as
            text.  DELETE empties it.
"""
import argparse
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import zlib
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

API_VERSION = "2022-11-28"
DOCS = "https://docs.github.com/rest"
EPOCH0 = 1704067200  # 2024-01-01T00:00:00Z
BODY_MAX = 65536
DEFAULT_OPTIONS = {
    "since_inclusive": True,  # since=T lists updated_at >= T (False: > T)
    "push_access": True,      # False: labels/assignees/milestone silently dropped
    "crlf_on_edit": False,    # /_fake/edit stores bodies with CRLF line ends
    "per_page_max": 100,
    "rate_limit": 5000,
    "rate_window": 3600,      # real seconds until x-ratelimit-reset
    "login": "test-user",     # the token's user: GET /user, issue authors
}
SECONDARY = ("You have exceeded a secondary rate limit. Please wait a few minutes "
             "before you try again. If you reach out to GitHub Support for help, "
             "please include the request ID.")


def iso(t):
    return None if t is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse_time(v):
    """An ISO 8601 string (Z, offset or naive UTC) or epoch seconds -> int."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return int(v)
    d = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return int(d.timestamp())


class Reply(Exception):
    """An answer to send: raised by handlers for errors, returned for success."""

    def __init__(self, status, body=None, headers=None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, dict(headers or {})


def error(status, message, **extra):
    return Reply(status, dict(message=message, documentation_url=DOCS, **extra))


def invalid(resource, field, code, **extra):
    return Reply(422, {"message": "Validation Failed", "documentation_url": DOCS,
                       "errors": [dict(resource=resource, field=field, code=code, **extra)]})


def fresh_state(clock=EPOCH0):
    return {"clock": clock, "options": dict(DEFAULT_OPTIONS), "repos": {},
            "next_repo_id": 1000, "next_id": 1, "seq": 0,
            "rate": {"used": 0, "reset": 0}, "faults": [], "log": []}


class Fake:
    def __init__(self, path, token):
        self.path, self.token, self.port = path, token, 0
        self.lock = threading.RLock()
        self.dirty = False
        self.last_activity = time.time()
        self.inflight = 0
        self.state = fresh_state()
        if path and os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                self.state = json.load(f)
        self.state["options"] = {**DEFAULT_OPTIONS, **self.state.get("options", {})}

    # --- persistence and clock ---
    def persist(self):
        if not self.path:
            return
        tmp = "%s.tmp.%d" % (self.path, os.getpid())
        try:
            with open(tmp, "w") as f:
                json.dump(self.state, f, separators=(",", ":"))
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError as e:
            print("fakegh: cannot write state: %s" % e, file=sys.stderr)

    def tick(self):
        self.state["clock"] += 1
        self.dirty = True
        return self.state["clock"]

    def new_id(self):
        self.state["next_id"] += 1
        return self.state["next_id"] - 1

    def opt(self, name):
        return self.state["options"][name]

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    # --- repositories ---
    def repo(self, full, create=True):
        key = full.lower()
        r = self.state["repos"].get(key)
        if r is None and create:
            owner, name = full.split("/", 1)
            r = {"id": self.state["next_repo_id"], "owner": owner, "name": name,
                 "issues": {}, "next_number": 1, "labels": {}, "milestones": {},
                 "assignable": [owner], "issues_enabled": True}
            self.state["next_repo_id"] += 1
            self.state["repos"][key] = r
            self.dirty = True
        return r

    def repo_by_id(self, rid):
        for r in self.state["repos"].values():
            if r["id"] == rid:
                return r
        return None

    def full(self, r):
        return "%s/%s" % (r["owner"], r["name"])

    # --- GitHub-shaped objects ---
    def user(self, login):
        if login is None:
            return None
        uid = zlib.crc32(login.encode()) % 90000000 + 1000
        return {"login": login, "id": uid, "node_id": "U_%d" % uid,
                "avatar_url": "%s/avatars/%s" % (self.base, login),
                "url": "%s/users/%s" % (self.base, login),
                "html_url": "%s/%s" % (self.base, login), "type": "User", "site_admin": False}

    def label_obj(self, r, key):
        lab = r["labels"][key]
        return {"id": lab["id"], "node_id": "LA_%d" % lab["id"],
                "url": "%s/repos/%s/labels/%s" % (self.base, self.full(r), quote(lab["name"])),
                "name": lab["name"], "color": lab["color"], "default": False,
                "description": lab.get("description")}

    def milestone_obj(self, r, number):
        m = r["milestones"][str(number)]
        issues = [i for i in r["issues"].values()
                  if i.get("milestone") == m["number"] and i.get("gone") is None]
        url = "%s/repos/%s/milestones/%d" % (self.base, self.full(r), m["number"])
        return {"url": url, "html_url": "%s/%s/milestone/%d" % (self.base, self.full(r), m["number"]),
                "labels_url": url + "/labels", "id": m["id"], "node_id": "MI_%d" % m["id"],
                "number": m["number"], "title": m["title"], "description": m.get("description"),
                "creator": self.user(m.get("creator")),
                "open_issues": sum(i["state"] == "open" for i in issues),
                "closed_issues": sum(i["state"] == "closed" for i in issues),
                "state": m["state"], "created_at": iso(m["created_at"]),
                "updated_at": iso(m["updated_at"]), "due_on": m.get("due_on"),
                "closed_at": iso(m.get("closed_at"))}

    def issue_obj(self, r, i):
        url = "%s/repos/%s/issues/%d" % (self.base, self.full(r), i["number"])
        html = "%s/%s/%s/%d" % (self.base, self.full(r),
                                "pull" if i.get("pull_request") else "issues", i["number"])
        assignees = [self.user(a) for a in i["assignees"]]
        o = {"url": url, "repository_url": "%s/repos/%s" % (self.base, self.full(r)),
             "labels_url": url + "/labels{/name}", "comments_url": url + "/comments",
             "events_url": url + "/events", "html_url": html, "id": i["id"],
             "node_id": "I_%d" % i["id"], "number": i["number"], "title": i["title"],
             "user": self.user(i["user"]),
             "labels": [self.label_obj(r, k) for k in i["labels"] if k in r["labels"]],
             "state": i["state"], "locked": i.get("locked", False),
             "assignee": assignees[0] if assignees else None, "assignees": assignees,
             "milestone": (self.milestone_obj(r, i["milestone"])
                           if str(i.get("milestone")) in r["milestones"] else None),
             "comments": i.get("comments", 0), "created_at": iso(i["created_at"]),
             "updated_at": iso(i["updated_at"]), "closed_at": iso(i.get("closed_at")),
             "author_association": "OWNER", "active_lock_reason": None}
        if i.get("pull_request"):
            pr = "%s/repos/%s/pulls/%d" % (self.base, self.full(r), i["number"])
            o["draft"] = False
            o["pull_request"] = {"url": pr, "html_url": html, "diff_url": html + ".diff",
                                 "patch_url": html + ".patch", "merged_at": None}
        o["body"] = i.get("body")
        o["state_reason"] = i.get("state_reason")
        return o

    # --- labels, lists, validation ---
    def label_keys(self, r, names, create=True):
        """Label names (or {name:}) -> keys, creating missing labels (ededed)."""
        keys = []
        for n in names:
            n = n.get("name") if isinstance(n, dict) else n
            if not isinstance(n, str) or not n.strip():
                raise invalid("Label", "name", "invalid", value=n)
            k = n.lower()
            if k not in r["labels"] and create:
                r["labels"][k] = {"id": self.new_id(), "name": n, "color": "ededed",
                                  "description": None}
                self.dirty = True
            if k not in keys:
                keys.append(k)
        return sorted(keys)

    def page(self, r, sub, pairs, items, render):
        """Slice items by per_page/page; Link on /repositories/{id}{sub}."""
        q = dict(pairs)

        def num(name, default):
            try:
                return int(q.get(name, default))
            except ValueError:
                return default
        per = min(max(num("per_page", 30), 1), self.opt("per_page_max"))
        pg = max(num("page", 1), 1)
        last = max(1, -(-len(items) // per))
        body = [render(x) for x in items[(pg - 1) * per:pg * per]]

        def link(p, rel):
            qs = urlencode([(k, v) for k, v in pairs if k != "page"] + [("page", p)])
            return '<%s/repositories/%d%s?%s>; rel="%s"' % (self.base, r["id"], sub, qs, rel)
        links = []
        if pg > 1:
            links.append(link(min(pg - 1, last), "prev"))
        if pg < last:
            links += [link(pg + 1, "next"), link(last, "last")]
        if pg > 1:
            links.append(link(1, "first"))
        return Reply(200, body, {"Link": ", ".join(links)} if links else {})

    def check_fields(self, r, data, creating):
        """Validate an issue POST/PATCH body; return the normalised changes."""
        if not isinstance(data, dict):
            raise error(400, "Body should be a JSON object")
        if not self.opt("push_access"):
            data = {k: v for k, v in data.items()
                    if k not in ("labels", "assignees", "assignee", "milestone")}
        ch = {}
        if creating or "title" in data:
            t = data.get("title")
            if isinstance(t, int) and not isinstance(t, bool):
                t = str(t)
            if t is None or t == "":
                raise invalid("Issue", "title", "missing_field")
            if not isinstance(t, str):
                raise invalid("Issue", "title", "invalid", value=t)
            ch["title"] = t
        if "body" in data:
            b = data["body"]
            if b is not None and not isinstance(b, str):
                raise invalid("Issue", "body", "invalid", value=b)
            if b is not None and len(b) > BODY_MAX:
                raise invalid("Issue", "body", "custom",
                              message="body is too long (maximum is %d characters)" % BODY_MAX)
            ch["body"] = b
        if "milestone" in data:
            m = data["milestone"]
            if m is not None:
                if not (isinstance(m, int) or (isinstance(m, str) and m.isdigit())) \
                        or isinstance(m, bool) or str(int(m)) not in r["milestones"]:
                    raise invalid("Issue", "milestone", "invalid", value=m)
                m = int(m)
            ch["milestone"] = m
        if "assignees" in data or "assignee" in data:
            a = data["assignees"] if "assignees" in data else data["assignee"]
            a = [] if a is None else [a] if isinstance(a, str) else a
            if not isinstance(a, list):
                raise invalid("Issue", "assignees", "invalid", value=a)
            for login in a:
                if login not in r["assignable"]:
                    raise invalid("Issue", "assignees", "invalid", value=login)
            ch["assignees"] = sorted(set(a))
        if "labels" in data:
            if not isinstance(data["labels"], list):
                raise invalid("Issue", "labels", "invalid", value=data["labels"])
            self.label_keys(r, data["labels"], create=False)  # validate only
            ch["labels"] = data["labels"]
        if not creating and "state" in data:
            s, why = data["state"], data.get("state_reason")
            if s not in ("open", "closed"):
                raise invalid("Issue", "state", "invalid", value=s)
            ok = (None, "reopened") if s == "open" else (None, "completed", "not_planned", "duplicate")
            if why not in ok:
                raise invalid("Issue", "state_reason", "invalid", value=why)
            ch["state"] = s
            if "state_reason" in data:
                ch["state_reason"] = why
        return ch

    def apply(self, r, i, ch):
        """Apply checked changes to issue i; True if anything changed."""
        new = dict(i)
        for k in ("title", "body", "milestone", "assignees"):
            if k in ch:
                new[k] = ch[k]
        if "labels" in ch:
            new["labels"] = self.label_keys(r, ch["labels"])
        if "state" in ch:
            s, was = ch["state"], i["state"]
            new["state"] = s
            if s == "closed":
                new["state_reason"] = ch.get("state_reason") or (
                    i.get("state_reason") if was == "closed" else "completed")
            else:
                new["state_reason"] = ch.get("state_reason", "reopened" if was == "closed"
                                             else i.get("state_reason"))
                new["closed_at"] = None
        if new == i:
            return False
        now = self.tick()
        if new["state"] == "closed" and i["state"] != "closed":
            new["closed_at"] = now
        new["updated_at"] = now
        i.clear()
        i.update(new)
        return True

    # --- the API ---
    def api(self, method, path, pairs, data):
        q = dict(pairs)
        if path == "/user" and method == "GET":
            return Reply(200, self.user(self.opt("login")))
        m = re.match(r"^/repos/([^/]+)/([^/]+)(/.*)?$", path)
        if m:
            r, sub = self.repo(unquote(m[1]) + "/" + unquote(m[2])), m[3] or ""
        else:
            m = re.match(r"^/repositories/(\d+)(/.*)?$", path)
            r = m and self.repo_by_id(int(m[1]))
            if not r:
                raise error(404, "Not Found")
            sub = m[2] or ""
        full = self.full(r)
        if sub == "" and method == "GET":
            return Reply(200, {"id": r["id"], "node_id": "R_%d" % r["id"], "name": r["name"],
                               "full_name": full, "owner": self.user(r["owner"]),
                               "private": False, "has_issues": r["issues_enabled"],
                               "url": "%s/repos/%s" % (self.base, full)})
        if sub == "/issues" and method == "GET":
            return self.list_issues(r, pairs, q)
        if sub == "/issues" and method == "POST":
            if not r["issues_enabled"]:
                raise error(410, "Issues are disabled for this repo")
            ch = self.check_fields(r, data, creating=True)
            now = self.tick()
            n = r["next_number"]
            r["next_number"] += 1
            i = {"number": n, "id": self.new_id(), "title": ch["title"],
                 "body": ch.get("body"), "state": "open", "state_reason": None,
                 "labels": self.label_keys(r, ch.get("labels", [])),
                 "assignees": ch.get("assignees", []), "milestone": ch.get("milestone"),
                 "user": self.opt("login"), "comments": 0, "created_at": now,
                 "updated_at": now, "closed_at": None}
            r["issues"][str(n)] = i
            o = self.issue_obj(r, i)
            return Reply(201, o, {"Location": o["url"]})
        m = re.match(r"^/issues/(\d+)$", sub)
        if m and method in ("GET", "PATCH"):
            i = r["issues"].get(str(int(m[1])))
            if i is None:
                raise error(404, "Not Found")
            if i.get("gone") == "deleted":
                raise error(410, "This issue was deleted")
            if i.get("gone"):
                loc = "%s%s" % (self.base, i["gone"])
                raise Reply(301, {"message": "Moved Permanently", "url": loc,
                                  "documentation_url": DOCS}, {"Location": loc})
            if method == "PATCH":
                self.apply(r, i, self.check_fields(r, data, creating=False))
            return Reply(200, self.issue_obj(r, i))
        if sub == "/milestones" and method == "GET":
            st = q.get("state", "open")
            ms = sorted((m for m in r["milestones"].values() if st in ("all", m["state"])),
                        key=lambda m: m["number"], reverse=q.get("direction") == "desc")
            return self.page(r, sub, pairs, ms, lambda m: self.milestone_obj(r, m["number"]))
        if sub == "/milestones" and method == "POST":
            if not isinstance(data, dict):
                raise error(400, "Body should be a JSON object")
            return self.add_milestone(r, data)
        m = re.match(r"^/milestones/(\d+)$", sub)
        if m and method == "GET":
            if str(int(m[1])) not in r["milestones"]:
                raise error(404, "Not Found")
            return Reply(200, self.milestone_obj(r, int(m[1])))
        if sub == "/labels" and method == "GET":
            return self.page(r, sub, pairs, sorted(r["labels"]), lambda k: self.label_obj(r, k))
        if sub == "/labels" and method == "POST":
            if not isinstance(data, dict):
                raise error(400, "Body should be a JSON object")
            return self.add_label(r, data)
        m = re.match(r"^/labels/([^/]+)$", sub)
        if m and method == "GET":
            k = unquote(m[1]).lower()
            if k not in r["labels"]:
                raise error(404, "Not Found")
            return Reply(200, self.label_obj(r, k))
        if sub == "/assignees" and method == "GET":
            return self.page(r, sub, pairs, sorted(r["assignable"]), self.user)
        m = re.match(r"^/assignees/([^/]+)$", sub)
        if m and method == "GET":
            return Reply(204 if unquote(m[1]) in r["assignable"] else 404,
                         None if unquote(m[1]) in r["assignable"] else
                         {"message": "Not Found", "documentation_url": DOCS})
        raise error(404, "Not Found")

    def list_issues(self, r, pairs, q):
        st = q.get("state", "open")
        sort, direction = q.get("sort", "created"), q.get("direction", "desc")
        if st not in ("open", "closed", "all") or sort not in ("created", "updated", "comments") \
                or direction not in ("asc", "desc"):
            raise invalid("Issue", "state" if st not in ("open", "closed", "all") else
                          "sort" if sort not in ("created", "updated", "comments") else
                          "direction", "invalid")
        items = [i for i in r["issues"].values()
                 if i.get("gone") is None and st in ("all", i["state"])]
        if "since" in q:
            try:
                since = parse_time(q["since"])
            except ValueError:
                raise invalid("Issue", "since", "invalid", value=q["since"])
            incl = self.opt("since_inclusive")
            items = [i for i in items if i["updated_at"] > since or (incl and i["updated_at"] == since)]
        if "creator" in q:
            items = [i for i in items if i["user"] == q["creator"]]
        if q.get("labels"):
            want = {x.strip().lower() for x in q["labels"].split(",") if x.strip()}
            items = [i for i in items if want <= set(i["labels"])]
        if "assignee" in q:
            a = q["assignee"]
            items = [i for i in items if (i["assignees"] if a == "*" else not i["assignees"]
                                          if a == "none" else a in i["assignees"])]
        if "milestone" in q:
            m = q["milestone"]
            items = [i for i in items if (i.get("milestone") is not None if m == "*" else
                                          i.get("milestone") is None if m == "none" else
                                          str(i.get("milestone")) == m)]
        field = {"created": "created_at", "updated": "updated_at", "comments": "comments"}[sort]
        items.sort(key=lambda i: (i.get(field, 0), i["number"]), reverse=direction == "desc")
        return self.page(r, "/issues", pairs, items, lambda i: self.issue_obj(r, i))

    def add_milestone(self, r, d, number=None):
        t = d.get("title")
        if not isinstance(t, str) or not t:
            raise invalid("Milestone", "title", "missing_field")
        if any(m["title"] == t for m in r["milestones"].values()):
            raise invalid("Milestone", "title", "already_exists")
        if d.get("state", "open") not in ("open", "closed"):
            raise invalid("Milestone", "state", "invalid", value=d.get("state"))
        now = self.tick()
        n = number or max([int(k) for k in r["milestones"]] + [0]) + 1
        r["milestones"][str(n)] = {"number": n, "id": self.new_id(), "title": t,
                                   "description": d.get("description"),
                                   "state": d.get("state", "open"), "due_on": d.get("due_on"),
                                   "creator": self.opt("login"), "created_at": now,
                                   "updated_at": now,
                                   "closed_at": now if d.get("state") == "closed" else None}
        o = self.milestone_obj(r, n)
        return Reply(201, o, {"Location": o["url"]})

    def add_label(self, r, d):
        n, c = d.get("name"), d.get("color", "ededed")
        if not isinstance(n, str) or not n:
            raise invalid("Label", "name", "missing_field")
        if n.lower() in r["labels"]:
            raise invalid("Label", "name", "already_exists")
        if not isinstance(c, str) or not re.fullmatch(r"[0-9a-fA-F]{6}", c.lstrip("#")):
            raise invalid("Label", "color", "invalid")
        r["labels"][n.lower()] = {"id": self.new_id(), "name": n, "color": c.lstrip("#").lower(),
                                  "description": d.get("description")}
        self.dirty = True
        o = self.label_obj(r, n.lower())
        return Reply(201, o, {"Location": o["url"]})

    # --- the control API, under /_fake/ ---
    def control(self, method, name, pairs, raw):
        """The /_fake/ endpoints: see the comment at the top."""
        try:
            d = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise Reply(400, {"message": "control bodies are JSON"})
        q = dict(pairs)
        if name == "state":
            return Reply(200, self.state)
        if name == "log":
            return self.log_query(method, q)
        if name == "fault" and method in ("GET", "DELETE"):
            if method == "DELETE":
                self.state["faults"] = []
                self.dirty = True
            return Reply(200, self.state["faults"])
        if method == "GET" and name == "options":
            return Reply(200, self.state["options"])
        if method == "GET" and name == "clock":
            return Reply(200, {"now": iso(self.state["clock"]), "epoch": self.state["clock"]})
        if method != "POST":
            raise Reply(405, {"message": "POST a JSON object"})
        if name == "reset":
            self.state = fresh_state(parse_time(d.get("clock", EPOCH0)))
            self.state["options"].update(d.get("options", {}))
            return Reply(200, {"ok": True})
        if name == "options":
            unknown = set(d) - set(DEFAULT_OPTIONS)
            if unknown:
                raise Reply(400, {"message": "unknown options: %s" % ", ".join(sorted(unknown))})
            self.state["options"].update(d)
            return Reply(200, self.state["options"])
        if name == "clock":
            if "set" in d:
                self.state["clock"] = parse_time(d["set"])
            self.state["clock"] += int(d.get("advance", 0))
            return Reply(200, {"now": iso(self.state["clock"]), "epoch": self.state["clock"]})
        if name == "rate":
            rate = self.state["rate"]
            if "used" in d:
                rate["used"] = int(d["used"])
            if "reset_in" in d:
                rate["reset"] = int(time.time()) + int(d["reset_in"])
            return Reply(200, rate)
        if name == "fault":
            f = {"kind": d.get("kind"), "after": int(d.get("after", 0)),
                 "times": int(d.get("times", 1)), "method": d.get("method"), "path": d.get("path")}
            if f["kind"] not in ("secondary", "primary", "status", "slow", "die",
                                 "die_after_apply", "drop_conn", "edit"):
                raise Reply(400, {"message": "unknown fault kind %r" % f["kind"]})
            for k in ("retry_after", "reset_in", "status", "body", "headers", "seconds", "edit"):
                if k in d:
                    f[k] = d[k]
            self.state["faults"].append(f)
            return Reply(200, {"faults": len(self.state["faults"])})
        r = self.repo(d.get("repo", "o/r"))
        if name == "seed":
            return self.seed(r, d)
        i = r["issues"].get(str(d.get("number")))
        if i is None:
            raise Reply(404, {"message": "no issue %s in %s" % (d.get("number"), self.full(r))})
        if name == "delete":
            i["gone"] = "deleted"
            self.tick()
            return Reply(200, {"ok": True})
        if name == "transfer":
            t = self.repo(d["to"])
            now = self.tick()
            n = t["next_number"]
            t["next_number"] += 1
            t["issues"][str(n)] = dict(i, number=n, id=self.new_id(), milestone=None,
                                       labels=self.label_keys(t, [r["labels"][k]["name"]
                                                                  for k in i["labels"]]),
                                       updated_at=now)
            i["gone"] = "/repositories/%d/issues/%d" % (t["id"], n)
            return Reply(200, {"repo": self.full(t), "number": n, "location": self.base + i["gone"]})
        if name == "edit":
            self.edit(r, i, d)
            return Reply(200, self.issue_obj(r, i))
        raise Reply(404, {"message": "no control endpoint %r" % name})

    def edit(self, r, i, d, web=True):
        """Set issue fields with no validation: an out-of-band edit on the web
        (web=False: seeding).  Always bumps updated_at, as a new comment does."""
        was = i["state"]
        for k in ("title", "body", "state", "state_reason", "assignees", "milestone",
                  "comments", "locked", "user"):
            if k in d:
                i[k] = d[k]
        if "labels" in d:
            i["labels"] = self.label_keys(r, d["labels"])
        if d.get("pull_request"):
            i["pull_request"] = True
        crlf = d.get("crlf", web and "body" in d and self.opt("crlf_on_edit"))
        if crlf and i.get("body"):
            i["body"] = re.sub(r"\r?\n", "\r\n", i["body"])
        if "state_reason" not in d and i["state"] != was:
            i["state_reason"] = "completed" if i["state"] == "closed" else "reopened"
        now = self.tick()
        i["updated_at"] = parse_time(d["updated_at"]) if d.get("updated_at") else now
        for k in ("created_at", "closed_at"):
            if d.get(k):
                i[k] = parse_time(d[k])
        if i["state"] == "closed" and not i.get("closed_at"):
            i["closed_at"] = i["updated_at"]
        if i["state"] == "open":
            i["closed_at"] = None

    def seed(self, r, d):
        """{repo, assignable:[login], labels:[name|{name,color,description}],
        milestones:[{title,state?,description?,due_on?,number?}], issues:[{number?,
        title?, body?, state?, state_reason?, labels?, assignees?, milestone?, user?,
        comments?, created_at?, updated_at?, closed_at?, pull_request?}],
        generate:{count, pull_requests?, closed_every?, updated_at?}, issues_enabled?}
        generate makes "Issue N" with body "Body of N.", the pull requests spread
        evenly, every closed_every-th number closed (completed); updated_at gives
        them all that one timestamp."""
        r["assignable"] = sorted(set(r["assignable"]) | set(d.get("assignable", [])))
        r["issues_enabled"] = d.get("issues_enabled", r["issues_enabled"])
        for lab in d.get("labels", []):
            lab = {"name": lab} if isinstance(lab, str) else lab
            if lab["name"].lower() in r["labels"]:
                r["labels"][lab["name"].lower()].update(lab)
            else:
                self.add_label(r, lab)
        made = {"repo": self.full(r), "id": r["id"], "milestones": [], "issues": [],
                "pull_requests": []}
        for m in d.get("milestones", []):
            made["milestones"].append(self.add_milestone(r, m, m.get("number")).body["number"])
        todo = list(d.get("issues", []))
        g = d.get("generate")
        if g:
            total = g["count"] + g.get("pull_requests", 0)
            prs = {(j + 1) * total // (g.get("pull_requests", 0) + 1)
                   for j in range(g.get("pull_requests", 0))}
            every = g.get("closed_every", 0)
            for k in range(total):
                n = r["next_number"] + k
                x = {"number": n, "title": ("Pull request %d" if n in prs else "Issue %d") % n,
                     "body": "Body of %d." % n}
                if g.get("updated_at"):
                    x["updated_at"] = g["updated_at"]
                if n in prs:
                    x["pull_request"] = True
                elif every and n % every == 0:
                    x["state"] = "closed"
                todo.append(x)
        for x in todo:
            n = int(x.get("number") or r["next_number"])
            r["next_number"] = max(r["next_number"], n + 1)
            now = self.state["clock"] + 1
            i = {"number": n, "id": self.new_id(), "title": "Issue %d" % n, "body": None,
                 "state": "open", "state_reason": None, "labels": [], "assignees": [],
                 "milestone": None, "user": self.opt("login"), "comments": 0,
                 "created_at": parse_time(x.get("created_at", now)), "updated_at": now,
                 "closed_at": None}
            r["issues"][str(n)] = i
            self.edit(r, i, x, web=False)
            made["pull_requests" if i.get("pull_request") else "issues"].append(n)
        return Reply(200, made)

    # --- the request log ---
    def log_query(self, method, q):
        if method == "DELETE":
            self.state["log"] = []
            self.dirty = True
            return Reply(200, {"ok": True})
        def status(e):
            return "null" if e["status"] is None else str(e["status"])
        es = [e for e in self.state["log"]
              if (not q.get("method") or e["method"] == q["method"].upper())
              and (not q.get("path") or re.search(q["path"], e["path"]))
              and (not q.get("status") or status(e) == q["status"])]
        if q.get("count"):
            return Reply(200, "%d\n" % len(es), {"Content-Type": "text/plain"})
        if q.get("summary"):
            s = {"count": len(es), "by_method": {}, "by_status": {}, "by_route": {}}
            for e in es:
                route = "%s %s" % (e["method"], e["path"].split("?")[0])
                for key, v in (("by_method", e["method"]), ("by_status", status(e)),
                               ("by_route", route)):
                    s[key][v] = s[key].get(v, 0) + 1
            return Reply(200, s)
        return Reply(200, es)

    def take_fault(self, method, path):
        """The first fault that matches this request: skip it (after), or fire it."""
        for f in self.state["faults"]:
            if (f.get("method") and f["method"].upper() != method) or \
                    (f.get("path") and not re.search(f["path"], path)):
                continue
            self.dirty = True
            if f["after"] > 0:
                f["after"] -= 1
                return None
            f["times"] -= 1
            if f["times"] <= 0:
                self.state["faults"].remove(f)
            return f
        return None

    def answer(self, method, url, pairs, raw, hdrs, fault, authorized):
        """Checks, rate limit, routing, conditional GET: -> (Reply, body bytes)."""
        now = time.time()
        rate, limit = self.state["rate"], self.opt("rate_limit")
        if now >= rate["reset"]:
            rate.update(used=0, reset=int(now) + self.opt("rate_window"))
        kind = fault and fault["kind"]
        remaining, reset = None, rate["reset"]
        try:
            if kind == "secondary":
                ra = fault.get("retry_after")
                raise Reply(403, {"message": SECONDARY, "documentation_url": DOCS},
                            {} if ra is None else {"Retry-After": str(ra)})
            if kind == "primary" or (authorized and rate["used"] >= limit):
                remaining = 0
                if kind == "primary":
                    reset = int(now) + int(fault.get("reset_in", 60))
                raise error(403, "API rate limit exceeded for user ID 1. If you reach out to "
                            "GitHub Support for help, please include the request ID.")
            if kind == "status":
                b = fault.get("body", {"message": "Server Error"})
                raise Reply(int(fault.get("status", 500)), b, fault.get("headers"))
            if not hdrs.get("User-Agent"):
                raise error(403, "Request forbidden by administrative rules. Please make sure "
                            "your request has a User-Agent header.")
            v = hdrs.get("X-GitHub-Api-Version")
            if v is not None and v != API_VERSION:
                raise error(400, "Invalid API version provided: %s" % v)
            if not authorized:
                raise error(401, "Bad credentials")
            data = None
            if method in ("POST", "PATCH", "PUT", "DELETE"):
                if any(hdrs.get(h) for h in ("If-Match", "If-None-Match", "If-Unmodified-Since",
                                              "If-Modified-Since")):
                    raise error(400, "Conditional request headers are not allowed in unsafe "
                                "requests unless supported by the endpoint")
                try:
                    data = json.loads(raw) if raw.strip() else None
                except ValueError:
                    raise error(400, "Problems parsing JSON")
            rep = self.api(method, url.path, pairs, data)
        except Reply as e:
            rep = e
        except Exception as e:  # a bug of the fake, or input it never expected
            traceback.print_exc()
            rep = error(500, "fakegh: %s: %s" % (type(e).__name__, e))
        b = rep.body
        body = b"" if b is None else b.encode() if isinstance(b, str) else \
            json.dumps(b, separators=(",", ":"), ensure_ascii=False).encode()
        if method == "GET" and rep.status == 200:
            etag = 'W/"%s"' % hashlib.sha256(body).hexdigest()[:40]
            rep.headers["ETag"] = etag
            inm = [t.strip() for t in hdrs.get("If-None-Match", "").split(",") if t.strip()]
            if "*" in inm or any(t.removeprefix("W/") == etag.removeprefix("W/") for t in inm):
                rep, body = Reply(304, None, {"ETag": etag}), b""
        if authorized and rep.status != 304 and remaining is None:
            rate["used"] += 1
        rep.headers.update({
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - rate["used"]) if remaining is None else 0),
            "x-ratelimit-used": str(rate["used"] if remaining is None else limit),
            "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core"})
        return rep, body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakegh/1"
    fake = None
    LOGGED = ("User-Agent", "Accept", "X-GitHub-Api-Version", "Content-Type",
              "If-None-Match", "If-Match")

    def log_message(self, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        fake, raw = self.fake, self.read_body()
        url = urlsplit(self.path)
        pairs = parse_qsl(url.query, keep_blank_values=True)
        with fake.lock:
            fake.last_activity = time.time()
            fake.inflight += 1
        try:
            if url.path.startswith("/_fake/"):
                with fake.lock:
                    try:
                        rep = fake.control(self.command, url.path[7:], pairs, raw)
                    except Reply as e:
                        rep = e
                    except Exception as e:
                        traceback.print_exc()
                        rep = Reply(400, {"message": "%s: %s" % (type(e).__name__, e)})
                    if self.command != "GET":
                        fake.persist()
                    b = rep.body
                    body = b.encode() if isinstance(b, str) else (json.dumps(b) + "\n").encode()
                self.send(rep, body)
            else:
                self.api_request(url, pairs, raw)
        finally:
            with fake.lock:
                fake.inflight -= 1
                fake.last_activity = time.time()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def api_request(self, url, pairs, raw):
        fake, method = self.fake, self.command
        auth = self.headers.get("Authorization", "")
        scheme, _, tok = auth.partition(" ")
        authorized = scheme.lower() in ("bearer", "token") and tok.strip() == fake.token
        with fake.lock:
            try:
                logged = json.loads(raw) if raw.strip() else None
            except ValueError:
                logged = raw.decode("utf-8", "replace")
            fake.state["seq"] += 1
            entry = {"seq": fake.state["seq"], "time": round(time.time(), 3),
                     "clock": iso(fake.state["clock"]), "method": method, "path": self.path,
                     "headers": {h: self.headers[h] for h in self.LOGGED if h in self.headers},
                     "authorized": authorized, "body": logged, "status": None, "fault": None}
            fake.state["log"].append(entry)
            fault = fake.take_fault(method, self.path)
            kind = fault and fault["kind"]
            entry["fault"] = kind
            fake.dirty = True
            if kind == "die":
                fake.persist()
                os._exit(3)
            if kind == "edit":  # someone edits on the web, then this request is answered
                e = fault.get("edit", {})
                r = fake.repo(e.get("repo", "o/r"))
                if str(e.get("number")) in r["issues"]:
                    fake.edit(r, r["issues"][str(e["number"])], e)
        if kind == "slow":
            time.sleep(float(fault.get("seconds", 1)))
        with fake.lock:
            clock = fake.state["clock"]
            rep, body = fake.answer(method, url, pairs, raw, self.headers, fault, authorized)
            entry["status"] = rep.status
            if kind == "die_after_apply":
                entry["replied"] = False
                fake.persist()
                os._exit(3)
            if fake.state["clock"] != clock or kind:
                fake.persist()
        self.send(rep, body, drop=kind == "drop_conn")

    def send(self, rep, body, drop=False):
        self.send_response(rep.status)
        rep.headers.setdefault("Content-Type", "application/json; charset=utf-8")
        rep.headers["X-GitHub-Request-Id"] = "FAKE:%d" % self.fake.state["seq"]
        for k, v in rep.headers.items():
            self.send_header(k, v)
        if rep.status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        if drop:
            if body:
                self.end_headers()
                self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.end_headers()
        if rep.status not in (204, 304):
            self.wfile.write(body)


def main():
    ap = argparse.ArgumentParser(description="a stateful fake of GitHub's REST Issues API")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--state", help="state file, loaded if present, rewritten on change")
    ap.add_argument("--token", default="test-token")
    ap.add_argument("--idle-exit", type=float, default=60, help="seconds; 0: never")
    ap.add_argument("--max-life", type=float, default=1800, help="seconds; 0: never")
    a = ap.parse_args()
    os.closerange(3, 256)  # hold no descriptor of the test harness (prove waits on them)
    fake = Fake(a.state, a.token)
    Handler.fake = fake
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    fake.port = server.server_address[1]
    started = time.time()

    def stop(*_):
        with fake.lock:
            fake.persist()
            os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watchdog():
        while True:
            time.sleep(0.2)
            with fake.lock:
                if fake.dirty:
                    fake.persist()
                now = time.time()
                if (a.idle_exit and fake.inflight == 0 and now - fake.last_activity > a.idle_exit) \
                        or (a.max_life and now - started > a.max_life):
                    stop()
    threading.Thread(target=watchdog, daemon=True).start()
    fake.persist()
    print(fake.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

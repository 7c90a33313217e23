#!/usr/bin/env python3
"""Deterministic benchmark corpus generator for roadmap.

Writes a `git fast-import` stream on stdout:

  refs/heads/main       K commits adding N issues (roadmap-cli layout,
                        .roadmap/issues/<milestone>/<id8>-<slug>.md), modifying
                        some of them again later, plus non-issue files (src/...,
                        .roadmap/milestones/*.md, .roadmap/config.yaml, README.md,
                        and one .roadmap/issues/README.md without front matter).
  refs/heads/other      main + 1 commit modifying 100 issues
  refs/heads/changed-1, changed-100, changed-10000
                        main + 1 commit modifying that many issues (only the
                        counts <= N; 10000 only when N >= 10000)

Optionally (--backlog-dir) writes the same final set of issues as a plain
Backlog.md directory (backlog/config.yml, backlog/tasks/task-<n> - <Title>.md),
and (--stats) a JSON file with expected query results and sizes.

Selectivity (documented in t/perf/README.md):
  * label `perf-rare` on 2% of issues; those issues have status blocked 50%,
    todo 25%, closed 25%.  Selective query `--label perf-rare --status blocked`
    therefore matches ~1% of issues.
  * all other issues: todo 50%, in-progress 15%, blocked 5%, review 10%,
    closed 15%, archived 5%.  Broad query `--status todo` matches ~50%.
  * Backlog.md statuses: todo -> "To Do"; in-progress, blocked, review ->
    "In Progress"; closed, archived -> "Done".  Since perf-rare issues are never
    in-progress or review, `-l perf-rare -s "In Progress"` matches exactly the
    same issues as the roadmap selective query, and `-s "To Do"` the broad one.
  * The words `perf-rare` and `status:` never occur in bodies, so a text
    search (rg) finds the same files.

Same arguments => byte-identical stream (fixed seed and fixed timestamps).
"""
import argparse
import json
import os
import random
import sys

WORDS = ("the a an of to in for on with by from as at into over under after "
         "before across between cache index query parser commit branch tree "
         "blob merge rebase refresh overlay record field label status title "
         "milestone release build test suite compile link runtime memory disk "
         "network socket thread lock queue buffer string table page file path "
         "config option flag command output input error warning crash leak "
         "slow fast latency throughput user admin team review design spec doc "
         "api endpoint schema migration upgrade rollback deploy server client "
         "browser mobile desktop layout theme color font icon button dialog "
         "menu search filter sort export import sync remote local upstream "
         "should must could would fails breaks hangs returns emits ignores "
         "handles supports adds removes renames moves fixes improves reduces "
         "when if while because although unless until since so then also").split()
TITLE_VERBS = ("Fix Add Improve Remove Refactor Document Investigate Support "
               "Optimize Migrate Test Clean Rename Split Merge Cache Validate "
               "Handle Expose Simplify").split()
LABELS = ("bug feature enhancement docs backend frontend ui ux api cli perf "
          "security testing ci build infra refactor tech-debt good-first-issue "
          "help-wanted regression windows macos linux mobile accessibility i18n "
          "database network storage").split()
RARE_LABEL = "perf-rare"
PRIORITIES = ["critical", "high", "medium", "low"]
PRIO_W = [5, 20, 50, 25]
TYPES = ["bug", "feature", "task", "chore", "other"]
TYPE_W = [35, 30, 20, 10, 5]
MILESTONES = ["v%d.%d" % (a, b) for a in range(4) for b in range(10)] + ["backlog"]
ASSIGNEES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace",
             "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy",
             "rupert", "sybil", "trent", "victor", "walter", "yolanda"]
STATUS_COMMON = ["todo", "in-progress", "blocked", "review", "closed", "archived"]
STATUS_COMMON_W = [50, 15, 5, 10, 15, 5]
STATUS_RARE = ["blocked", "todo", "closed"]
STATUS_RARE_W = [50, 25, 25]
BACKLOG_STATUS = {"todo": "To Do", "in-progress": "In Progress",
                  "blocked": "In Progress", "review": "In Progress",
                  "closed": "Done", "archived": "Done"}
EPOCH = 1700000000  # 2023-11-14T22:13:20Z


def iso(ts):
    import time
    t = time.gmtime(ts)
    return "%04d-%02d-%02dT%02d:%02d:%02d+00:00" % t[:6]


def day(ts):
    import time
    t = time.gmtime(ts)
    return "%04d-%02d-%02d" % t[:3]


class Issue:
    __slots__ = ("n", "id", "title", "slug", "headline", "priority", "status",
                 "itype", "milestone", "labels", "github", "created",
                 "updated", "assignee", "hours", "due", "deps", "body", "rare",
                 "path", "rev")


def sentence(rng, lo, hi):
    w = rng.choices(WORDS, k=rng.randint(lo, hi))
    w[0] = w[0].capitalize()
    return " ".join(w) + "."


def paragraph(rng):
    return " ".join(sentence(rng, 6, 16) for _ in range(rng.randint(2, 5)))


def pick_status(rng, rare):
    if rare:
        return rng.choices(STATUS_RARE, STATUS_RARE_W)[0]
    return rng.choices(STATUS_COMMON, STATUS_COMMON_W)[0]


def new_issue(rng, n, ts, used_ids, earlier):
    it = Issue()
    it.n = n
    while True:
        i = "%08x" % rng.getrandbits(32)
        if i not in used_ids:
            break
    used_ids.add(i)
    it.id = i
    words = rng.choices(WORDS[20:], k=rng.randint(3, 7))
    it.title = rng.choice(TITLE_VERBS) + " " + " ".join(words)
    it.slug = "-".join(it.title.lower().split())[:48].rstrip("-")
    it.headline = sentence(rng, 5, 10)
    it.priority = rng.choices(PRIORITIES, PRIO_W)[0]
    it.rare = rng.random() < 0.02
    it.status = pick_status(rng, it.rare)
    it.itype = rng.choices(TYPES, TYPE_W)[0]
    it.milestone = rng.choice(MILESTONES)
    labels = rng.sample(LABELS, rng.randint(0, 3))
    if it.rare:
        labels.insert(rng.randint(0, len(labels)), RARE_LABEL)
    it.labels = labels
    it.github = rng.randint(1, 10 * 1000 * 1000) if rng.random() < 0.7 else None
    it.created = ts
    it.updated = ts
    it.assignee = rng.choice(ASSIGNEES) if rng.random() < 0.75 else None
    it.hours = round(rng.uniform(0.5, 40), 1) if rng.random() < 0.5 else None
    it.due = ts + rng.randint(7, 180) * 86400 if rng.random() < 0.3 else None
    it.deps = [e.id for e in rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))] \
        if earlier and rng.random() < 0.3 else []
    it.body = [paragraph(rng) for _ in range(rng.randint(2, 4))]
    it.path = ".roadmap/issues/%s/%s-%s.md" % (it.milestone, it.id, it.slug)
    it.rev = 0
    return it


def modify(rng, it, ts, note):
    it.status = pick_status(rng, it.rare)
    it.updated = ts
    it.rev += 1
    it.body = it.body + ["Update %d (%s): %s" % (it.rev, note, sentence(rng, 5, 12))]


def yq(s):
    """single-quoted YAML scalar"""
    return "'" + s.replace("'", "''") + "'"


def front_matter(it):
    out = ["id: %s" % it.id,
           "title: %s" % it.title,
           "headline: %s" % yq(it.headline),
           "priority: %s" % it.priority,
           "status: %s" % it.status,
           "archived: %s" % ("true" if it.status == "archived" else "false"),
           "issue_type: %s" % it.itype,
           "milestone: %s" % it.milestone]
    if it.labels:
        out.append("labels:")
        out.extend("- %s" % l for l in it.labels)
    else:
        out.append("labels: []")
    if it.github is not None:
        out.append("remote_ids:")
        out.append("  github: %d" % it.github)
    else:
        out.append("remote_ids: {}")
    out.append("created: %s" % yq(iso(it.created)))
    out.append("updated: %s" % yq(iso(it.updated)))
    out.append("assignee: %s" % (it.assignee if it.assignee else "null"))
    out.append("estimated_hours: %s" % (it.hours if it.hours is not None else "null"))
    out.append("due_date: %s" % (yq(day(it.due)) if it.due else "null"))
    if it.deps:
        out.append("depends_on:")
        out.extend("- %s" % yq(d) for d in it.deps)
    else:
        out.append("depends_on: []")
    return "\n".join(out) + "\n"


def render(it):
    return "---\n" + front_matter(it) + "---\n\n" + "\n\n".join(it.body) + "\n"


def render_backlog(it):
    fm = ["id: task-%d" % it.n,
          "title: %s" % it.title,
          "status: %s" % BACKLOG_STATUS[it.status]]
    if it.assignee:
        fm.append("assignee:")
        fm.append("  - '@%s'" % it.assignee)
    else:
        fm.append("assignee: []")
    fm.append("created_date: '%s'" % iso(it.created)[:16].replace("T", " "))
    if it.labels:
        fm.append("labels:")
        fm.extend("  - %s" % l for l in it.labels)
    else:
        fm.append("labels: []")
    fm.append("dependencies: []")
    return ("---\n" + "\n".join(fm) + "\n---\n\n## Description\n\n"
            "<!-- SECTION:DESCRIPTION:BEGIN -->\n" + "\n\n".join(it.body) +
            "\n<!-- SECTION:DESCRIPTION:END -->\n")


def src_file(rng, i):
    lines = ["/* generated source file %d */" % i, "#include <stdio.h>", ""]
    for f in range(rng.randint(2, 6)):
        lines.append("int fn_%d_%d(int x)\n{\n\treturn x * %d + %d;\n}\n"
                     % (i, f, rng.randint(2, 99), rng.randint(0, 999)))
    return "\n".join(lines) + "\n"


class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0

    def w(self, s):
        self.out.write(s.encode())

    def data(self, s):
        b = s.encode()
        self.out.write(b"data %d\n" % len(b))
        self.out.write(b)
        self.out.write(b"\n")

    def commit(self, ref, ts, msg, parent, files):
        self.mark += 1
        self.w("commit %s\nmark :%d\n" % (ref, self.mark))
        self.w("author Perf Bot <perf@example.com> %d +0000\n" % ts)
        self.w("committer Perf Bot <perf@example.com> %d +0000\n" % ts)
        self.data(msg)
        if parent:
            self.w("from :%d\n" % parent)
        for path, content in files:
            self.w("M 100644 inline %s\n" % path)
            self.data(content)
        self.w("\n")
        return self.mark


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--issues", "-n", type=int, required=True)
    ap.add_argument("--commits", "-k", type=int, default=0,
                    help="commits on main (default: clamp(N/1000, 10, 100))")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--backlog-dir", help="also write a Backlog.md corpus here")
    ap.add_argument("--stats", help="write expected counts/sizes (JSON) here")
    a = ap.parse_args()
    N = a.issues
    K = a.commits or max(10, min(100, N // 1000))
    K = max(1, min(K, N))
    rng = random.Random(a.seed)
    st = Stream(sys.stdout.buffer)
    used = set()
    issues = []
    nsrc = max(50, N // 20)
    parent = None
    ts = EPOCH
    per = N / K
    made = 0
    for k in range(K):
        ts += 3600
        files = []
        if k == 0:
            files.append(("README.md", "# Perf corpus\n\nGenerated by t/perf/gen-repo.py "
                          "(N=%d, seed=%d).\n" % (N, a.seed)))
            files.append((".roadmap/config.yaml", "project: perf\nversion: 1\n"))
            files.append((".roadmap/issues/README.md",
                          "Issues live in milestone folders below.\n"))
            for m in MILESTONES:
                files.append((".roadmap/milestones/%s.md" % m,
                              "---\nname: %s\nstatus: open\n---\n\nMilestone %s.\n" % (m, m)))
            for i in range(nsrc):
                files.append(("src/mod%02d/file%05d.c" % (i % 37, i), src_file(rng, i)))
        upto = N if k == K - 1 else int(round(per * (k + 1)))
        earlier = issues[-200:]
        for _ in range(made, upto):
            made += 1
            it = new_issue(rng, made, ts, used, earlier)
            issues.append(it)
            files.append((it.path, render(it)))
        # touch some older issues and a few source files
        if k > 0 and issues:
            for it in rng.sample(issues, min(len(issues), max(1, int(per * 0.2)))):
                if it.created < ts:
                    modify(rng, it, ts, "triage")
                    files.append((it.path, render(it)))
            for i in rng.sample(range(nsrc), min(nsrc, 3)):
                files.append(("src/mod%02d/file%05d.c" % (i % 37, i), src_file(rng, i + k)))
        # a path may appear twice in one commit (added then touched): last wins
        parent = st.commit("refs/heads/main", ts, "perf corpus commit %d/%d" % (k + 1, K),
                           parent, files)
    main_mark = parent
    final = {it.path: render(it) for it in issues}

    def fm_bytes(its):
        return sum(len(front_matter(it).encode()) for it in its)

    stats = {
        "issues": N, "commits": K, "seed": a.seed,
        "selective": sorted(it.id for it in issues if it.rare and it.status == "blocked"),
        "broad": sum(1 for it in issues if it.status == "todo"),
        "rare": sum(1 for it in issues if it.rare),
        "front_matter_bytes": fm_bytes(issues),
        "issue_file_bytes": sum(len(v.encode()) for v in final.values()),
        "show_id": issues[len(issues) // 2].id,
        "show_path": issues[len(issues) // 2].path,
        "branches": {},
    }

    # branches off main; each uses its own RNG so main's content does not
    # depend on which branches exist
    snapshot = {it.id: (it.status, it.updated, it.rev, list(it.body)) for it in issues}
    for name, count in [("other", 100), ("changed-1", 1), ("changed-100", 100),
                        ("changed-10000", 10000)]:
        if count > N or (count == 10000 and N < 10000):
            continue
        brng = random.Random("%d-%s" % (a.seed, name))
        bts = ts + 3600
        chosen = brng.sample(issues, count)
        files = []
        for it in chosen:
            modify(brng, it, bts, name)
            files.append((it.path, render(it)))
        st.commit("refs/heads/" + name, bts, "perf: %s (%d issues modified)" % (name, count),
                  main_mark, files)
        stats["branches"][name] = {
            "modified": count,
            "selective": sorted(x.id for x in issues if x.rare and x.status == "blocked"),
            "broad": sum(1 for x in issues if x.status == "todo"),
        }
        for it in chosen:  # restore main's state
            it.status, it.updated, it.rev, it.body = snapshot[it.id]
    st.w("done\n")
    sys.stdout.buffer.flush()

    if a.backlog_dir:
        tdir = os.path.join(a.backlog_dir, "backlog", "tasks")
        os.makedirs(tdir, exist_ok=True)
        os.makedirs(os.path.join(a.backlog_dir, "backlog", "drafts"), exist_ok=True)
        with open(os.path.join(a.backlog_dir, "backlog", "config.yml"), "w") as f:
            f.write('project_name: "perf"\ndefault_status: "To Do"\n'
                    'statuses: ["To Do", "In Progress", "Done"]\nlabels: []\n'
                    'date_format: yyyy-mm-dd\nmax_column_width: 20\n'
                    'auto_open_browser: false\ndefault_port: 6420\n'
                    'remote_operations: false\nauto_commit: false\n'
                    'filesystem_only: true\nbypass_git_hooks: false\n'
                    'check_active_branches: false\nactive_branch_days: 30\n'
                    'task_prefix: "task"\n')
        for it in issues:
            name = "task-%d - %s.md" % (it.n, it.title.replace(" ", "-"))
            with open(os.path.join(tdir, name), "w") as f:
                f.write(render_backlog(it))
    if a.stats:
        with open(a.stats, "w") as f:
            json.dump(stats, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()

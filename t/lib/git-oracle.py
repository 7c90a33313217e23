#!/usr/bin/env python3
"""git-oracle.py: oracle.py's answer for the working tree, with the files
taken from git instead of a walk of the disk, so that every kind of
repository git supports gets git's own view of it:

  - tracked files (git ls-files -s -t, which expands a sparse index and
    reads a split one): a skip-worktree file ('S') is its staged blob, as
    git status and git diff-index answer it; any other is the file on
    disk, when it is still a regular file there;
  - untracked files (git ls-files -o): the file on disk.

git lists nothing inside a submodule or a nested repository. The parse
and the output are oracle.py's (PyYAML); --committed is oracle.py's own
(git ls-tree). Same usage as oracle.py, run at the top of a work tree,
and --check (below).
"""

import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402


def ls(*args):
    out = subprocess.run(('git', 'ls-files', '-z') + args, stdout=subprocess.PIPE,
                         check=True).stdout
    return [r.decode('utf-8', 'surrogateescape') for r in out.split(b'\0') if r]


def disk(path):
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
    except OSError:
        return None
    with open(path, 'rb') as f:
        return f.read()


def git_worktree_files(roots):
    staged = {}     # path -> blob oid, for the skip-worktree files
    on_disk = []
    for rec in ls('-s', '-t'):
        meta, path = rec.split('\t', 1)
        tag, mode, oid, stage = meta.split(' ')
        if mode not in ('100644', '100755') or stage != '0':
            continue
        if tag == 'S':
            staged[path] = oid
        else:
            on_disk.append(path)
    on_disk += ls('-o')
    blobs = {}
    if staged:
        order = sorted(staged)
        out = subprocess.run(['git', 'cat-file', '--batch'], stdout=subprocess.PIPE, check=True,
                             input=''.join(staged[p] + '\n' for p in order).encode()).stdout
        pos = 0
        for p in order:
            nl = out.index(b'\n', pos)
            size = int(out[pos:nl].split(b' ')[2])
            blobs[p] = out[nl + 1:nl + 1 + size]
            pos = nl + 1 + size + 1
    res = []
    for root in roots:
        pre = oracle.prefix(root)
        for p in sorted(set(on_disk) | set(blobs)):
            if not p.startswith(pre) or not p.endswith('.md'):
                continue
            content = blobs[p] if p in blobs else disk(p)
            if content is not None:
                res.append((root, p, content))
    return res


def check(argv):
    """--check ACTUAL ERR [--committed]: ACTUAL (roadmap-list --json) equals
    the oracle's answer, kept in `expect`, and ERR (its stderr) warns of as
    many invalid files as the oracle finds: one python run for both."""
    actual, err, rest = argv[0], argv[1], argv[2:]
    roots = [oracle.norm_root(r) for r in oracle.config_roots()]
    cache = oracle.Cache()
    issues, invalid = oracle.list_issues(roots, '--committed' in rest, cache)
    cache.save()
    with open('expect', 'wb') as f:
        for rec in issues:
            f.write(oracle.dumps(rec).encode('utf-8', 'surrogateescape') + b'\n')
    if oracle.compare('expect', actual):
        return 1
    with open(err, encoding='utf-8', errors='replace') as f:
        warned = [l for l in f.read().split('\n') if 'invalid issue file' in l]
    n = len(invalid)
    # it points at what names them all (test-lib.sh's check_oracle)
    see = 'roadmap-refresh -v' if '--committed' in rest else 'roadmap-check'
    want = ['roadmap-list: warning: %d invalid issue file%s (see %s)'
            % (n, '' if n == 1 else 's', see)] if n else []
    if warned != want:
        print('invalid files: expected %r, stderr says %r' % (want, warned))
        return 1
    return 0


if __name__ == '__main__':
    oracle.worktree_files = git_worktree_files
    if sys.argv[1:2] == ['--check']:
        sys.exit(check(sys.argv[2:]))
    sys.exit(oracle.main(sys.argv[1:]))

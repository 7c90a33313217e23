#!/usr/bin/env python3
"""set-check.py: roadmap-set against the files and PyYAML, in a repository.

  set-check.py identity     every issue roadmap-list lists (ids used once):
                            roadmap-set <id> status=<its status> --no-touch
                            leaves its file byte for byte; then
                            roadmap-set <id> priority=p9 --no-touch changes
                            exactly the priority line (or adds one line)
  set-check.py values ID    roadmap-set ID title=<v> for each tricky value of
                            fm-check.py: roadmap-list --json and PyYAML both
                            read back exactly v

Prints one line per failure; exit 1 when any.
"""
import difflib
import json
import os
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
TRICKY = __import__('fm-check').TRICKY


def run(*argv):
    return subprocess.run(list(argv), capture_output=True)


def listing():
    p = run('roadmap-list', '--json')
    return [json.loads(l) for l in p.stdout.decode().split('\n') if l]


def front(raw):
    lines = raw.decode('utf-8-sig').replace('\r\n', '\n').split('\n')
    end = next(i for i in range(1, len(lines)) if lines[i] in ('---', '...'))
    return yaml.safe_load('\n'.join(lines[1:end]))


def identity():
    bad = n = 0
    issues = listing()
    count = {}
    for i in issues:
        count[i['id']] = count.get(i['id'], 0) + 1
    for i in issues:
        st = i['fields'].get('status')
        if count[i['id']] > 1 or not isinstance(st, str) or '\n' in st:
            continue
        path = i['path']
        raw = open(path, 'rb').read()
        p = run('roadmap-set', '--no-touch', i['id'], 'status=' + st)
        n += 1
        if p.returncode:
            print('%s: exit %d: %s' % (path, p.returncode, p.stderr.decode().strip()))
            bad += 1
            continue
        if open(path, 'rb').read() != raw:
            print('%s: changed by status=%r' % (path, st))
            bad += 1
            continue
        if n % 10:
            continue    # a tenth of them: one key changed, one line
        p = run('roadmap-set', '--no-touch', i['id'], 'priority=p9')
        new = open(path, 'rb').read()
        diff = [l for l in difflib.unified_diff(raw.decode('utf-8', 'replace').splitlines(),
                                                 new.decode('utf-8', 'replace').splitlines(),
                                                 lineterm='', n=0)
                if l[:1] in '+-' and not l.startswith(('+++', '---'))]
        removed = [l for l in diff if l.startswith('-')]
        added = [l for l in diff if l.startswith('+')]
        if p.returncode or len(added) != 1 or 'p9' not in added[0] or len(removed) > 1 or \
                (removed and 'priority' not in removed[0]):
            print('%s: priority=p9 changed %r' % (path, diff))
            bad += 1
        elif front(new).get('priority') != 'p9':
            print('%s: PyYAML reads priority %r' % (path, front(new).get('priority')))
            bad += 1
    print('%d issues set' % n, file=sys.stderr)
    return bad if n > 50 else bad + 1


def values(ident):
    bad = 0
    path = [i['path'] for i in listing() if i['id'] == ident][0]
    for v in TRICKY:
        p = run('roadmap-set', ident, 'title=' + v)
        if p.returncode:
            print('%r: exit %d: %s' % (v, p.returncode, p.stderr.decode().strip()))
            bad += 1
            continue
        got = [i['fields'].get('title') for i in listing() if i['id'] == ident]
        if got != [v]:
            print('%r: roadmap-list --json reads %r' % (v, got))
            bad += 1
        py = front(open(path, 'rb').read()).get('title')
        if py != v:
            print('%r: PyYAML reads %r' % (v, py))
            bad += 1
    return bad


if __name__ == '__main__':
    if sys.argv[1] == 'identity':
        sys.exit(1 if identity() else 0)
    sys.exit(1 if values(sys.argv[2]) else 0)

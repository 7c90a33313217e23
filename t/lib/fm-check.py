#!/usr/bin/env python3
"""fm-check.py: lib/frontmatter (t/helper/test-frontmatter) against PyYAML.

  fm-check.py values FILE      set `title` to each tricky value, as a scalar
                               and as an added list item (flow and block
                               lists); PyYAML must read back exactly the value
                               set, every other key as before, and the diff
                               must touch only the edited key's lines
  fm-check.py identity <LIST  setting each file's `status` to its own value
                               leaves the file byte for byte (LIST:
                               one path a line)

Prints one line per failure; exit 1 when any.
"""
import difflib
import json
import subprocess
import sys

import yaml

TRICKY = [
    'yes', 'Yes', 'YES', 'no', 'No', 'NO', 'y', 'Y', 'n', 'N', 'on', 'On', 'ON',
    'off', 'Off', 'OFF', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
    'null', 'Null', 'NULL', '~', '', '1e3', '0x10', '0o17', '1_000', '1:20',
    '.inf', '-.inf', '.NaN', '12', '-3', '+1', '0', '3.14', '.5',
    '2026-01-05', '2026-01-05 10:00', '2026-01-05T10:00:00Z',
    '@x', '*x', '&x', '!x', '%x', '- x', '? x', ': x', 'a: b', 'a #b', '#hash',
    ' leading', 'trailing ', 'unicode \u2603 \u00e9', 'new\nline', 'tab\there',
    "quote ' and \"", 'back\\slash', '[x]', '{x}', 'a,b', '|', '>', "'", '"',
    '-', '---', '...', '=', '<<', 'ends:', '`tick', 'del\x7f', 'ctl\x01',
    'line\u2028sep', 'nel\u0085', 'bom\ufeff', 'x: ', 'a\\nb', 'plain words',
]

BASE = """---
id: T-1
title: "Old title"  # a comment that stays
status: todo
labels: [bug, ui]
assignee:
  - alice
  # between items
  - bob
notes: |
  line one
  line two
priority: high
---
Body: not: yaml
"""


def run(path, *edit):
    p = subprocess.run(['test-frontmatter', path] + list(edit), capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode(errors='replace')


def fm(text):
    return yaml.safe_load(text.split('---\n')[1])


def changed_lines(a, b):
    d = [l for l in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm='', n=0)
         if l[:1] in '+-' and not l.startswith(('+++', '---'))]
    return d


def values(path):
    bad = 0
    with open(path, 'w') as f:
        f.write(BASE)
    before = fm(BASE)
    for v in TRICKY:
        for edit, key, want in (
                (('set', 'title', v), 'title', v),
                (('add', 'labels', v), 'labels', before['labels'] + [v]),
                (('add', 'assignee', v), 'assignee', before['assignee'] + [v]),
                (('set', 'newkey', v), 'newkey', v)):
            rc, out, err = run(path, *edit)
            if rc:
                print('%r %s: exit %d: %s' % (v, edit[0] + ' ' + key, rc, err.strip()))
                bad += 1
                continue
            text = out.decode()
            try:
                got = fm(text)
            except yaml.YAMLError as e:
                print('%r %s: PyYAML: %s' % (v, key, str(e).replace('\n', ' ')))
                bad += 1
                continue
            exp = dict(before)
            exp[key] = want
            if got != exp:
                print('%r %s: PyYAML reads %r' % (v, key, got.get(key)))
                bad += 1
            if text.split('---\n', 2)[2] != BASE.split('---\n', 2)[2]:
                print('%r %s: the body changed' % (v, key))
                bad += 1
            n = len(changed_lines(BASE, text))
            if n > 2:
                print('%r %s: %d lines changed' % (v, key, n))
                bad += 1
    return bad


def identity(paths):
    bad = n = 0
    for p in paths:
        raw = open(p, 'rb').read()
        try:
            text = raw.decode('utf-8-sig').replace('\r\n', '\n')
            status = fm(text).get('status')
        except Exception:
            continue
        if not isinstance(status, str):
            continue
        kind = json.loads(subprocess.run(['test-parse', p], capture_output=True).stdout)['kind']
        if kind != 'issue':
            continue    # refused, as roadmap's parser rejects it: the test above
        n += 1
        rc, out, err = run(p, 'set', 'status', status)
        if rc:
            print('%s: exit %d: %s' % (p, rc, err.strip()))
            bad += 1
        elif out != raw:
            print('%s: not byte-identical after status=%r' % (p, status))
            bad += 1
    print('%d files, %d edited' % (len(paths), n), file=sys.stderr)
    return bad


if __name__ == '__main__':
    if sys.argv[1] == 'values':
        sys.exit(1 if values(sys.argv[2]) else 0)
    sys.exit(1 if identity(sys.stdin.read().splitlines()) else 0)

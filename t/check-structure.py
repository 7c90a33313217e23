#!/usr/bin/env python3
"""The shape of the sources that issue 13 asks for, proven from the files.

- no #include "..." circle among the modules of lib/ (a module is a
  file's name without .c/.h: a module that includes another's header
  depends on it), and each module includes only its own layer or lower
  ones (LAYERS below, the order of lib/README);
- cmd/ makes no mdb_* call: storage is reached through lib/index;
- no file of lib/ over 800 lines.
Prints each breach as "file: message" and exits 1 when there is one.
"""
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
lib = os.path.join(top, 'lib')
cmd = os.path.join(top, 'cmd')
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
bad = []

# lib/README's layers, lowest first; a new module must be placed here
LAYERS = [
    ('utilities', 'strbuf xalloc usage sha1 atomicfile'),
    ('repository', 'run repo packidx odb catfile gitindex blob libgit'),
    ('parsing', 'issue issue_path record compare output yamlquote frontmatter rissue rfile syncconflict'),
    ('storage', 'index index_read index_stats syncdb'),
    ('remotes', 'remote http github_issue github dirremote remotes'),
    ('operations', 'actions treewalk refreshstats postings readahead gitactions apply overlay_sparse '
                   'refresh heal overlay overlay_encode watch watchlog watchjob watchdiff watchcommit watchauto watchd ids query diff check check_dups fsck merge '
                   'layout write change newissue edit baseline syncmerge syncctx syncjournal syncissue sync'),
]
layer = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods.split()}

deps = {}
for name in sorted(os.listdir(lib)):
    if not name.endswith(('.c', '.h')):
        continue
    path = os.path.join(lib, name)
    text = open(path, encoding='utf-8', errors='replace').read()
    mod = name[:-2]
    for h in inc.findall(text):
        if os.path.exists(os.path.join(lib, h)) and h[:-2] != mod:
            deps.setdefault(mod, set()).add(h[:-2])
    if mod not in layer:
        bad.append('lib/%s: module %s is in no layer of t/check-structure.py' % (name, mod))
    n = text.count('\n')
    if n > 800:
        bad.append('lib/%s: %d lines (at most 800)' % (name, n))

# a circle is a strongly connected component of more than one module
index, low, stack, on, comps = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in sorted(deps.get(v, ())):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            comps.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in sorted(deps):
    if v not in index:
        visit(v)
for c in comps:
    edges = ['%s -> %s' % (a, b) for a in c for b in sorted(deps.get(a, ())) if b in c]
    bad.append('lib/: include circle among %s (%s)' % (', '.join(c), '; '.join(edges)))

for a in sorted(deps):
    for b in sorted(deps[a]):
        if a in layer and b in layer and layer[b] > layer[a]:
            bad.append('lib/%s.[ch]: includes %s.h, of a higher layer (%s above %s)'
                       % (a, b, LAYERS[layer[b]][0], LAYERS[layer[a]][0]))

call = re.compile(r'\bmdb_[a-z_]+\s*\(')
for name in sorted(os.listdir(cmd)):
    if name.endswith('.c'):
        for i, line in enumerate(open(os.path.join(cmd, name), encoding='utf-8'), 1):
            if call.search(line):
                bad.append('cmd/%s:%d: an mdb_* call outside lib/index' % (name, i))

for b in bad:
    print(b)
sys.exit(1 if bad else 0)

#!/usr/bin/env python3
"""oracle.py: an independent reference implementation of roadmap's parse
and list contract (doc/CONTRACT.txt), for differential tests.

It uses PyYAML's pure-Python parser (yaml.SafeLoader's Reader, Scanner and
Parser; never the libyaml-based CSafeLoader), works on YAML events, and
types plain scalars with the YAML 1.2 core schema as the contract says
(never PyYAML's 1.1 resolver).

Usage (run at the top level of a git work tree):
  oracle.py [--committed] [--root R]... [--invalid]
      print what `roadmap-list --json [--committed]` prints (one JSON object
      per valid issue and line, sorted by id then path), or with --invalid
      the paths of the invalid issue files, sorted.
  oracle.py --compare EXPECT ACTUAL
      compare two files of JSON lines record by record (numbers by value,
      booleans apart from numbers); print the first differences; exit 1 if
      they differ.
  oracle.py --parse FILE...
      print one JSON line per file, like t/helper/test-parse:
      {"path", "kind": "issue", "id", "fields"} or {"path", "kind": "invalid"}
      or {"path", "kind": "notissue"}.

Roots default to `git config --get-all roadmap.path`, else .roadmap/issues.
Set ORACLE_CACHE=<file> to memoize parse results by content (sha1).
"""

import hashlib
import json
import math
import os
import pickle
import posixpath
import re
import stat
import subprocess
import sys

import yaml

MAX_SIZE = 1 << 20
MAX_DEPTH = 32
MAX_ID = 252    # bytes: ids become file names, "<id>.md" at the least
BOM = b'\xef\xbb\xbf'

NULLS = ('', '~', 'null', 'Null', 'NULL')
TRUES = ('true', 'True', 'TRUE')
FALSES = ('false', 'False', 'FALSE')
INT_RE = re.compile(r'[-+]?[0-9]+')
HEX_RE = re.compile(r'0x[0-9a-fA-F]+')
OCT_RE = re.compile(r'0o[0-7]+')
FLOAT_RE = re.compile(r'[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?')
U64_MAX = (1 << 64) - 1


class Invalid(Exception):
    """Why a file is invalid; `at` is where: a character index into the
    front matter text (PyYAML's mark.index), or None for the file itself."""
    def __init__(self, why, at=None):
        Exception.__init__(self, why)
        self.at = at


def position(data, text, at):
    """'line:col' in the file of character `at` of the front matter text:
    lines end at '\n' alone (PyYAML also ends them at '\r', U+0085,
    U+2028, U+2029; editors and grep do not); columns count characters."""
    if at is None:
        return '1:1'
    before = text[:at]
    return '%d:%d' % (before.count('\n') + 2, at - (before.rfind('\n') + 1) + 1)


def plain_value(t):
    """Type the text of a plain scalar (YAML 1.2 core schema, per contract)."""
    if t in NULLS:
        return None
    if t in TRUES:
        return True
    if t in FALSES:
        return False
    if INT_RE.fullmatch(t):
        return int(t, 10)
    if HEX_RE.fullmatch(t):
        v = int(t[2:], 16)
        return v if v <= U64_MAX else t
    if OCT_RE.fullmatch(t):
        v = int(t[2:], 8)
        return v if v <= U64_MAX else t
    if FLOAT_RE.fullmatch(t):
        f = float(t)
        if math.isinf(f):
            return t
        return f
    return t


def slice_front_matter(data):
    """Return None (not an issue) or the front matter bytes; raise Invalid."""
    size = len(data)
    if data.startswith(BOM):
        data = data[3:]
    nl = data.find(b'\n')
    first = data if nl < 0 else data[:nl]
    if first.endswith(b'\r'):
        first = first[:-1]
    if first != b'---':
        return None
    if size > MAX_SIZE:
        raise Invalid('file too large')
    if nl < 0:
        raise Invalid('front matter not closed')
    start = pos = nl + 1
    n = len(data)
    while pos < n:
        e = data.find(b'\n', pos)
        if e < 0:
            e = n
        line = data[pos:e]
        if line.endswith(b'\r'):
            line = line[:-1]
        if line == b'---' or line == b'...':
            return data[start:pos]
        pos = e + 1
    raise Invalid('front matter not closed')


def has_directive(text):
    if not re.search(r'(?m)^%', text):
        return False
    try:
        for tok in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(tok, yaml.DirectiveToken):
                return True
    except yaml.YAMLError:
        pass
    return False


def yaml_events(text):
    """PyYAML's events, a YAML error raised as Invalid where it occurs in
    the stream: the first problem in stream order wins, as with libyaml."""
    it = yaml.parse(text, Loader=yaml.SafeLoader)
    while True:
        try:
            ev = next(it)
        except StopIteration:
            return
        except yaml.MarkedYAMLError as e:
            raise Invalid('yaml: %s' % str(e).replace('\n', ' '),
                          e.problem_mark.index if e.problem_mark else None)
        except yaml.reader.ReaderError as e:
            raise Invalid('yaml: %s' % str(e).replace('\n', ' '), e.position)
        except yaml.YAMLError as e:
            raise Invalid('yaml: %s' % str(e).replace('\n', ' '))
        yield ev


def events_to_value(text):
    """Parse the front matter text; return the root mapping (a list of
    (key, value) pairs); raise Invalid."""
    docs = 0
    root = None
    root_scalar = None  # where a root scalar that is no null starts
    # stack of [kind, container, pending_key, expecting_key]
    stack = []
    for ev in yaml_events(text):
        at = ev.start_mark.index
        if isinstance(ev, yaml.AliasEvent):
            raise Invalid('alias', at)
        if getattr(ev, 'anchor', None) is not None:
            raise Invalid('anchor', at)
        if getattr(ev, 'tag', None) is not None:
            raise Invalid('explicit tag', at)
        if isinstance(ev, yaml.DocumentStartEvent):
            docs += 1
            if root_scalar is not None:
                raise Invalid('root is not a mapping', root_scalar)
            if docs > 1:
                raise Invalid('more than one document', at)
            # directives lie between the event's start and the '---'
            if ev.version is not None or ev.tags or \
                    has_directive(text[at:ev.end_mark.index]):
                raise Invalid('directive', at)
            continue
        if isinstance(ev, yaml.StreamEndEvent) and root_scalar is not None:
            # a root scalar is no mapping, unless a YAML error follows
            raise Invalid('root is not a mapping', root_scalar)
        if isinstance(ev, (yaml.StreamStartEvent, yaml.StreamEndEvent,
                           yaml.DocumentEndEvent)):
            continue
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if not stack and isinstance(ev, yaml.SequenceStartEvent):
                raise Invalid('root is not a mapping', at)
            if stack and stack[-1][0] == 'map' and stack[-1][3]:
                raise Invalid('non-scalar key', at)
            if stack and id_next(stack):
                raise Invalid('id is a collection', at)
            if len(stack) + 1 > MAX_DEPTH:
                raise Invalid('too deep', at)
            kind = 'map' if isinstance(ev, yaml.MappingStartEvent) else 'seq'
            stack.append([kind, [], None, True, set()])
            continue
        if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            top = stack.pop()
            val = ('map', top[1]) if top[0] == 'map' else ('seq', top[1])
            if not stack:
                root = val
            else:
                add_value(stack[-1], val)
            continue
        if isinstance(ev, yaml.ScalarEvent):
            if ev.style is None:
                val = ('plain', ev.value)
            else:
                val = ('quoted', ev.value)
            if not stack:
                if val[0] != 'plain' or val[1] not in NULLS:
                    root_scalar = at
                root = val
            elif stack[-1][0] == 'map' and stack[-1][3]:
                key = ev.value
                if key in stack[-1][4]:
                    raise Invalid('duplicate key %r' % key, at)
                stack[-1][4].add(key)
                stack[-1][2] = key
                stack[-1][3] = False
            else:
                if id_next(stack) and not (val[0] == 'plain' and val[1] in NULLS) \
                        and id_invalid(val[1]):
                    raise Invalid('bad id %r' % val[1], at)
                add_value(stack[-1], val)
            continue
        raise Invalid('unexpected event %r' % ev, at)
    if root is None:
        return []
    if root[0] == 'plain' and root[1] in NULLS:
        return []
    if root[0] != 'map':
        raise Invalid('root is not a mapping')
    return root[1]


def id_next(stack):
    """Whether the next value is the root mapping's id."""
    return len(stack) == 1 and stack[0][0] == 'map' and not stack[0][3] \
        and stack[0][2] == 'id'


def add_value(top, val):
    if top[0] == 'map':
        top[1].append((top[2], val))
        top[2] = None
        top[3] = True
    else:
        top[1].append(val)


def to_json(val):
    kind, v = val
    if kind == 'plain':
        return plain_value(v)
    if kind == 'quoted':
        return v
    if kind == 'seq':
        return [to_json(x) for x in v]
    return {k: to_json(x) for k, x in v}


def id_invalid(idtext):
    if idtext in ('', '.', '..'):
        return True
    if '/' in idtext:
        return True
    for c in idtext:
        if ord(c) < 0x20 or ord(c) == 0x7f:
            return True
    return len(idtext.encode('utf-8', 'surrogatepass')) > MAX_ID


def parse(data):
    """Parse one file's bytes. Returns ('notissue',), ('invalid', why) or
    ('issue', explicit_id_or_None, fields_dict); `why` starts with the
    'line:col' of the problem."""
    text = ''
    try:
        fm = slice_front_matter(data)
        if fm is None:
            return ('notissue',)
        try:
            text = fm.decode('utf-8')
        except UnicodeDecodeError as e:
            text = fm[:e.start].decode('utf-8')
            raise Invalid('invalid UTF-8', len(text))
        pairs = events_to_value(text)
        explicit = None
        for k, v in pairs:
            if k != 'id':
                continue
            if v[0] in ('map', 'seq'):
                raise Invalid('id is a collection')
            if v[0] == 'plain' and v[1] in NULLS:
                break
            explicit = v[1]
            if id_invalid(explicit):
                raise Invalid('bad id %r' % explicit)
        fields = {k: to_json(v) for k, v in pairs}
        return ('issue', explicit, fields)
    except Invalid as e:
        return ('invalid', '%s: %s' % (position(data, text, e.at), e))


def id_from_path(path):
    base = path.rsplit('/', 1)[-1]
    m = re.match(r'[^- .]*', base)
    return m.group(0)


class Cache:
    def __init__(self):
        self.file = os.environ.get('ORACLE_CACHE')
        self.data = {}
        self.dirty = False
        if self.file and os.path.exists(self.file):
            try:
                with open(self.file, 'rb') as f:
                    self.data = pickle.load(f)
            except Exception:
                self.data = {}

    def parse(self, content):
        if not self.file:
            return parse(content)
        h = hashlib.sha1(content).digest()
        r = self.data.get(h)
        if r is None:
            r = parse(content)
            self.data[h] = r
            self.dirty = True
        return r

    def save(self):
        if self.file and self.dirty:
            tmp = self.file + '.tmp%d' % os.getpid()
            with open(tmp, 'wb') as f:
                pickle.dump(self.data, f)
            os.replace(tmp, self.file)


def git(*args, inp=None):
    return subprocess.run(('git',) + args, input=inp, stdout=subprocess.PIPE,
                          check=True).stdout


def config_roots():
    p = subprocess.run(['git', 'config', '--get-all', 'roadmap.path'],
                       stdout=subprocess.PIPE)
    roots = [r for r in p.stdout.decode('utf-8', 'surrogateescape').split('\n') if r]
    return roots or ['.roadmap/issues']


def norm_root(r):
    """The root as shown: no trailing slash, no ./ (posixpath.normpath)."""
    return posixpath.normpath(r)


def prefix(root):
    return '' if root == '.' else root + '/'


def claim(files):
    """A file under nested roots is listed once, under the outermost root
    (the contract is silent; this is what lib/ does)."""
    best = {}
    for root, path, content in files:
        if path not in best or len(prefix(root)) < len(prefix(best[path][0])):
            best[path] = (root, path, content)
    return [best[p] for p in sorted(best)]


def committed_files(roots):
    """Yield (root, path, content) for the regular *.md files under roots at HEAD."""
    entries = []
    for root in roots:
        out = git('ls-tree', '-r', '-z', '--full-tree', 'HEAD', '--', root)
        for rec in out.split(b'\0'):
            if not rec:
                continue
            meta, path = rec.split(b'\t', 1)
            mode, typ, oid = meta.split(b' ')
            if mode not in (b'100644', b'100755'):
                continue
            path = path.decode('utf-8', 'surrogateescape')
            if not path.startswith(prefix(root)) or not path.endswith('.md'):
                continue
            entries.append((root, path, oid))
    if not entries:
        return []
    out = git('cat-file', '--batch', inp=b''.join(e[2] + b'\n' for e in entries))
    res = []
    pos = 0
    for root, path, oid in entries:
        nl = out.index(b'\n', pos)
        hdr = out[pos:nl].split(b' ')
        size = int(hdr[2])
        content = out[nl + 1:nl + 1 + size]
        pos = nl + 1 + size + 1
        res.append((root, path, content))
    return res


def real_dir(path):
    """Whether path and every directory on the way are directories, no link."""
    parts = path.split('/')
    for i in range(len(parts)):
        p = '/'.join(parts[:i + 1])
        if os.path.islink(p) or not os.path.isdir(p):
            return False
    return True


def worktree_files(roots):
    res = []
    for root in roots:
        if not real_dir(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            if root == '.' and dirpath == '.' and '.git' in dirnames:
                dirnames.remove('.git')
            # git does not enter a work tree of its own (a submodule)
            dirnames[:] = sorted(d for d in dirnames
                                 if not os.path.lexists(os.path.join(dirpath, d, '.git')))
            for name in sorted(filenames):
                if not name.endswith('.md'):
                    continue
                p = posixpath.normpath(os.path.join(dirpath, name))
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                with open(p, 'rb') as f:
                    res.append((root, p, f.read()))
    return res


def sort_key(rec):
    return (rec['id'].encode('utf-8', 'surrogateescape'),
            rec['path'].encode('utf-8', 'surrogateescape'))


def list_issues(roots, committed, cache):
    files = claim(committed_files(roots) if committed else worktree_files(roots))
    issues, invalid = [], []
    for root, path, content in files:
        r = cache.parse(content)
        if r[0] == 'notissue':
            continue
        if r[0] == 'invalid':
            invalid.append(path)
            continue
        ident = r[1]
        if ident is None:
            ident = id_from_path(path)
            if id_invalid(ident):
                invalid.append(path)
                continue
        rel = path[len(prefix(root)):]
        d = rel.rsplit('/', 1)[0] if '/' in rel else ''
        issues.append({'id': ident, 'path': path, 'root': root, 'dir': d,
                       'fields': r[2]})
    issues.sort(key=sort_key)
    invalid.sort(key=lambda p: p.encode('utf-8', 'surrogateescape'))
    return issues, invalid


def dumps(obj):
    s = json.dumps(obj, ensure_ascii=False)
    try:
        s.encode('utf-8', 'surrogateescape')
    except UnicodeEncodeError:
        s = json.dumps(obj)
    return s


def out(line):
    try:
        b = line.encode('utf-8', 'surrogateescape')
    except UnicodeEncodeError:
        # lone surrogates (PyYAML accepts "\ud800" escapes): print them as
        # JSON escapes; paths keep their surrogate-escaped raw bytes
        b = line.encode('utf-8', 'backslashreplace')
    sys.stdout.buffer.write(b + b'\n')


def norm_json(v):
    """A comparable form: numbers by value, bools and strings apart."""
    if isinstance(v, bool):
        return ('bool', v)
    if isinstance(v, (int, float)):
        return ('num', v)
    if isinstance(v, list):
        return ('list', [norm_json(x) for x in v])
    if isinstance(v, dict):
        return ('map', [(k, norm_json(x)) for k, x in v.items()])
    return (type(v).__name__, v)


def load_lines(path):
    with open(path, 'rb') as f:
        data = f.read()
    recs = []
    for n, line in enumerate(data.split(b'\n'), 1):
        if not line:
            continue
        try:
            recs.append(json.loads(line.decode('utf-8', 'surrogateescape')))
        except ValueError as e:
            recs.append({'UNPARSABLE JSON line %d' % n: '%s: %r' % (e, line[:300])})
    return recs


def compare(expect_path, actual_path, show=5):
    exp, act = load_lines(expect_path), load_lines(actual_path)
    bad = 0
    ei = ai = 0
    # align on (id, path) so that one missing record shows as one difference
    def key(r):
        return (str(r.get('id')), str(r.get('path')))
    ek = {key(r): r for r in exp}
    ak = {key(r): r for r in act}
    for k in sorted(set(ek) | set(ak), key=lambda k: (k[0].encode('utf-8', 'surrogateescape'),
                                                     k[1].encode('utf-8', 'surrogateescape'))):
        e, a = ek.get(k), ak.get(k)
        if e is not None and a is not None and norm_json(e) == norm_json(a):
            continue
        bad += 1
        if bad > show:
            continue
        print('--- record id=%r path=%r' % k)
        if e is None:
            print('  only in actual:  %s' % json.dumps(a, ensure_ascii=False)[:2000])
        elif a is None:
            print('  only in expect:  %s' % json.dumps(e, ensure_ascii=False)[:2000])
        else:
            for f in sorted(set(e) | set(a)):
                if f == 'fields' and isinstance(e.get(f), dict) and isinstance(a.get(f), dict):
                    ef, af = e[f], a[f]
                    if list(ef) != list(af):
                        print('  field order: expect %r\n               actual %r' % (list(ef), list(af)))
                    for g in list(ef) + [g for g in af if g not in ef]:
                        if norm_json(ef.get(g, KeyError)) != norm_json(af.get(g, KeyError)):
                            print('  fields.%s: expect %s, actual %s' % (
                                g, json.dumps(ef.get(g, '<missing>'), ensure_ascii=False)[:500],
                                json.dumps(af.get(g, '<missing>'), ensure_ascii=False)[:500]))
                elif norm_json(e.get(f, KeyError)) != norm_json(a.get(f, KeyError)):
                    print('  %s: expect %s, actual %s' % (
                        f, json.dumps(e.get(f, '<missing>'), ensure_ascii=False)[:500],
                        json.dumps(a.get(f, '<missing>'), ensure_ascii=False)[:500]))
    if not bad and [key(r) for r in exp] != [key(r) for r in act]:
        print('same records, different order; first differences:')
        n = 0
        for i, (e, a) in enumerate(zip(exp, act)):
            if key(e) != key(a):
                print('  line %d: expect %r, actual %r' % (i + 1, key(e), key(a)))
                n += 1
                if n >= show:
                    break
        bad = 1
    if bad:
        print('%d records differ (expect %d records in %s, actual %d in %s)' % (
            bad, len(exp), expect_path, len(act), actual_path))
        return 1
    return 0


def main(argv):
    if argv[:1] == ['--compare']:
        if len(argv) != 3:
            sys.stderr.write('usage: oracle.py --compare EXPECT ACTUAL\n')
            return 129
        return compare(argv[1], argv[2])
    committed = False
    want_invalid = False
    roots = []
    files = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--committed':
            committed = True
        elif a == '--invalid':
            want_invalid = True
        elif a == '--root':
            i += 1
            roots.append(argv[i])
        elif a.startswith('--root='):
            roots.append(a[7:])
        elif a == '--parse':
            files = argv[i + 1:]
            break
        else:
            sys.stderr.write('usage: oracle.py [--committed] [--invalid] [--root R]... | --parse FILE...\n')
            return 129
        i += 1
    cache = Cache()
    if files is not None:
        for p in files:
            with open(p, 'rb') as f:
                r = cache.parse(f.read())
            if r[0] == 'issue':
                ident = r[1] if r[1] is not None else id_from_path(p)
                out(dumps({'path': p, 'kind': 'issue', 'id': ident, 'fields': r[2]}))
            elif r[0] == 'invalid':
                out(dumps({'path': p, 'kind': 'invalid', 'error': r[1]}))
            else:
                out(dumps({'path': p, 'kind': 'notissue'}))
        cache.save()
        return 0
    if not roots:
        roots = config_roots()
    roots = [norm_root(r) for r in roots]
    issues, invalid = list_issues(roots, committed, cache)
    cache.save()
    if want_invalid:
        for p in invalid:
            out(p)
    else:
        for rec in issues:
            out(dumps(rec))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

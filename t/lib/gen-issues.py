#!/usr/bin/env python3
"""gen-issues.py: a deterministic, seeded generator of issue files for tests.

  gen-issues.py --seed S --count N --root DIR [--layout L]
      write N issue files under DIR (L: roadmap-cli (default), backlog, states)
  gen-issues.py --mutate --seed S --root DIR [--layout L] [--git]
                [--modify K] [--delete D] [--rename R] [--add A]
      change the files already under DIR: rewrite K of them, delete D,
      rename R (to another folder or name), add A new ones. With --git the
      changes are staged (git rm / git mv / git add), ready to commit;
      without it they are plain file-system changes (uncommitted edits,
      untracked files, files deleted without git rm).

Layouts:
  roadmap-cli  DIR/<milestone|backlog>[/<sub>]/<id8>-<slug>.md
  backlog      DIR/tasks/<PREFIX>-<n> - <Title>.md (a few in drafts/, completed/)
  states       DIR/{refinements,backlog,active,completed}/[<sub>/]<id>-<slug>.md

The output is a function of the arguments only (same seed, same bytes).
Roughly: 5% CRLF files, 3% with a BOM, 2% invalid files of several kinds,
1% .md files without front matter.
"""

import os
import random
import subprocess
import sys

WORDS = ('fix add remove update parser index cache query label milestone '
         'export import login logout report crash slow memory leak button '
         'page layout api token sync remote merge conflict branch commit '
         'refresh rebuild search filter sort limit format json yaml docs '
         'test bench hook install config path root folder state').split()
UNICODE_TITLES = [
    'Réparer l’export CSV', 'Corriger la déconnexion après mise à jour',
    'Überarbeitung der Größenänderung', 'Ñandú y pingüino',
    '修复登录问题', 'データベース接続の改善', '검색 결과 정렬',
    'Launch 🚀 the rocket', 'Emoji ✅ done 🎉', 'Ελληνικά κείμενα',
    'Кириллица в заголовке', 'עברית וערבית عربي', 'naïve café façade',
    'Zero‐width​joiner test', 'Mixed 中文 and English',
]
QUOTE_NEEDED = [
    'Fix: colon in title', 'Title with # hash', 'yes', 'no', 'null', 'true',
    '123', '0x1F', '1.5', '2024-01-01', '@mention at start', '- dash start',
    '[brackets]', '{braces}', "it's quoted", 'say "hi"', '  leading space',
    'trailing space  ', '%percent', '*star', '&amp', '!bang', '|pipe', '>gt',
    'back\\slash', 'tab\there', 'ends with colon:',
]
PEOPLE = ['alice', 'bob', 'carol', 'dave', 'eve', 'mallory', 'trent',
          'zoë', 'josé', '李雷', '@octocat']
LABELS = ['bug', 'feature', 'ui', 'backend', 'perf', 'docs', 'security',
          'good first issue', 'needs-triage', 'p1', 'wontfix', 'étiquette',
          'ラベル', 'v2']
MILESTONES = ['v0.1', 'v0.2', 'v1.0', 'v1.1', '2024-q3', 'future']
SUBDIRS = ['sprint-1', 'sprint-2', 'epics/auth']
STATUSES = ['todo', 'in-progress', 'blocked', 'review', 'closed', 'archived']
BACKLOG_STATUSES = ['To Do', 'In Progress', 'Done']
STATE_ROOTS = ['refinements', 'backlog', 'active', 'completed']
PRIORITIES = ['low', 'medium', 'high', 'critical']
TYPES = ['feature', 'bug', 'other']

BODY_LINES = [
    'Some context about the problem.',
    'key: value lines in the body are not front matter',
    '---',
    '...',
    '- a list item',
    '  - nested: item',
    '# Heading',
    '```yaml\nfoo: [1, 2\n```',
    'Unicode: ü ß 中文 🙂 ‘quotes’ — dash',
    'A line with trailing spaces   ',
    'title: not the title',
    '%YAML 1.2',
    '&anchor *alias !tag',
    '',
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.',
]


def words(rng, lo, hi):
    return ' '.join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def dq(s, rng):
    """A double-quoted YAML scalar for s, sometimes with \\u escapes."""
    out = []
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == '\\':
            out.append('\\\\')
        elif c == '\t':
            out.append('\\t')
        elif ord(c) > 0xffff and rng.random() < 0.3:
            out.append('\\U%08x' % ord(c))
        elif ord(c) > 0x7f and rng.random() < 0.2:
            out.append('\\u%04X' % ord(c))
        else:
            out.append(c)
    return '"' + ''.join(out) + '"'


def sq(s):
    return "'" + s.replace("'", "''") + "'"


def plain_ok(s):
    if not s or s != s.strip():
        return False
    if s[0] in '-?:,[]{}#&*!|>\'"%@`':
        return False
    if ': ' in s or ' #' in s or s.endswith(':') or '\t' in s:
        return False
    if any(c in s for c in ',[]{}'):  # keep flow-safe too
        return False
    return True


def scalar(s, rng, allow_plain=True):
    """Emit a string value in a random but valid style."""
    r = rng.random()
    if allow_plain and plain_ok(s) and r < 0.6:
        return s
    if r < 0.8 and '\t' not in s:
        return sq(s)
    return dq(s, rng)


def title_text(rng):
    r = rng.random()
    if r < 0.15:
        return rng.choice(UNICODE_TITLES)
    if r < 0.25:
        return rng.choice(QUOTE_NEEDED)
    t = words(rng, 2, 7)
    return t[0].upper() + t[1:]


def slugify(s):
    out = []
    for c in s.lower():
        if c.isascii() and c.isalnum():
            out.append(c)
        elif out and out[-1] != '-':
            out.append('-')
    slug = ''.join(out).strip('-')
    return slug[:40] or 'issue'


def date(rng, with_time=False):
    y, m, d = rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28)
    if with_time:
        return '%04d-%02d-%02dT%02d:%02d:%02d' % (y, m, d, rng.randint(0, 23),
                                                  rng.randint(0, 59), rng.randint(0, 59))
    return '%04d-%02d-%02d' % (y, m, d)


def flow_list(items, rng):
    return '[' + ', '.join(scalar(i, rng) for i in items) + ']'


def emit_list(key, items, rng, indent=''):
    """A list value in flow or block style."""
    if not items:
        return ['%s%s: []' % (indent, key)]
    if rng.random() < 0.5:
        return ['%s%s: %s' % (indent, key, flow_list(items, rng))]
    dash_indent = indent + rng.choice(['', '  '])
    return ['%s%s:' % (indent, key)] + ['%s- %s' % (dash_indent, scalar(i, rng)) for i in items]


def emit_null(rng):
    return rng.choice(['', ' null', ' ~', ' Null', ' NULL'])


def number_text(rng):
    return rng.choice(['0', '1', '2', '3', '5', '8', '13', '0.5', '1.5', '2.25',
                       '10', '-1', '+4', '1e2', '3.0', '.5', '007', '0x1F', '0o17',
                       '12345678901234567890123', '1.0e-3', '6.02e23'])


def block_scalar(rng, indent='  '):
    ind = rng.choice(['|', '>', '|-', '>-', '|+'])
    lines = []
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.15:
            lines.append('')
        else:
            lines.append(indent + rng.choice([words(rng, 1, 8), 'key: value inside block',
                                              '- not a list', '# not a comment',
                                              rng.choice(UNICODE_TITLES)]))
    while lines and lines[0] == '':
        lines.pop(0)
    if not lines:
        lines = [indent + 'x']
    return ind, lines


def body(rng):
    n = rng.choice([0, 1, 2, 3, 5, 8, 20, 60])
    lines = ['']
    for _ in range(n):
        if rng.random() < 0.5:
            lines.append(words(rng, 3, 15))
        else:
            lines.append(rng.choice(BODY_LINES))
    return '\n'.join(lines) + ('\n' if n else '')


class Issue:
    def __init__(self, ident, title, layout, n=0):
        self.id = ident
        self.title = title
        self.layout = layout
        self.n = n


def cli_front_matter(rng, iss, explicit_id):
    """Lines of a roadmap-cli style front matter."""
    L = []
    if explicit_id is not None:
        L.append('id: %s' % explicit_id)
    L.append('title: %s' % scalar(iss.title, rng))
    r = rng.random()
    if r < 0.2:
        ind, lines = block_scalar(rng)
        L.append('headline: ' + ind)
        L.extend(lines)
    elif r < 0.3:
        L.append('headline: %s' % words(rng, 2, 5))
        L.append('  %s' % words(rng, 2, 5))       # multi-line plain scalar
    elif r < 0.9:
        L.append('headline: %s' % scalar(words(rng, 3, 10), rng))
    L.append('priority: %s' % rng.choice(PRIORITIES))
    L.append('status: %s' % scalar(rng.choice(STATUSES), rng))
    L.append('archived: %s' % rng.choice(['false', 'true', 'False', 'TRUE', "'false'"]))
    L.append('issue_type: %s' % rng.choice(TYPES))
    if rng.random() < 0.8:
        L.append('milestone: %s' % scalar(rng.choice(MILESTONES), rng))
    else:
        L.append('milestone:%s' % emit_null(rng))
    L.extend(emit_list('labels', rng.sample(LABELS, rng.randint(0, 4)), rng))
    r = rng.random()
    if r < 0.4:
        L.append('remote_ids: {github: %d}' % rng.randint(1, 99999))
    elif r < 0.7:
        L.append('remote_ids:')
        L.append('  github: %d' % rng.randint(1, 99999))
        if rng.random() < 0.3:
            L.append('  jira: %s' % scalar('PROJ-%d' % rng.randint(1, 999), rng))
    elif r < 0.8:
        L.append('remote_ids: {}')
    L.append('created: %s' % scalar(date(rng, True), rng))
    L.append('updated: %s' % scalar(date(rng, True), rng))
    r = rng.random()
    if r < 0.5:
        L.append('assignee: %s' % scalar(rng.choice(PEOPLE), rng))
    elif r < 0.7:
        L.extend(emit_list('assignee', rng.sample(PEOPLE, rng.randint(1, 3)), rng))
    else:
        L.append('assignee:%s' % emit_null(rng))
    if rng.random() < 0.7:
        L.append('estimated_hours: %s' % number_text(rng))
    if rng.random() < 0.4:
        L.append('due_date: %s' % scalar(date(rng), rng))
    if rng.random() < 0.5:
        L.extend(emit_list('depends_on', ['%08x' % rng.getrandbits(32)
                                          for _ in range(rng.randint(0, 3))], rng))
    if rng.random() < 0.3:
        L.extend(emit_list('blocks', ['%08x' % rng.getrandbits(32)
                                      for _ in range(rng.randint(0, 2))], rng))
    extra(rng, L)
    return L


def extra(rng, L):
    """Occasional extra fields of many shapes."""
    r = rng.random()
    if r < 0.05:
        L.append('nested: {a: {b: {c: [1, 2.5, {d: e}, [x, "y"]]}}}')
    elif r < 0.1:
        L.append('progress:')
        L.append('  done: %d' % rng.randint(0, 10))
        L.append('  total: %d' % rng.randint(10, 20))
        L.append('  history:')
        L.append('    - {at: %s, value: %s}' % (date(rng), number_text(rng)))
        L.append('    - at: %s' % date(rng))
        L.append('      value: %s' % number_text(rng))
    elif r < 0.15:
        ind, lines = block_scalar(rng)
        L.append('description: ' + ind)
        L.extend(lines)
    elif r < 0.2:
        L.append('# a comment line')
        L.append('flag: %s  # trailing comment' % rng.choice(
            ['yes', 'no', 'on', 'off', 'y', 'n', '.inf', '-.inf', '.nan', '.NaN']))
    elif r < 0.23:
        L.append('"quoted key": %s' % number_text(rng))
        L.append("'single key': x")
    elif r < 0.26:
        L.append('clé: valeur')
        L.append('名前: 値')
    elif r < 0.29:
        L.append('empty_string: ""')
        L.append("empty_single: ''")
        L.append('tilde: ~')
    elif r < 0.31:
        L.append('big: %d' % rng.getrandbits(100))
        L.append('neg: -%d' % rng.getrandbits(70))
        L.append('hex: 0x%X' % rng.getrandbits(70))
    elif r < 0.33:
        L.append('escapes: "tab\\tnew\\nline \\x41 \\u00e9 \\\\ \\""')
    elif r < 0.35:
        L.append('')
        L.append('blank_above: 1')
    elif r < 0.37:
        L.append('version: 1.10')
        L.append('ratio: 1.')
        L.append('sci: 1E+5')
    elif r < 0.39:
        L.append('url: https://example.com/a?b=c#frag')
        L.append('time: 12:30:45')
        L.append('colon_in_word: a:b')
    elif r < 0.41:
        L.append('seq_of_maps:')
        L.append('- name: a')
        L.append('  value: 1')
        L.append('- name: b')
        L.append('  value: [1, 2]')


def backlog_front_matter(rng, iss, with_id):
    L = []
    if with_id:
        L.append('id: %s' % scalar(iss.id, rng))
    L.append('title: %s' % scalar(iss.title, rng))
    L.append('status: %s' % scalar(rng.choice(BACKLOG_STATUSES), rng))
    people = ['@' + p for p in rng.sample(PEOPLE[:7], rng.randint(0, 2))]
    if people:
        L.append('assignee:')
        for p in people:
            L.append("  - '%s'" % p)
    else:
        L.append('assignee: []')
    L.extend(emit_list('labels', rng.sample(LABELS, rng.randint(0, 3)), rng))
    if rng.random() < 0.6:
        L.append('milestone: %s' % scalar(rng.choice(MILESTONES), rng))
    L.extend(emit_list('dependencies', ['task-%d' % rng.randint(1, 50)
                                        for _ in range(rng.randint(0, 2))], rng))
    if rng.random() < 0.7:
        L.append('priority: %s' % rng.choice(PRIORITIES))
    L.append("created_date: '%s %02d:%02d'" % (date(rng), rng.randint(0, 23), rng.randint(0, 59)))
    if rng.random() < 0.5:
        L.append("updated_date: '%s %02d:%02d'" % (date(rng), rng.randint(0, 23), rng.randint(0, 59)))
    if rng.random() < 0.5:
        L.append('ordinal: %s' % rng.choice(['1000', '2000', '1500.5', '3000']))
    extra(rng, L)
    return L


def invalid_front_matter(rng, L):
    """Break a front matter in one of several ways; returns (lines, closed)."""
    kind = rng.choice(['syntax', 'dupkey', 'listroot', 'unclosed', 'alias',
                       'anchor', 'tag', 'badid', 'deep', 'tab', 'nonscalarkey',
                       'scalarroot'])
    if kind == 'syntax':
        return L + ['broken: [unclosed, list'], True
    if kind == 'dupkey':
        k = L[-1].split(':', 1)[0]
        dup = [l for l in L if l and not l[0].isspace() and ':' in l]
        line = rng.choice(dup)
        return L + [line], True
    if kind == 'listroot':
        return ['- ' + rng.choice(WORDS), '- title: x'], True
    if kind == 'unclosed':
        return L, False
    if kind == 'alias':
        return L + ['base: &b {x: 1}', 'copy: *b'], True
    if kind == 'anchor':
        return L + ['anchored: &a value'], True
    if kind == 'tag':
        return L + [rng.choice(['typed: !!str 123', 'custom: !foo bar', 'seq: !!seq [a]'])], True
    if kind == 'badid':
        bad = rng.choice(['"a/b"', "''", '.', '..', '"tab\\there"', '[a, b]', '{x: 1}'])
        L = [l for l in L if not l.startswith('id:')]
        return ['id: ' + bad] + L, True
    if kind == 'deep':
        return L + ['deep: ' + '[' * 33 + ']' * 33], True
    if kind == 'tab':
        return L + ['tabbed:', '\t- x'], True
    if kind == 'nonscalarkey':
        return L + ['? [a, b]', ': v'], True
    return ['just a scalar'], True


def render(rng, fm_lines, closed=True, body_text=None):
    text = '---\n' + ''.join(l + '\n' for l in fm_lines)
    if closed:
        text += rng.choice(['---\n'] * 19 + ['...\n'])
        text += body_text if body_text is not None else body(rng)
    else:
        # no closing line anywhere: a body without --- or ... lines
        text += '\n'.join(words(rng, 3, 10) for _ in range(rng.randint(0, 4))) + '\n'
    return text


def finish(rng, text):
    """Apply CRLF (~5%) and BOM (~3%)."""
    if rng.random() < 0.05:
        text = text.replace('\n', '\r\n')
    data = text.encode('utf-8')
    if rng.random() < 0.03:
        data = b'\xef\xbb\xbf' + data
    return data


def new_id8(rng):
    return '%08x' % rng.getrandbits(32)


def make_issue_file(rng, layout, n, used_ids):
    """Return (relative path under the layout's root, bytes) for issue n."""
    title = title_text(rng)
    r = rng.random()
    if r < 0.01:
        # a Markdown file that is not an issue
        name = rng.choice(['README', 'NOTES', 'index', 'guide-%d' % n])
        text = rng.choice(['# %s\n\nNot an issue.\n' % title,
                           'Intro line\n---\nnot: front matter\n---\n',
                           '', ' ---\nindented: opener\n---\n', '----\nx: 1\n----\n'])
        sub = rng.choice(['', 'docs/'])
        if layout == 'states':
            sub = rng.choice(STATE_ROOTS) + '/' + sub
        elif layout == 'backlog':
            sub = 'docs/'
        return '%s%s-%d.md' % (sub, name, n), finish(rng, text)
    if layout == 'backlog':
        prefix = rng.choice(['task'] * 8 + ['BACK', 'doc'])
        ident = '%s-%d' % (prefix, n + 1)
        iss = Issue(ident, title, layout, n)
        with_id = rng.random() < 0.9
        L = backlog_front_matter(rng, iss, with_id)
        folder = rng.choice(['tasks'] * 12 + ['drafts', 'completed'])
        safe_title = ''.join(c if (c.isalnum() or c in ' _()') else ' ' for c in title).strip()
        safe_title = ' '.join(safe_title.split())[:50] or 'Untitled'
        rel = '%s/%s - %s.md' % (folder, ident, safe_title)
    else:
        ident = new_id8(rng)
        r = rng.random()
        explicit = ident
        if r < 0.08:
            explicit = None                     # id from the file name
        elif r < 0.10:
            ident = rng.choice(['0123', '0042', '1e3', '007', '12', '00000001'])
            explicit = ident if rng.random() < 0.7 else sq(ident)
        elif r < 0.11:
            ident = rng.choice(['ÉTÉ-%d' % n, '中文%d' % n, 'with space %d' % n])
            explicit = dq(ident, rng)
        elif r < 0.12 and used_ids:
            ident = rng.choice(sorted(used_ids))  # a duplicate id
            explicit = ident
        elif r < 0.15:
            explicit = rng.choice([sq(ident), dq(ident, rng)])
        elif r < 0.17:
            explicit = None
            ident = rng.choice(['0123', '0999', 'abc', 'X'])
        used_ids.add(ident)
        iss = Issue(ident, title, layout, n)
        if explicit is None:
            L = cli_front_matter(rng, iss, None)
            if rng.random() < 0.3:
                L.insert(0, 'id:%s' % emit_null(rng))
        else:
            L = cli_front_matter(rng, iss, explicit)
        fname_id = ident if explicit is None else (
            ident if rng.random() < 0.9 else new_id8(rng))
        fname_id = fname_id.replace('/', '_')
        sep = '-' if explicit is not None or rng.random() < 0.7 else rng.choice([' ', '.'])
        name = '%s%s%s.md' % (fname_id, sep, slugify(title))
        if layout == 'states':
            folder = rng.choice(STATE_ROOTS)
            if rng.random() < 0.2:
                folder += '/' + rng.choice(SUBDIRS)
        else:
            folder = rng.choice(MILESTONES + ['backlog'] * 3)
            if rng.random() < 0.15:
                folder += '/' + rng.choice(SUBDIRS)
        rel = '%s/%s' % (folder, name)
    closed = True
    if rng.random() < 0.02:
        L, closed = invalid_front_matter(rng, L)
    return rel, finish(rng, render(rng, L, closed))


def write(root, rel, data):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'wb') as f:
        f.write(data)
    return p


def norm(p):
    return os.path.normpath(p)


def generate(seed, count, root, layout):
    rng = random.Random('gen:%s:%s' % (seed, layout))
    used = set()
    paths = set()
    for n in range(count):
        while True:
            rel, data = make_issue_file(rng, layout, n, used)
            if rel not in paths:
                break
        paths.add(rel)
        write(root, rel, data)


def list_md(root, layout):
    res = []
    tops = [os.path.join(root, s) for s in STATE_ROOTS] if layout == 'states' else [root]
    for top in tops:
        res.extend(walk_md(top))
    return sorted(res)


def walk_md(top):
    res = []
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            if f.endswith('.md'):
                res.append(norm(os.path.join(d, f)))
    return sorted(res)


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def mutate(seed, root, layout, use_git, k_mod, k_del, k_ren, k_add):
    rng = random.Random('mutate:%s:%s' % (seed, layout))
    files = list_md(root, layout)
    rng.shuffle(files)
    used = set()
    mod = files[:k_mod]
    dele = files[k_mod:k_mod + k_del]
    ren = files[k_mod + k_del:k_mod + k_del + k_ren]
    touched = []
    for p in mod:
        with open(p, 'rb') as f:
            data = f.read()
        r = rng.random()
        if r < 0.4:
            # a textual edit: change the status line, keep the rest
            text = data.decode('utf-8', 'surrogateescape')
            new = rng.choice(STATUSES if layout != 'backlog' else
                             ['"%s"' % s for s in BACKLOG_STATUSES])
            lines = text.split('\n')
            for i, l in enumerate(lines):
                if l.startswith('status:'):
                    lines[i] = 'status: ' + new + ('\r' if l.endswith('\r') else '')
                    break
            else:
                lines.insert(1, 'status: ' + new)
            data = '\n'.join(lines).encode('utf-8', 'surrogateescape')
        elif r < 0.5:
            data = data + ('\nappended %d\n' % rng.randint(0, 999)).encode()
        elif r < 0.6:
            data = b'---\nbroken: [\n---\n' + data    # becomes invalid
        else:
            # rewrite it as a different issue (keeping the file name)
            _, data = make_issue_file(rng, layout, rng.randint(0, 10**6), used)
        with open(p, 'wb') as f:
            f.write(data)
        touched.append(p)
    for p in dele:
        if use_git:
            run('git', 'rm', '-q', '--', p)
        else:
            os.remove(p)
    for p in ren:
        d, name = os.path.split(p)
        r = rng.random()
        if layout == 'states':
            rel = os.path.relpath(p, root)
            parts = rel.split(os.sep)
            newdir = os.path.join(root, rng.choice(STATE_ROOTS), *parts[1:-1])
            newname = name
        elif r < 0.5:
            newdir = os.path.join(root, rng.choice(MILESTONES + ['backlog']))
            newname = name
        else:
            newdir = d
            newname = name[:-3] + '-renamed.md'
        q = norm(os.path.join(newdir, newname))
        if q == p or os.path.exists(q):
            continue
        os.makedirs(newdir, exist_ok=True)
        if use_git:
            run('git', 'mv', '--', p, q)
        else:
            os.rename(p, q)
        if rng.random() < 0.3:
            with open(q, 'ab') as f:
                f.write(b'\nmoved\n')
            touched.append(q)
    for i in range(k_add):
        rel, data = make_issue_file(rng, layout, 100000 + rng.randint(0, 10**6), used)
        q = norm(os.path.join(root, rel))
        if os.path.exists(q):
            continue
        write(root, rel, data)
        touched.append(q)
    if use_git and touched:
        subprocess.run(['git', 'add', '--'] + sorted(set(touched)), check=True)


def main(argv):
    opts = {'seed': '0', 'count': '100', 'root': None, 'layout': 'roadmap-cli',
            'modify': '10', 'delete': '3', 'rename': '3', 'add': '5'}
    flags = set()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('--mutate', '--git'):
            flags.add(a[2:])
        elif a.startswith('--') and '=' in a:
            k, v = a[2:].split('=', 1)
            opts[k] = v
        elif a.startswith('--') and a[2:] in opts:
            opts[a[2:]] = argv[i + 1]
            i += 1
        else:
            sys.stderr.write(__doc__)
            return 129
        i += 1
    if opts['root'] is None or opts['layout'] not in ('roadmap-cli', 'backlog', 'states'):
        sys.stderr.write(__doc__)
        return 129
    if 'mutate' in flags:
        mutate(opts['seed'], opts['root'], opts['layout'], 'git' in flags,
               int(opts['modify']), int(opts['delete']), int(opts['rename']),
               int(opts['add']))
    else:
        generate(opts['seed'], int(opts['count']), opts['root'], opts['layout'])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""gen-simple.py DIR N SEED: N issue files for lib/issue.c's fast path.

Each file is built from the shapes the fast path reads (top-level
"key: value" lines, "[]", "{}", blocks of "- item" or "key: value" lines),
but about half get values or lines it must refuse: ": " or " #" in a plain
scalar, indicators, escapes, multi-line scalars, odd indents, blank lines,
tabs, non-ASCII, duplicate keys, bad ids. Prints how many files were built
only from what it reads (each must take the fast path).
"""
import os
import random
import sys

SAFE_KEYS = ["id", "title", "status", "labels", "a.b", "x_y", "k-1", "_p", "due_date", "N2"]
SAFE_PLAIN = ["fix", "Fix the parser, it's slow", "2024-01-02", "2023-11-16T15:13:20+00:00",
              "http://example.com/a?b=1", "a:b", "-5", ".5", "~", "null", "NULL", "true", "0x1F",
              "6.9", "a - b", "x [y] and {z}", "(draft)", "$HOME", "+1", "/abs/path", "x'y", 'x"y',
              "~/.config", "_under", "a,b", "C#", "issue#12"]
SAFE_QUOTED = ["'a'", "'it''s'", "''", '""', '"plain double"', "'not # a comment'",
               "'a: b'", '"[x]"', "'  spaced  '", "'\\'"]
BAD_PLAIN = ["a: b", "a:", "a #b", "#x", "- x", "-", "?x", "? x", "[a]", "{a: 1}", "[a, b]",
             "&x y", "*x", "!x y", "!!str 1", "|", ">", "%x", "@x", "`x", "'open", '"open',
             '"esc\\n"', '"a\\"b"', "'a'b'", "--x", "...", "---", ":x", ",x", "]", "}",
             "caf\u00e9", "\u2028", "a\tb", "x # c", "'q' trailing", "- - x"]
BAD_LINES = ["", "  ", "# comment", "\tk: v", "  continued", "? complex", "--- x", "...",
             "%YAML 1.2", "- stray"]
IDS_BAD = ["a/b", "..", ".", "''"]


def value(rng, bad):
    if bad and rng.random() < 0.3:
        return rng.choice(BAD_PLAIN)
    v = rng.choice(SAFE_PLAIN + SAFE_QUOTED)
    if rng.random() < 0.1:
        v += "   "
    return v


def build(rng, bad):
    lines, keys = [], rng.sample(SAFE_KEYS, rng.randint(1, len(SAFE_KEYS)))
    if bad and rng.random() < 0.2:
        keys.append(rng.choice(keys))		# a duplicate
    for k in keys:
        shape = rng.random()
        if k == "id":
            if bad and rng.random() < 0.3:
                lines.append("id: " + rng.choice(IDS_BAD + ["[1]", ""]))
            else:
                lines.append("id: " + rng.choice(["A-1", "'T-2'", "~", "0123", "x y"]))
        elif shape < 0.5:
            lines.append("%s: %s" % (k, value(rng, bad)))
        elif shape < 0.6:
            lines.append("%s: %s" % (k, rng.choice(["[]", "{}", "[] ", ""])))
        elif shape < 0.8:
            ind = rng.choice([0, 2, 4])
            lines.append(k + ":")
            for _ in range(rng.randint(1, 4)):
                lines.append(" " * ind + "- " + value(rng, bad))
                if bad and rng.random() < 0.1:
                    lines.append(" " * (ind + rng.choice([1, 2])) + "more")
        else:
            ind = rng.choice([2, 4])
            lines.append(k + ":")
            for sub in rng.sample(["github", "jira", "x.y", "k_2"], rng.randint(1, 4)):
                pad = ind + (rng.choice([1, -1]) if bad and rng.random() < 0.1 else 0)
                lines.append(" " * pad + "%s: %s" % (sub, value(rng, bad)))
        if bad and rng.random() < 0.1:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(BAD_LINES))
    return "---\n" + "\n".join(lines) + "\n---\nbody: text\n"


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    simple = 0
    for i in range(n):
        bad = rng.random() < 0.5
        text = build(rng, bad)
        simple += not bad
        with open(os.path.join(out, "%05d.md" % i), "w", encoding="utf-8") as f:
            f.write(text)
    print(simple)


main()

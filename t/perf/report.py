#!/usr/bin/env python3
"""Print the table for one N from the rows file written by t/perf/run.sh.

rows file: tab-separated lines
  kind  key  label  json|value  rss_kb  ref  target  note
kind: time (json = hyperfine --export-json file) | size (value = bytes)
ref: key of the row this one is divided by ("-": none)
target: "ms<X" | "ratio>=X" | "ratio<=X" | "rss<X" (MiB), comma separated, or "-"
"""
import json
import sys


def load(path):
    rows, by = [], {}
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 8:
                continue
            r = dict(zip(("kind", "key", "label", "src", "rss", "ref", "target", "note"), p))
            r["median"] = r["min"] = r["max"] = r["sd"] = None
            r["runs"] = 0
            if r["kind"] == "time":
                try:
                    res = json.load(open(r["src"]))["results"][0]
                    t = [x * 1000 for x in res["times"]]
                    r["median"] = res["median"] * 1000
                    r["min"], r["max"] = min(t), max(t)
                    r["sd"] = (res.get("stddev") or 0) * 1000
                    r["runs"] = len(t)
                except (OSError, ValueError, KeyError, IndexError, TypeError):
                    pass
            elif r["kind"] == "size":
                try:
                    r["median"] = float(r["src"])
                except ValueError:
                    pass
            r["rss_mib"] = float(r["rss"]) / 1024 if r["rss"] not in ("", "-") else None
            rows.append(r)
            by[r["key"]] = r
    return rows, by


def fmt_ms(v):
    if v is None:
        return "-"
    return "%.1f" % v if v < 100 else "%.0f" % v


def main():
    rows, by = load(sys.argv[1])
    out = []
    hdr = ("operation", "median ms", "min-max ms", "+-sd", "runs", "RSS MiB",
           "ratio", "target")
    misses = 0
    for r in rows:
        ratio = None
        refdesc = ""
        if r["ref"] != "-" and r["ref"] in by and r["median"] is not None:
            ref = by[r["ref"]]
            if ref["median"]:
                ratio = r["median"] / ref["median"]
                refdesc = " vs " + r["ref"]
        checks = []
        for t in r["target"].split(","):
            if t == "-" or not t:
                continue
            ok = None
            if t.startswith("ms<"):
                ok = r["median"] is not None and r["median"] < float(t[3:])
            elif t.startswith("ratio>="):
                ok = ratio is not None and ratio >= float(t[7:])
            elif t.startswith("ratio<="):
                ok = ratio is not None and ratio <= float(t[7:])
            elif t.startswith("rss<"):
                ok = r["rss_mib"] is not None and r["rss_mib"] < float(t[4:])
            checks.append(t + (" ok" if ok else " MISS"))
            misses += not ok
        if r["kind"] == "size":
            med = "%.2f MB" % (r["median"] / 1e6) if r["median"] is not None else "-"
            span = sd = runs = "-"
        else:
            med = fmt_ms(r["median"])
            span = "%s-%s" % (fmt_ms(r["min"]), fmt_ms(r["max"])) if r["min"] is not None else "-"
            sd = fmt_ms(r["sd"])
            runs = str(r["runs"]) if r["runs"] else "-"
            if r["median"] is None:
                med = "FAILED" if r["note"] in ("", "-") else r["note"]
        rss = "%.1f" % r["rss_mib"] if r["rss_mib"] is not None else "-"
        rat = (("%.0f" % ratio) if ratio >= 100 else ("%.3g" % ratio)) + "x" + refdesc \
            if ratio is not None else "-"
        out.append((r["label"], med, span, sd, runs, rss, rat, " ".join(checks) or "-"))
    w = [max(len(str(x[i])) for x in out + [hdr]) for i in range(len(hdr))]
    line = lambda x: "  ".join(str(x[i]).ljust(w[i]) if i in (0, 6, 7) else str(x[i]).rjust(w[i])
                               for i in range(len(x))).rstrip()
    print(line(hdr))
    print(line(tuple("-" * n for n in w)))
    for x in out:
        print(line(x))
    return misses


if __name__ == "__main__":
    main()

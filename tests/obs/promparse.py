#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# A strict parser for the Prometheus text exposition format (0.0.4), for
# the obs tests: reads a scrape on stdin; on the first violation prints it
# and exits 1; else prints {"series": {"name{labels}": value}, "types":
# {family: type}} as JSON.  Label values come back unescaped, labels in
# the order written.  Checks: HELP then TYPE once per family and before
# its samples, families contiguous, name and label syntax, the three
# escapes, no duplicate series or label, finite values, no timestamps,
# histogram buckets ascending and cumulative with +Inf equal to _count.
import json
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def die(lineno, msg):
    print("line %d: %s" % (lineno, msg))
    sys.exit(1)


def parse_labels(s, lineno):
    """s starts after '{'; returns (labels, rest after '}')."""
    labels = []
    i = 0
    while True:
        m = LABEL.match(s, i)
        if not m or m.group(0).startswith("__"):
            die(lineno, "bad label name at %r" % s[i:])
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            die(lineno, "expected =\" after %s" % name)
        i += 2
        val = []
        while True:
            if i >= len(s):
                die(lineno, "unterminated label value")
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    die(lineno, "bad escape \\%s" % nxt)
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                val.append(c)
                i += 1
        if any(n == name for n, _ in labels):
            die(lineno, "label %s twice" % name)
        labels.append((name, "".join(val)))
        if s[i:i + 1] == ",":
            i += 1
            if s[i:i + 1] == "}":
                die(lineno, "trailing comma")
            continue
        if s[i:i + 1] != "}":
            die(lineno, "expected , or } after a label")
        return labels, s[i + 1:]


def family_of(name, types):
    for sfx in ("_bucket", "_sum", "_count"):
        base = name[:-len(sfx)]
        if name.endswith(sfx) and types.get(base) == "histogram":
            return base
    return name


def main():
    text = sys.stdin.read()
    if not text.endswith("\n"):
        die(0, "no final newline")
    types, helps, done = {}, set(), set()
    series = {}
    cur = None
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        if line == "":
            die(lineno, "empty line")
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) < 4 or parts[1] not in ("HELP", "TYPE"):
                die(lineno, "stray comment %r" % line)
            kind, name, rest = parts[1], parts[2], parts[3]
            if not NAME.fullmatch(name):
                die(lineno, "bad family name %r" % name)
            if name in done or (cur is not None and cur != name and
                                (name in types or name in helps)):
                die(lineno, "family %s is not contiguous" % name)
            if cur is not None and cur != name:
                done.add(cur)
            cur = name
            if kind == "HELP":
                if name in helps or name in types:
                    die(lineno, "HELP twice or after TYPE for %s" % name)
                if re.search(r"\\[^\\n]", rest):
                    die(lineno, "bad escape in HELP")
                helps.add(name)
            else:
                if name in types:
                    die(lineno, "TYPE twice for %s" % name)
                if rest not in TYPES:
                    die(lineno, "unknown type %r" % rest)
                if any(family_of(k.split("{")[0], {name: rest}) == name
                       for k in series):
                    die(lineno, "TYPE after samples of %s" % name)
                types[name] = rest
            continue
        m = NAME.match(line)
        if not m:
            die(lineno, "bad sample name")
        name = m.group(0)
        rest = line[m.end():]
        labels = []
        if rest.startswith("{"):
            labels, rest = parse_labels(rest[1:], lineno)
        if not rest.startswith(" ") or rest[1:2] in (" ", ""):
            die(lineno, "expected one space and a value")
        fields = rest[1:].split(" ")
        if len(fields) != 1:
            die(lineno, "a timestamp or junk after the value")
        try:
            value = float(fields[0])
        except ValueError:
            die(lineno, "bad value %r" % fields[0])
        if not math.isfinite(value):
            die(lineno, "value not finite")
        fam = family_of(name, types)
        if fam != cur or fam not in types:
            die(lineno, "sample of %s outside its HELP/TYPE block" % fam)
        key = name + ("{" + ",".join('%s="%s"' % kv for kv in labels) + "}"
                      if labels else "")
        if key in series:
            die(lineno, "series twice: %s" % key)
        series[key] = value
    for fam, t in types.items():
        if t != "histogram":
            continue
        buckets = [(k, v) for k, v in series.items()
                   if k.startswith(fam + "_bucket{")]
        last_le, last = -math.inf, 0.0
        for k, v in buckets:
            le = float(re.search(r'le="([^"]*)"', k).group(1))
            if le <= last_le or v < last:
                die(0, "%s: buckets not ascending or not cumulative" % fam)
            last_le, last = le, v
        if last_le != math.inf:
            die(0, "%s: no +Inf bucket" % fam)
        if series.get(fam + "_count") != last:
            die(0, "%s: +Inf bucket is not _count" % fam)
        if fam + "_sum" not in series:
            die(0, "%s: no _sum" % fam)
    json.dump({"series": series, "types": types}, sys.stdout)


main()

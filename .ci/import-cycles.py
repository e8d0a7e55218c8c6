#!/usr/bin/env python3
"""Fails on an import cycle between the top-level modules of a crate.

For each crate root (src/, runtime/src/), every `crate::a::...` path in a file under module
`a` is an edge from that file's module to `a` (comments are skipped). Modules are the first
path component under the root (src/metrics/*.rs and src/metrics.rs are `metrics`). A cycle
is a strongly connected group of two or more modules. The ones listed in KNOWN are the
cycles the architecture issue still has to break; a new one fails CI, and so does a known
one that is gone (remove it from the list, so it cannot come back unnoticed).
"""

import os
import re
import sys

ROOTS = ["src", "runtime/src"]

# Cycles still to break, as sorted tuples of module names per crate root.
KNOWN = {
    "src": set(),
    "runtime/src": set(),
}

PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
USE_GROUP = re.compile(r"\buse\s+crate::\{([^}]*)\}", re.S)


def module_of(root, path):
    rel = os.path.relpath(path, root)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def edges(root):
    graph = {}
    for dirpath, _, files in os.walk(root):
        if "vendor" in dirpath.split(os.sep):
            continue
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            src = module_of(root, path)
            if src in ("main", "lib"):
                continue
            text = open(path, encoding="utf-8").read()
            code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
            targets = set(PATH.findall(code))
            for group in USE_GROUP.findall(code):
                targets |= {t.strip().split("::")[0] for t in group.split(",") if t.strip()}
            graph.setdefault(src, set()).update(t for t in targets if t != src)
    return graph


def cycles(graph):
    """Strongly connected components of two or more nodes (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
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
                out.append(tuple(sorted(comp)))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return set(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    failed = False
    for root in ROOTS:
        found = cycles(edges(os.path.join(repo, root)))
        for c in sorted(found - KNOWN[root]):
            print(f"{root}: import cycle between modules: {' <-> '.join(c)}")
            failed = True
        for c in sorted(KNOWN[root] - found):
            print(f"{root}: the known cycle {' <-> '.join(c)} is gone: remove it from KNOWN")
            failed = True
    if failed:
        sys.exit(1)
    known = sum(len(k) for k in KNOWN.values())
    print(f"no new import cycle between top-level modules ({known} known, listed in KNOWN)")


if __name__ == "__main__":
    main()

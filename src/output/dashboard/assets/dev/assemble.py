#!/usr/bin/env python3
"""Fills the dashboard template the way the Rust side does, to check the page by hand.

    assemble.py IN_DATA.json OUT.html    a report with IN_DATA.json embedded
    assemble.py - OUT.html               the live page (data block left `null`)

Each marker line of page.html (alone on its line) becomes the named file's contents, and
the `null` of the data block becomes the JSON text with `<` escaped as `\\u003c`, so no
`</script>` inside the data can end the block early.
"""

import json
import os
import sys

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MARKERS = {
    "/*RK6_UPLOT_CSS*/": "vendor/uPlot.min.css",
    "/*RK6_APP_CSS*/": "app.css",
    "//RK6_UPLOT_JS": "vendor/uPlot.iife.min.js",
    "//RK6_FORMAT_JS": "format.js",
    "//RK6_APP_JS": "app.js",
}
DATA_BLOCK = '<script id="rk6-data" type="application/json">null</script>'


def read(rel):
    with open(os.path.join(ASSETS, rel), encoding="utf-8") as f:
        return f.read()


def page(data_json):
    """The template with the assets inlined and `data_json` (text) in the data block."""
    lines = []
    for line in read("page.html").split("\n"):
        rel = MARKERS.get(line)
        lines.append(read(rel).rstrip("\n") if rel else line)
    html = "\n".join(lines)
    if html.count(DATA_BLOCK) != 1:
        raise SystemExit("page.html must hold the data block exactly once")
    return html.replace(DATA_BLOCK, DATA_BLOCK.replace("null", data_json.replace("<", "\\u003c")))


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    if argv[0] == "-":
        text = "null"
    else:
        with open(argv[0], encoding="utf-8") as f:
            text = json.dumps(json.load(f), separators=(",", ":"))
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write(page(text))


if __name__ == "__main__":
    main(sys.argv[1:])

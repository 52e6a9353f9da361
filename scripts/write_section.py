"""Replaces one generated section of BENCHMARKS.md, keeping the others.

Usage: write_section.py <section name> < section text
Sections sit between `<!-- begin NAME -->` and `<!-- end NAME -->`.
"""

import os
import sys

name, text = sys.argv[1], sys.stdin.read().strip()
begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
path = "BENCHMARKS.md"
document = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
block = f"{begin}\n{text}\n{end}"
if begin in document and end in document:
    head, rest = document.split(begin, 1)
    document = head + block + rest.split(end, 1)[1]
else:
    document = document.rstrip() + "\n\n" + block + "\n"
open(path, "w").write(document)

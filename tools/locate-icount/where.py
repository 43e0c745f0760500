#!/usr/bin/env python3
"""Where the locator's instructions go: adds up pcprof.c's per-address counts
per function (as linked) and per part of the locator (the innermost source
file of each address's inlining chain, from llvm-symbolizer).

    python3 tools/locate-icount/where.py ELF PCPROF_TXT FRAMES
"""
import collections
import re
import subprocess
import sys

elf, prof, frames = sys.argv[1], sys.argv[2], int(sys.argv[3])
counts = {}
for line in open(prof):
    a, c = line.split()
    if a != "other":
        counts[int(a, 16)] = int(c)

# Per function: the disassembly's symbol ranges.
dis = subprocess.run(["llvm-objdump", "-d", "--no-show-raw-insn", elf],
                     capture_output=True, text=True, check=True).stdout
per_fn = collections.Counter()
fn = None
for line in dis.splitlines():
    m = re.match(r"^([0-9a-f]+) <(.*)>:", line)
    if m:
        fn = m.group(2)
        continue
    m = re.match(r"\s*([0-9a-f]+):", line)
    if m and fn:
        per_fn[fn] += counts.get(int(m.group(1), 16), 0)

# Per part: which locator file the address's code comes from.
addrs = sorted(counts)
sym = subprocess.run(["llvm-symbolizer", "--obj=" + elf, "--inlining", "--functions=short"],
                     input="".join(f"0x{a:x}\n" for a in addrs),
                     capture_output=True, text=True, check=True).stdout
parts = collections.Counter()
for a, block in zip(addrs, sym.strip("\n").split("\n\n")):
    files = block.split("\n")[1::2]
    part = next((f.split("/")[-1].split(":")[0] for f in files if "/locate/" in f), "other")
    parts[part] += counts[a]

total = sum(counts.values())
print(f"{total / frames / 1e6:.3f}M instructions a frame over {frames} frames")
for title, table in (("per function", per_fn), ("per locator file (inlined code included)", parts)):
    print(title)
    for name, n in table.most_common(12):
        print(f"  {n / frames / 1e6:7.3f}M  {100 * n / total:5.1f}%  {name[:90]}")

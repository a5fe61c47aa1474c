"""Appends the large-n section to bench/results/peers.md: hpolab's BO step at n = 500, 1000, 2000 beside BoTorch's and Optuna's.

Ours: the `bo-scaling` rows of hpolab-bench's JSON (median CPU time of steps n ... n+20, refits included;
the 500 row, when absent there, from `boStep`). Peers: large_n.py (one step after n random observations;
wall and CPU time). Ratios are CPU time to CPU time, one thread each side.
Usage: compare_large.py OURS.json LARGE_N.json PEERS.md
"""
import json
import sys

ours = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[2]))
mine = {}
for s in (ours.get("boScaling") or {}).get("steps", []):
    mine[str(s["observations"])] = s["cpuSeconds"]["median"]
lines = ["", "One BO step at large n, 5-D (%s), one thread; hpolab: median CPU time of steps n … n+20 with refits; "
         "peers: one step after n random observations (wall / CPU):" % peers["problem"], "",
         "| n | hpolab (CPU) | BoTorch wall / CPU | Optuna GPSampler wall / CPU | CPU speed-up vs the better peer |",
         "|---|---|---|---|---|"]
for n in sorted(set(peers["botorch"]) | set(peers["optuna-gp"]), key=int):
    bt = peers["botorch"].get(n)
    og = peers["optuna-gp"].get(n)
    ours_n = mine.get(n)
    better = min(p["cpu"] for p in (bt, og) if p)
    cell = lambda p: f"{p['wall']:.2f} s / {p['cpu']:.2f} s" if p else "-"
    ratio = f"{better / ours_n:.0f}×" if ours_n else "-"
    mine_cell = f"{ours_n * 1000:.1f} ms" if ours_n else "-"
    lines.append(f"| {n} | {mine_cell} | {cell(bt)} | {cell(og)} | {ratio} |")
text = "\n".join(lines)
print(text)
open(sys.argv[3], "a").write(text + "\n")

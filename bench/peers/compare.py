"""Prints hpolab against its peers from bench/results/bench.json and bench/results/peers.json.

Per problem: our median regret at 50 evaluations against BoTorch's and Optuna's,
and the ratio to the better of BoTorch and Optuna-GP (target: <= 1.5); per n:
our BO step time against theirs, as speed-up ratios measured in the same session.
Writes bench/results/peers.md too.
"""
import json
import sys

ours = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[2]))
out = []
out.append("## hpolab vs peers (%s)" % ", ".join(f"{k} {v}" for k, v in sorted(peers["versions"].items())))
out.append("")
out.append(f"Median simple regret after {peers['budget']} evaluations over {peers['seeds']} seeds (same 10-point LHS design):")
out.append("")
names = ["botorch", "optuna-gp", "optuna-tpe", "optuna-random"]
out.append("| problem | hpolab | " + " | ".join(names) + " | hpolab / better of BoTorch and Optuna-GP |")
out.append("|---|---|" + "---|" * len(names) + "---|")
for problem, by_peer in peers["regret"].items():
    mine = ours["boStudy"]["medianRegret"].get(problem)
    cells = [f"{by_peer[p]['median']:.3g}" if p in by_peer else "-" for p in names]
    best = min(by_peer[p]["median"] for p in ("botorch", "optuna-gp") if p in by_peer)
    ratio = (mine / best) if best > 0 else float("inf") if mine > 0 else 1.0
    out.append(f"| {problem} | {mine:.3g} | " + " | ".join(cells) + f" | {ratio:.2g} |")
out.append("")
out.append("Seconds per BO step (GP fit + acquisition), 5-D, median:")
out.append("")
out.append("| n | hpolab | BoTorch | Optuna GPSampler | speed-up vs BoTorch | speed-up vs Optuna |")
out.append("|---|---|---|---|---|---|")
for step in ours["boStep"]:
    n = str(step["observations"])
    mine = step["seconds"]["median"]
    bt = peers["step_seconds"]["botorch"].get(n)
    og = peers["step_seconds"]["optuna-gp"].get(n)
    out.append(f"| {n} | {mine*1000:.2f} ms | {bt:.3f} s | {og:.3f} s | {bt/mine:.0f}× | {og/mine:.0f}× |")
text = "\n".join(out)
print(text)
open(sys.argv[3], "w").write(text + "\n")

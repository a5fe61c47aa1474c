"""Prints hpolab's TPE and CMA-ES against Optuna's TPESampler and CmaEsSampler.

Reads bench/results/baselines-ours.json (hpolab-bench baselines) and
bench/results/baselines-peers.json (baselines.py); writes bench/results/baselines.md.
Targets (issue 20): median regret at 50 evaluations <= 1.2x Optuna TPE's on Branin,
Himmelblau and Hartmann-6; CMA-ES <= 1.2x Optuna CmaEsSampler's at 100 evaluations on
Hartmann-6, Ackley-5 and Rosenbrock-5; per-step time >= 50x faster than Optuna's for both.
"""
import json
import sys

ours = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[2]))
targets = {"tpe": (50, ("branin", "himmelblau", "hartmann6")), "cmaes": (100, ("hartmann6", "ackley5", "rosenbrock5"))}
out = [f"## hpolab TPE and CMA-ES vs Optuna {peers['versions']['optuna']}", ""]
out.append(f"Median simple regret over seeds 0-{ours['seeds'] - 1} after 25 / 50 / 100 evaluations, "
           "each with its own random start-up; ratio = hpolab / Optuna at the target budget (target <= 1.2):")
out.append("")
out.append("| algorithm | function | hpolab 25 / 50 / 100 | Optuna 25 / 50 / 100 | ratio at target | met |")
out.append("|---|---|---|---|---|---|")
for alg, peer in (("tpe", "optuna-tpe"), ("cmaes", "optuna-cmaes")):
    budget, names = targets[alg]
    for fname, cell in ours["cells"][alg].items():
        theirs = peers["cells"][peer][fname]
        mine = " / ".join(f"{cell['medianRegret'][str(n)]:.3g}" for n in (25, 50, 100))
        them = " / ".join(f"{theirs['medianRegret'][str(n)]:.3g}" for n in (25, 50, 100))
        a, b = cell["medianRegret"][str(budget)], theirs["medianRegret"][str(budget)]
        ratio = a / b if b > 0 else (1.0 if a == 0 else float("inf"))
        met = ("yes" if ratio <= 1.2 else "**no**") if fname in names else "(no target)"
        out.append(f"| {alg} | {fname} | {mine} | {them} | {ratio:.2f} at {budget} | {met} |")
out.append("")
out.append("CPU time per step (ask + tell; thread CPU time, median [Q1, Q3] over every step of every run):")
out.append("")
out.append("| algorithm | hpolab | Optuna | speed-up (target >= 50x) |")
out.append("|---|---|---|---|")
for alg, peer in (("tpe", "optuna-tpe"), ("cmaes", "optuna-cmaes")):
    m, t = ours["stepCPUSeconds"][alg], peers["stepCPUSeconds"][peer]
    out.append(f"| {alg} | {m['median'] * 1e6:.1f} µs [{m['q1'] * 1e6:.1f}, {m['q3'] * 1e6:.1f}] | "
               f"{t['median'] * 1e3:.2f} ms [{t['q1'] * 1e3:.2f}, {t['q3'] * 1e3:.2f}] | {t['median'] / m['median']:.0f}× |")
text = "\n".join(out)
print(text)
open(sys.argv[3], "w").write(text + "\n")

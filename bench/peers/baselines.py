"""Optuna's TPESampler and CmaEsSampler on hpolab's analytic functions, for `make bench-peers`.

The counterpart of `hpolab-bench baselines`: the same functions (defined exactly as
hpolab's LabEvaluators/Functions), seeds 0-19, 100 evaluations, each sampler with
Optuna 5.0's defaults and `seed=s`. Start-up is each sampler's own (TPE: 10 random
trials; CmaEsSampler: 1 random trial, then CMA-ES from the centre with sigma0 =
range/6): Optuna's TPE could be given hpolab's start-up points through
enqueue_trial, but hpolab's TPE draws its own uniform start-up, so both draw their
own, independently. Records the median simple regret after 25, 50 and 100
evaluations and the thread CPU time (time.thread_time) of each step (ask, the
suggest calls and tell), over every step of every run.

This script is ours; it only imports Optuna's public API.
"""
import argparse
import json
import math
import statistics
import time
import warnings

import numpy as np

from problems import PROBLEMS, ackley

warnings.filterwarnings("ignore")


def rosenbrock(x):
    x = np.asarray(x, dtype=float)
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


FUNCTIONS = dict(PROBLEMS)
FUNCTIONS["ackley5"] = (ackley, [(-32.768, 32.768)] * 5, 0.0)        # Ackley (1987); f* = 0 at 0
FUNCTIONS["rosenbrock5"] = (rosenbrock, [(-5.0, 10.0)] * 5, 0.0)     # Rosenbrock (1960); f* = 0 at 1
CHECKPOINTS = (25, 50, 100)


def run(kind, f, bounds, budget, seed):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    sampler = optuna.samplers.TPESampler(seed=seed) if kind == "tpe" else optuna.samplers.CmaEsSampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    best, regrets_at, steps = math.inf, [], []
    for _ in range(budget):
        t0 = time.thread_time()
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        t1 = time.thread_time()
        y = f(x)
        t2 = time.thread_time()
        study.tell(trial, y)
        steps.append((t1 - t0) + (time.thread_time() - t2))
        best = min(best, y)
        regrets_at.append(best)
    return regrets_at, steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=100)
    args = parser.parse_args()
    import optuna

    result = {"versions": {"optuna": optuna.__version__}, "seeds": args.seeds, "budget": args.budget,
              "cells": {}, "stepCPUSeconds": {}}
    for kind, name in (("tpe", "optuna-tpe"), ("cmaes", "optuna-cmaes")):
        steps_all = []
        result["cells"][name] = {}
        for fname, (f, bounds, fstar) in FUNCTIONS.items():
            at = {n: [] for n in CHECKPOINTS}
            for seed in range(args.seeds):
                best_so_far, steps = run(kind, f, bounds, args.budget, seed)
                steps_all += steps
                for n in CHECKPOINTS:
                    at[n].append(best_so_far[n - 1] - fstar)
            result["cells"][name][fname] = {"medianRegret": {str(n): statistics.median(at[n]) for n in CHECKPOINTS},
                                            "regret50": at[50], "regret100": at[100]}
            print(f"{name:13s} {fname:11s} " + ", ".join(f"{n}: {statistics.median(at[n]):.3g}" for n in CHECKPOINTS), flush=True)
        q = statistics.quantiles(steps_all, n=4)
        result["stepCPUSeconds"][name] = {"median": statistics.median(steps_all), "q1": q[0], "q3": q[2]}
        print(f"{name}: median step {statistics.median(steps_all) * 1000:.2f} ms CPU", flush=True)
    json.dump(result, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()

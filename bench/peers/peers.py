"""Peer benchmarks for `make bench-peers`: BoTorch and Optuna on hpolab's problems.

Runs, for each problem of problems.PROBLEMS and each seed:
  - BoTorch: SingleTaskGP (inputs in the unit cube, outcome standardised) +
    LogExpectedImprovement, optimize_acqf(num_restarts=5, raw_samples=20) --
    the recorded runs' settings -- after the same 10-point Latin hypercube
    design hpolab uses (read from designs.json, written by hpolab-bench);
  - Optuna: GPSampler, TPESampler (both started from the same design through
    enqueue_trial) and RandomSampler;
and per-step timings (fit + acquisition) at n = 10, 50, 200, 500 observations
on a 5-D problem. Writes one JSON document to --out.

This script is ours; it only imports the peers' public APIs.
"""
import argparse
import json
import statistics
import time
import warnings

import numpy as np

from problems import PROBLEMS, STEP_PROBLEM

warnings.filterwarnings("ignore")


def unnormalise(u, bounds):
    return [lo + ui * (hi - lo) for ui, (lo, hi) in zip(u, bounds)]


def botorch_run(f, bounds, design, budget):
    import torch
    from botorch.acquisition import LogExpectedImprovement
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.models.transforms import Standardize
    from botorch.optim import optimize_acqf
    from gpytorch.mlls import ExactMarginalLogLikelihood

    torch.set_num_threads(1)
    d = len(bounds)
    X = torch.tensor(design, dtype=torch.double)
    Y = torch.tensor([[-f(unnormalise(x, bounds))] for x in design], dtype=torch.double)
    box = torch.stack([torch.zeros(d, dtype=torch.double), torch.ones(d, dtype=torch.double)])
    steps = []
    while X.shape[0] < budget:
        t0 = time.perf_counter()
        model = SingleTaskGP(X, Y, outcome_transform=Standardize(m=1))
        fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
        acq = LogExpectedImprovement(model, best_f=Y.max())
        cand, _ = optimize_acqf(acq, bounds=box, q=1, num_restarts=5, raw_samples=20)
        steps.append(time.perf_counter() - t0)
        x = cand.detach()[0]
        X = torch.cat([X, x.unsqueeze(0)])
        Y = torch.cat([Y, torch.tensor([[-f(unnormalise(x.tolist(), bounds))]], dtype=torch.double)])
    return float(-Y.max()), steps


def optuna_run(kind, f, bounds, design, budget, seed):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    if kind == "gp":
        sampler = optuna.samplers.GPSampler(seed=seed, n_startup_trials=len(design))
    elif kind == "tpe":
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=len(design))
    else:
        sampler = optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    if kind != "random":
        for u in design:
            study.enqueue_trial({f"x{i}": v for i, v in enumerate(unnormalise(u, bounds))})
    best = float("inf")
    for _ in range(budget):
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        y = f(x)
        study.tell(trial, y)
        best = min(best, y)
    return best


def step_times(reps):
    """Median seconds of one step (fit + acquisition) at n observations, 5-D."""
    import optuna
    import torch
    from botorch.acquisition import LogExpectedImprovement
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.models.transforms import Standardize
    from botorch.optim import optimize_acqf
    from gpytorch.mlls import ExactMarginalLogLikelihood

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    name, f, bounds = STEP_PROBLEM
    d = len(bounds)
    out = {"botorch": {}, "optuna-gp": {}}
    for n in (10, 50, 200, 500):
        rng = np.random.default_rng(n)
        U = rng.random((n, d))
        y = [f(unnormalise(u, bounds)) for u in U]
        X = torch.tensor(U, dtype=torch.double)
        Y = torch.tensor([[-v] for v in y], dtype=torch.double)
        box = torch.stack([torch.zeros(d, dtype=torch.double), torch.ones(d, dtype=torch.double)])
        times = []
        for _ in range(reps if n < 500 else max(2, reps // 2)):
            t0 = time.perf_counter()
            model = SingleTaskGP(X, Y, outcome_transform=Standardize(m=1))
            fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
            acq = LogExpectedImprovement(model, best_f=Y.max())
            optimize_acqf(acq, bounds=box, q=1, num_restarts=5, raw_samples=20)
            times.append(time.perf_counter() - t0)
        out["botorch"][str(n)] = statistics.median(times)

        dists = {f"x{i}": optuna.distributions.FloatDistribution(lo, hi) for i, (lo, hi) in enumerate(bounds)}
        trials = [
            optuna.trial.create_trial(params={f"x{i}": v for i, v in enumerate(unnormalise(u, bounds))},
                                      distributions=dists, value=v)
            for u, v in zip(U, y)
        ]
        times = []
        for rep in range(reps if n < 500 else max(2, reps // 2)):
            study = optuna.create_study(direction="minimize", sampler=optuna.samplers.GPSampler(seed=rep))
            study.add_trials(trials)
            t0 = time.perf_counter()
            trial = study.ask(fixed_distributions=dists)
            times.append(time.perf_counter() - t0)
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        out["optuna-gp"][str(n)] = statistics.median(times)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--designs", required=True, help="designs.json written by hpolab-bench")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--peers", default="botorch,optuna-gp,optuna-tpe,optuna-random")
    args = parser.parse_args()
    designs = json.load(open(args.designs))
    peers = args.peers.split(",")
    import botorch
    import optuna
    import torch

    result = {"versions": {"botorch": botorch.__version__, "optuna": optuna.__version__, "torch": torch.__version__},
              "seeds": args.seeds, "budget": args.budget, "regret": {}, "bo_step_seconds": {}}
    for name, (f, bounds, fstar) in PROBLEMS.items():
        result["regret"][name] = {}
        for peer in peers:
            regrets, steps = [], []
            for seed in range(args.seeds):
                design = designs[name][str(seed)]
                if peer == "botorch":
                    best, s = botorch_run(f, bounds, design, args.budget)
                    steps += s
                else:
                    best = optuna_run(peer.split("-")[1], f, bounds, design, args.budget, seed)
                regrets.append(best - fstar)
            result["regret"][name][peer] = {"median": statistics.median(regrets), "all": regrets}
            print(f"{name:11s} {peer:14s} median regret {statistics.median(regrets):.3g}", flush=True)
    result["step_seconds"] = step_times(args.reps)
    print(json.dumps(result["step_seconds"], indent=1), flush=True)
    json.dump(result, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()

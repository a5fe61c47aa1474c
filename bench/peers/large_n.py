"""One BO step of BoTorch and Optuna's GPSampler at large n (issue 15), for `make bench-peers`.

For n = 500, 1000, 2000 random observations of the 5-D step problem (problems.STEP_PROBLEM),
times one step -- BoTorch: fit SingleTaskGP + optimize_acqf(LogEI, 5 restarts, 20 raw samples);
Optuna: GPSampler's ask after add_trials -- in wall time and in CPU time of this process
(time.process_time), with one torch thread. Repetitions: --reps at 500 and 1000, one at 2000.
Writes one JSON document to --out. Kept apart from peers.py (which other peers extend).

This script is ours; it only imports the peers' public APIs.
"""
import argparse
import json
import statistics
import time
import warnings

import numpy as np

from problems import STEP_PROBLEM

warnings.filterwarnings("ignore")


def unnormalise(u, bounds):
    return [lo + ui * (hi - lo) for ui, (lo, hi) in zip(u, bounds)]


def timed(body):
    w0, c0 = time.perf_counter(), time.process_time()
    body()
    return time.perf_counter() - w0, time.process_time() - c0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--sizes", default="500,1000,2000")
    args = parser.parse_args()
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
    out = {"problem": name, "botorch": {}, "optuna-gp": {}}
    for n in [int(s) for s in args.sizes.split(",")]:
        reps = 1 if n >= 2000 else args.reps
        rng = np.random.default_rng(n)
        U = rng.random((n, d))
        y = [f(unnormalise(u, bounds)) for u in U]
        X = torch.tensor(U, dtype=torch.double)
        Y = torch.tensor([[-v] for v in y], dtype=torch.double)
        box = torch.stack([torch.zeros(d, dtype=torch.double), torch.ones(d, dtype=torch.double)])

        def botorch_step():
            model = SingleTaskGP(X, Y, outcome_transform=Standardize(m=1))
            fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
            acq = LogExpectedImprovement(model, best_f=Y.max())
            optimize_acqf(acq, bounds=box, q=1, num_restarts=5, raw_samples=20)

        runs = [timed(botorch_step) for _ in range(reps)]
        out["botorch"][str(n)] = {"wall": statistics.median(r[0] for r in runs),
                                  "cpu": statistics.median(r[1] for r in runs), "reps": reps}
        print(f"botorch   n={n}: {out['botorch'][str(n)]}", flush=True)

        dists = {f"x{i}": optuna.distributions.FloatDistribution(lo, hi) for i, (lo, hi) in enumerate(bounds)}
        trials = [optuna.trial.create_trial(params={f"x{i}": v for i, v in enumerate(unnormalise(u, bounds))},
                                            distributions=dists, value=v) for u, v in zip(U, y)]
        runs = []
        for rep in range(reps):
            study = optuna.create_study(direction="minimize", sampler=optuna.samplers.GPSampler(seed=rep))
            study.add_trials(trials)
            holder = {}
            runs.append(timed(lambda: holder.setdefault("t", study.ask(fixed_distributions=dists))))
            study.tell(holder["t"], state=optuna.trial.TrialState.FAIL)
        out["optuna-gp"][str(n)] = {"wall": statistics.median(r[0] for r in runs),
                                    "cpu": statistics.median(r[1] for r in runs), "reps": reps}
        print(f"optuna-gp n={n}: {out['optuna-gp'][str(n)]}", flush=True)
    json.dump(out, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the Optuna test fixture of docs/importing.md: a small Optuna RDB storage in SQLite and the same trials as CSV.

Run with the peers' venv (Optuna 5.0.0):
    ~/.cache/hpolab/venv-peers/bin/python scripts/make_optuna_fixture.py Tests/Fixtures/optuna

Study "lora-demo": 24 completed trials of a made-up LoRA response surface over the seed's five parameters
(lora_rank, lora_alpha int; lora_dropout float; learning_rate, weight_decay log-float), three objectives named
hellaswag.acc, hellaswag.acc_norm, mmlu.acc (maximised, Study.set_metric_names), their standard errors as user
attributes NAME_stderr, sequential trials of 20 to 40 minutes; plus 2 FAIL and 1 PRUNED trial.
Study "lora-tiny": 6 completed trials of the same surface (fewer than the surrogate's 10-trial minimum).
The storage is vacuumed to 512-byte pages to keep it a few KB. The script prints the figures the tests pin.
"""
import csv
import datetime
import math
import os
import random
import sqlite3
import sys

import optuna
from optuna.distributions import FloatDistribution, IntDistribution
from optuna.trial import FrozenTrial, TrialState

DISTRIBUTIONS = {
    "lora_rank": IntDistribution(2, 64),
    "lora_alpha": IntDistribution(1, 64),
    "lora_dropout": FloatDistribution(0.0, 0.5),
    "learning_rate": FloatDistribution(1e-6, 1e-2, log=True),
    "weight_decay": FloatDistribution(1e-5, 1e-1, log=True),
}
METRICS = ["hellaswag.acc", "hellaswag.acc_norm", "mmlu.acc"]


def surface(p, rng):
    """Made-up accuracies: best near learning rate 3e-4 and a moderate rank, plus noise."""
    lr = math.log10(p["learning_rate"])
    bump = math.exp(-((lr + 3.5) ** 2) / 0.8) * (0.8 + 0.2 * math.exp(-((p["lora_rank"] - 24) / 30.0) ** 2))
    acc = 0.25 + 0.2 * bump - 0.05 * p["lora_dropout"] + rng.gauss(0, 0.004)
    norm = acc + 0.05 * bump + rng.gauss(0, 0.004)
    mmlu = 0.23 + 0.1 * bump + rng.gauss(0, 0.004)
    return [acc, norm, mmlu]


def draw(rng):
    return {
        "lora_rank": rng.randint(2, 64),
        "lora_alpha": rng.randint(1, 64),
        "lora_dropout": rng.uniform(0.0, 0.5),
        "learning_rate": 10 ** rng.uniform(-6, -2),
        "weight_decay": 10 ** rng.uniform(-5, -1),
    }


def add_study(storage, name, completed, failed, pruned, rng, rows):
    study = optuna.create_study(study_name=name, storage=storage, directions=["maximize"] * 3)
    study.set_metric_names(METRICS)
    clock = datetime.datetime(2026, 1, 5, 9, 0, 0)
    states = [TrialState.COMPLETE] * completed + [TrialState.FAIL] * failed + [TrialState.PRUNED] * pruned
    rng.shuffle(states)
    if states[0] != TrialState.COMPLETE:  # the first trial completes: it fixes the parameter order
        i = states.index(TrialState.COMPLETE)
        states[0], states[i] = states[i], states[0]
    for number, state in enumerate(states):
        params = draw(rng)
        minutes = rng.randint(20, 40)
        start = clock + datetime.timedelta(seconds=rng.randint(5, 60))
        end = start + datetime.timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        clock = end
        values = surface(params, rng) if state == TrialState.COMPLETE else None
        attrs = {f"{m}_stderr": 0.0043 + 0.0001 * rng.random() for m in METRICS} if values else {}
        study.add_trial(FrozenTrial(
            number=number, state=state, value=None, values=values, datetime_start=start, datetime_complete=end,
            params=params, distributions=DISTRIBUTIONS, user_attrs=attrs, system_attrs={}, intermediate_values={},
            trial_id=number))
        rows.append({
            "study": name, "number": number, "state": state.name, **params,
            **{m: (v if values else "") for m, v in zip(METRICS, values or [None] * 3)},
            **{m: (attrs[m] if attrs else "") for m in (f"{x}_stderr" for x in METRICS)},
            "start": start.strftime("%Y-%m-%d %H:%M:%S"), "end": end.strftime("%Y-%m-%d %H:%M:%S"),
        })
    return study


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/optuna"
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "lora-study.sqlite")
    if os.path.exists(path):
        os.remove(path)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(f"sqlite:///{path}")
    rng = random.Random(16)
    rows = []
    demo = add_study(storage, "lora-demo", 24, 2, 1, rng, rows)
    add_study(storage, "lora-tiny", 6, 0, 0, rng, rows)
    storage.engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size = 512")
    con.execute("VACUUM")
    con.close()
    # The same lora-demo trials as CSV, with the spreadsheet's own column names (mapped with --column).
    headers = {"lora_rank": "rank", "learning_rate": "lr"}
    with open(os.path.join(out, "lora-demo.csv"), "w", newline="") as f:
        fields = ["number", "state", "lora_rank", "lora_alpha", "lora_dropout", "learning_rate", "weight_decay", *METRICS, *(f"{x}_stderr" for x in METRICS), "start", "end"]
        w = csv.writer(f)
        w.writerow([headers.get(x, x) for x in fields])
        for r in rows:
            if r["study"] == "lora-demo":
                w.writerow([repr(r[x]) if isinstance(r[x], float) else r[x] for x in fields])
    # Figures the tests compare with (printed by Python from the stored study, not by hpolab).
    done = [t for t in demo.get_trials() if t.state == TrialState.COMPLETE]
    best = max(done, key=lambda t: t.values[0])
    first = done[0]
    print(f"{os.path.getsize(path)} bytes; lora-demo: {len(done)} complete of {len(demo.get_trials())}")
    print(f"trial {first.number}: params {first.params} values {[repr(v) for v in first.values]}")
    print(f"trial {first.number}: duration {(first.datetime_complete - first.datetime_start).total_seconds()} s")
    print(f"best hellaswag.acc {best.values[0]!r} at trial {best.number}")
    print(f"sum of hellaswag.acc {math.fsum(t.values[0] for t in done)!r}")
    print(f"alembic version {sqlite3.connect(path).execute('SELECT version_num FROM alembic_version').fetchone()[0]}")


if __name__ == "__main__":
    main()

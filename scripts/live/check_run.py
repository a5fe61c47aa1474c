#!/usr/bin/env python3
"""Checks that a live run landed in hpolab's SQLite database (validate-live only).

usage: check_run.py DB RUN_ID MIN_COMPLETED
Every trial of the run must be completed or failed (none running or interrupted), at least
MIN_COMPLETED completed, each completed one with hellaswag.acc and mmlu.acc metrics, positive
training and evaluation durations and a trainable-parameter count in its info.
"""
import json
import sqlite3
import sys


def main():
    db, run, minimum = sys.argv[1], sys.argv[2], int(sys.argv[3])
    con = sqlite3.connect(db)
    rows = con.execute("SELECT position, trial, state, training_seconds, evaluation_seconds, failure_code, info "
                       "FROM run_trials WHERE run_id = ? ORDER BY position", (run,)).fetchall()
    problems = []
    completed = 0
    for position, trial, state, train, evaluation, failure, info in rows:
        metrics = dict(con.execute("SELECT name, value FROM run_metrics WHERE run_id = ? AND position = ?",
                                   (run, position)).fetchall())
        info = json.loads(info)
        print(f"trial {trial}: {state} {failure or ''} train {train:.1f} s eval {evaluation:.1f} s "
              f"hellaswag.acc={metrics.get('hellaswag.acc')} trainable={info.get('live.trainable_parameters')}")
        if state == "completed":
            completed += 1
            for name in ("hellaswag.acc", "hellaswag.acc_norm", "mmlu.acc"):
                if name not in metrics:
                    problems.append(f"trial {trial}: no {name}")
            if not (train > 0 and evaluation > 0):
                problems.append(f"trial {trial}: durations {train}, {evaluation}")
            if not info.get("live.trainable_parameters"):
                problems.append(f"trial {trial}: no trainable-parameter count")
        elif state != "failed":
            problems.append(f"trial {trial}: state {state}")
    if completed < minimum:
        problems.append(f"{completed} completed trials, expected at least {minimum}")
    for p in problems:
        print("PROBLEM:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# make validate-live: a real, tiny, CPU-only live run with litgpt 0.5.13 (not part of make test / CI).
#
# 1. a throw-away virtual environment .venv-live/ (git-ignored) with the pinned stack:
#    torch (CPU: a local wheel if one is found or $TORCH_WHEEL, else the PyTorch CPU index),
#    litgpt 0.5.13, lm_eval 0.4.9, transformers 4.56.2, datasets 3.6.0
# 2. a tiny checkpoint, tokenizer, dataset and local lm-eval tasks (scripts/live/make_fixture.py)
# 3. hpolab live: LHS, 4 trials, 2 CPU workers, 10 fine-tuning steps each, offline
# Set HPOLAB=/path/to/hpolab to use an existing binary instead of a release build.
# 4. checks: trials, metrics, durations in the database (scripts/live/check_run.py); the export
#    re-imports with `hpolab traces import`; the run resumes as a no-op
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-live"
WORK="$VENV/work"
PY="$VENV/bin/python"
BUDGET="${BUDGET:-4}"

step() { printf '\n== %s\n' "$*"; }

step "virtual environment $VENV"
[[ -x "$PY" ]] || python3 -m venv "$VENV"
"$PY" -m pip install --quiet --upgrade pip

if ! "$PY" -c "import torch" 2>/dev/null; then
  wheel="${TORCH_WHEEL:-}"
  if [[ -z "$wheel" ]]; then
    wheel="$(find "$HOME/.cache" /opt /work/.library /tmp -maxdepth 4 -name 'torch-*cpu*.whl' 2>/dev/null | head -n 1 || true)"
  fi
  if [[ -n "$wheel" ]]; then
    step "torch from the local wheel $wheel"
    "$PY" -m pip install --quiet "$wheel"
  else
    step "torch (CPU) from the PyTorch CPU index"
    "$PY" -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
  fi
fi

step "pinned litgpt stack"
"$PY" -m pip install --quiet 'litgpt==0.5.13' 'lm_eval==0.4.9' 'transformers==4.56.2' 'datasets==3.6.0' tokenizers
"$VENV/bin/litgpt" --help >/dev/null

step "tiny checkpoint, data and local tasks in $WORK"
"$PY" "$ROOT/scripts/live/make_fixture.py" --out "$WORK" --install-tasks

if [[ -z "${HPOLAB:-}" ]]; then
  step "hpolab (release build)"
  (cd "$ROOT" && swift build -c release --product hpolab >/dev/null)
  HPOLAB="$(cd "$ROOT" && swift build -c release --show-bin-path)/hpolab"
fi
echo "hpolab: $HPOLAB"

DB="$WORK/live.sqlite"
RUN="validate"
LIVE=(
  "$HPOLAB" live --algorithm lhs --workers 2 --gpus-per-trial 0 --budget "$BUDGET" --seed 3
  --checkpoint "$WORK/checkpoint" --data "$WORK/data" --tasks hellaswag,mmlu --metric hellaswag.acc
  --litgpt "$VENV/bin/litgpt" --db "$DB" --run-dir "$WORK/runs/$RUN" --run-id "$RUN"
  --max-steps 10 --warmup-steps 2 --trial-timeout 15 --eval-batch-size 4
  --finetune-arg --train.micro_batch_size --finetune-arg 2
  --finetune-arg --train.global_batch_size --finetune-arg 4
  --finetune-arg --eval.max_iters --finetune-arg 2
  --finetune-arg --eval.max_new_tokens --finetune-arg 5
)

step "dry run"
"${LIVE[@]}" --dry-run

step "live run ($BUDGET trials, 2 CPU workers)"
start=$(date +%s)
OMP_NUM_THREADS=1 "${LIVE[@]}"
echo "wall clock: $(( $(date +%s) - start )) s"

step "database check"
"$PY" "$ROOT/scripts/live/check_run.py" "$DB" "$RUN" "$BUDGET"

step "export and re-import"
"$HPOLAB" live export "$RUN" --db "$DB" >"$WORK/live_validate_bis.json"
rm -f "$WORK/reimport.sqlite"
"$HPOLAB" traces import "$WORK/live_validate_bis.json" --db "$WORK/reimport.sqlite"
"$HPOLAB" traces list --db "$WORK/reimport.sqlite"

step "resume of a finished run launches nothing"
"${LIVE[@]}" | tee "$WORK/resume.txt"
grep -q "run $RUN: $BUDGET completed" "$WORK/resume.txt" || { echo "resume changed the run"; exit 1; }

step "validate-live passed"

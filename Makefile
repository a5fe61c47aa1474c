# hpolab — build, test and demo entry points.
#
#   make demo    import the recorded traces and show them (later issues extend it)
#   make test    everything CI runs (.ci/run calls this)
#
# Both install what they need first (make deps, make traces), so that a fresh
# Debian machine, or CI running as root on a new clone, needs nothing else.
# Other targets (bench, validate-live, ...) are appended by later issues:
# keep each target small and say in a comment what it does.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

SWIFT        ?= swift
DB           ?= lab.sqlite
# The recorded A100 traces: read from the shared folder beside the project,
# copied into the git-ignored traces/a100/ (never committed).
SHARED_TRACES ?= ../shared/traces/a100
TRACES_REPO   := https://github.com/Kiwy3/BO_PBO_HPO_LLM
TRACES_COMMIT := 121f8a2145fc673204f27aafc111ea01915c4eb9
TRACE_FILES   := lhs bo soo lhs_bis bo_bis soo_bis bamsoo_bis
# gnuplot-nox: gnuplot without the Qt/X11 front ends (any installed gnuplot command will do).
DEB_PACKAGES  := libsqlite3-dev gnuplot-nox
# hpolab links no BLAS (LabNumerics has its own kernels); the peer benchmarks' numpy/torch do: one thread each.
export OPENBLAS_NUM_THREADS := 1

# Where SwiftPM builds (override to build beside another checkout's build, e.g. BUILD_DIR=.build-me).
BUILD_DIR ?= .build
HPOLAB := $(BUILD_DIR)/release/hpolab

.PHONY: all deps traces build test demo clean

all: build

## deps: install the missing Debian packages (as root), or print the exact command and fail.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  if [ "$$p" = gnuplot-nox ] && command -v gnuplot >/dev/null 2>&1; then continue; fi; \
	  dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "Missing Debian packages:$$missing. Install them with:" >&2; \
	  echo "  sudo apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi; \
	echo "Installing$$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing

## traces: copy the 7 recorded trace files into traces/a100/ (from ../shared, else a clone of the public repository).
traces: $(TRACE_FILES:%=traces/a100/%.json)

traces/a100/%.json:
	@mkdir -p traces/a100
	@if [ -f "$(SHARED_TRACES)/$*.json" ]; then \
	  cp "$(SHARED_TRACES)/$*.json" "$@"; \
	else \
	  tmp=$$(mktemp -d); \
	  if GIT_TERMINAL_PROMPT=0 git clone -q "$(TRACES_REPO)" "$$tmp/repo" 2>/dev/null \
	     && git -C "$$tmp/repo" -c advice.detachedHead=false checkout -q "$(TRACES_COMMIT)"; then \
	    cp "$$tmp/repo/computation_experiments/results/$*.json" "$@"; rm -rf "$$tmp"; \
	  else \
	    rm -rf "$$tmp"; \
	    echo "Cannot find $*.json: not in $(SHARED_TRACES), and cloning $(TRACES_REPO) failed." >&2; \
	    echo "The data is public (MIT, (c) 2025 Nathan Davouse): folder computation_experiments/results/" >&2; \
	    echo "of $(TRACES_REPO) at commit $(TRACES_COMMIT). Copy the 7 files into traces/a100/." >&2; \
	    exit 1; \
	  fi; \
	fi

## build: release build of the hpolab tool.
build: deps
	$(SWIFT) build --scratch-path $(BUILD_DIR) -c release --product hpolab

## slurm-deps: Debian's slurm-wlm and munge for the SLURM tests (a throw-away single-node cluster,
## scripts/slurm/); installed as root, else the tests are skipped with a printed reason.
SLURM_PACKAGES := slurm-wlm munge
.PHONY: slurm-deps
slurm-deps:
	@missing=""; \
	for p in $(SLURM_PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "SLURM tests will be skipped: install$$missing with sudo apt-get install -y --no-install-recommends$$missing" >&2; \
	  exit 0; \
	fi; \
	echo "Installing$$missing (SLURM tests)"; \
	DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

## test: build and run every test (what CI runs). As root the SLURM tests must run (HPOLAB_REQUIRE_SLURM=1).
## The live-mode suites measure wall-clock behaviour (time-outs, signals, SLURM job steps): they run in a
## second, serial pass, because on 2 cores the other suites' blocking waits on child processes hold
## Swift's cooperative threads and delay the live tests' timers by tens of seconds.
LIVE_SUITES := LabLiveTests\.|HpolabCLITests\.(LiveRobustnessTests|LiveCLITests|SlurmTests)
test: deps traces slurm-deps
	$(SWIFT) build --scratch-path $(BUILD_DIR) --build-tests
	$(SWIFT) test --scratch-path $(BUILD_DIR) --skip-build --skip '$(LIVE_SUITES)'
	HPOLAB_REQUIRE_SLURM=$$([ "$$(id -u)" -eq 0 ] && echo 1 || echo 0) \
	  $(SWIFT) test --scratch-path $(BUILD_DIR) --skip-build --no-parallel --filter '$(LIVE_SUITES)'

## demo: import the recorded traces into $(DB) and list them and their campaigns (campaigns/*.toml).
demo: deps traces build
	$(HPOLAB) traces import --db $(DB)
	$(HPOLAB) traces list --db $(DB)
	$(HPOLAB) campaign list --db $(DB)
	# Studies (issue 7): resumable, so a rerun only computes what is missing.
	mkdir -p reports
	$(HPOLAB) study run studies/paper.toml --db $(DB)
	$(HPOLAB) study run studies/scaling.toml --db $(DB)
	$(HPOLAB) study report paper --db $(DB) --out reports/paper.md
	$(HPOLAB) study report paper --db $(DB) --format csv --out reports/paper.csv
	$(HPOLAB) study report scaling --db $(DB) --out reports/scaling.md
	$(HPOLAB) study report scaling --db $(DB) --format csv --out reports/scaling.csv
	@echo "Study reports: reports/paper.md, reports/scaling.md (CSV beside them)"
	# Figures (issue 8): FIGURE.png beside FIGURE.dat and FIGURE.gp; every rendered path is printed.
	$(HPOLAB) plot all --study paper --db $(DB) --out plots/paper
	$(HPOLAB) plot all --study scaling --db $(DB) --out plots/scaling
	$(HPOLAB) plot scores --traces traces/a100 --out plots/recorded

## clean: remove build products, the demo database and the copied traces.
clean:
	rm -rf $(BUILD_DIR) traces/a100 $(DB)

## validate-live: a real, tiny live run with litgpt 0.5.13 on 2 CPU workers in a throw-away
## virtual environment (.venv-live/, git-ignored); needs the network once. Not part of test/CI.
.PHONY: validate-live
validate-live: deps
	scripts/live/validate.sh

## bench: release benchmarks (BO step, BaMSOO, engine, surrogate, BO study, the two shipped studies)
## written to bench/results/bench.{json,md} (git-ignored). Never part of test/CI.
.PHONY: bench bench-peers
BENCH := $(BUILD_DIR)/release/hpolab-bench
bench: deps traces
	$(SWIFT) build --scratch-path $(BUILD_DIR) -c release --product hpolab-bench
	$(BENCH)

## bench-peers: the same problems with BoTorch and Optuna in a throw-away virtual environment
## outside the repository ($(PEERS_VENV)), then hpolab vs peers side by side (bench/results/peers.md).
PEERS_VENV ?= $(HOME)/.cache/hpolab/venv-peers
TORCH_WHEEL := $(firstword $(wildcard /opt/wheels/torch-*+cpu-*.whl))
bench-peers: deps traces
	$(SWIFT) build --scratch-path $(BUILD_DIR) -c release --product hpolab-bench
	@if [ ! -x "$(PEERS_VENV)/bin/python" ]; then \
	  python3 -m venv "$(PEERS_VENV)"; \
	  if [ -n "$(TORCH_WHEEL)" ]; then "$(PEERS_VENV)/bin/pip" install -q "$(TORCH_WHEEL)"; \
	  else echo "no local CPU torch wheel in /opt/wheels: pip will fetch torch from PyPI (several GB with CUDA)"; \
	       "$(PEERS_VENV)/bin/pip" install -q torch==2.13.0; fi; \
	  "$(PEERS_VENV)/bin/pip" install -q -r bench/peers/requirements.txt; \
	fi
	mkdir -p bench/results
	$(BENCH) designs bench/results/designs.json
	$(BENCH) bo-step bo-study --out=bench/results/ours-for-peers.json
	cd bench/peers && "$(PEERS_VENV)/bin/python" peers.py --designs ../results/designs.json --out ../results/peers.json
	"$(PEERS_VENV)/bin/python" bench/peers/compare.py bench/results/ours-for-peers.json bench/results/peers.json bench/results/peers.md
	# BO at large n (issue 15): our CPU time per step at n = 500 … 2000 beside one BoTorch / Optuna step.
	$(BENCH) bo-scaling --out=bench/results/ours-large-n.json
	cd bench/peers && "$(PEERS_VENV)/bin/python" large_n.py --out ../results/peers-large-n.json
	"$(PEERS_VENV)/bin/python" bench/peers/compare_large.py bench/results/ours-large-n.json bench/results/peers-large-n.json bench/results/peers.md
	# TPE and CMA-ES against Optuna's TPESampler and CmaEsSampler (issue 20).
	$(BENCH) baselines bench/results/baselines-ours.json
	cd bench/peers && "$(PEERS_VENV)/bin/python" baselines.py --out ../results/baselines-peers.json
	"$(PEERS_VENV)/bin/python" bench/peers/compare_baselines.py bench/results/baselines-ours.json bench/results/baselines-peers.json bench/results/baselines.md

// hpolab-bench: the benchmark harness behind `make bench` (filled in by the performance issue).
print("hpolab-bench: no benchmarks yet")

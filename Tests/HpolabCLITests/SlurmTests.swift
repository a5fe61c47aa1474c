import Foundation
import Testing
import LabTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The repository root.
private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
private let fakeLitGPT = repository.appendingPathComponent("Tests/LabLiveTests/Fixtures/fake-litgpt").path

/// A single-node SLURM cluster of our own (scripts/slurm/start.sh), for one test.
///
/// When it cannot start (no slurm-wlm, not root) the test is skipped with a printed reason — unless
/// `HPOLAB_REQUIRE_SLURM=1` (set by `make test` when it can install the packages, i.e. in CI), where that is a failure.
private struct Cluster {
  let folder: URL
  let environment: [String: String]
  /// Seconds the cluster took to accept jobs.
  let startSeconds: Double

  static func start() throws -> Cluster? {
    let folder = try temporaryFolder()
    let started = Date()
    let run = try shell([repository.appendingPathComponent("scripts/slurm/start.sh").path, folder.path + "/slurm"])
    guard run.status == 0 else {
      try? FileManager.default.removeItem(at: folder)
      let reason = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      if ProcessInfo.processInfo.environment["HPOLAB_REQUIRE_SLURM"] == "1" {
        Issue.record("the SLURM test cluster did not start: \(reason)")
      } else {
        print("skipped: SLURM tests need a local cluster (\(reason)); `make test` as root installs slurm-wlm and munge")
      }
      return nil
    }
    let seconds = Date().timeIntervalSince(started)
    print("SLURM test cluster accepted jobs \(String(format: "%.1f", seconds)) s after start.sh began")
    return Cluster(folder: folder, environment: ["SLURM_CONF": folder.path + "/slurm/slurm.conf"], startSeconds: seconds)
  }

  func stop() {
    _ = try? shell([repository.appendingPathComponent("scripts/slurm/stop.sh").path, folder.path + "/slurm"])
    try? FileManager.default.removeItem(at: folder)
  }

  /// Runs a program (no shell) with the cluster's environment, in the cluster's folder.
  func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIResult {
    try shell(arguments, in: folder, environment: environment.merging(extra) { _, new in new })
  }
}

/// Runs `arguments` (through `/usr/bin/env`, so argv[0] may be a name on PATH) with `posix_spawn`, capturing the output
/// through files and reaping with `waitpid` (Foundation's `Process.waitUntilExit` would also wait for daemons it started).
private func shell(_ arguments: [String], in folder: URL? = nil, environment extra: [String: String] = [:]) throws -> CLIResult {
  let scratch = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: scratch) }
  let out = scratch.appendingPathComponent("out").path
  let err = scratch.appendingPathComponent("err").path
  let env = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
  let argv = ["/usr/bin/env"] + (folder.map { ["-C", $0.path] } ?? []) + arguments
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
  let cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer {
    for p in cArgs { free(p) }
    for p in cEnv { free(p) }
  }
  var pid: pid_t = 0
  let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
  try #require(rc == 0, "posix_spawn failed: \(rc)")
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  return CLIResult(
    status: code, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
    stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}

/// Runs blocking work on a thread of its own (keeps Swift's cooperative pool free for other tests' timers).
private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
  }
}

@Suite("SLURM for real: a single-node cluster on this machine", .serialized, .timeLimit(.minutes(3)))
struct SlurmTests {
  @Test("hpolab live --launcher slurm, W = 2 inside salloc: job steps run the trials; a time-out and an scancel are recorded with their reasons")
  func liveInsideAnAllocation() async throws {
    guard let cluster = try Cluster.start() else { return }
    defer { cluster.stop() }
    let folder = cluster.folder
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("ckpt"), withIntermediateDirectories: true)
    for file in ["model_config.yaml", "lit_model.pth"] {
      FileManager.default.createFile(atPath: folder.appendingPathComponent("ckpt/" + file).path, contents: Data())
    }
    let hpolab = try hpolabBinary().path
    let began = Date()
    // Trial 0 sleeps 120 s (scancelled below), trial 1 hangs (the 30-second time-out ends it), the others run.
    let live = Task.detached {
      try cluster.run(
        [
          "salloc", "--ntasks=2", "--quiet", "--", hpolab, "live", "--launcher", "slurm", "--algorithm", "lhs",
          "--workers", "2", "--gpus-per-trial", "0", "--checkpoint", "ckpt", "--litgpt", fakeLitGPT, "--budget", "4",
          "--db", "lab.sqlite", "--run-dir", "runs/slurm", "--grace", "1", "--trial-timeout", "0.5", "--json",
        ],
        environment: ["FAKE_LITGPT_SLEEP": "0.2", "FAKE_LITGPT_SLOW_TRIALS": "0", "FAKE_LITGPT_HANG_TRIALS": "1"])
    }
    // Wait for trial 0's job step, then cancel it as an administrator would.
    var step = ""
    for _ in 0..<250 where step.isEmpty {
      try await Task.sleep(nanoseconds: 100_000_000)
      let queue = try await offPool { try cluster.run(["squeue", "--steps", "--noheader", "--format=%i %j"]) }
      step = queue.stdout.split(separator: "\n").first { $0.hasSuffix(" hpolab-trial-0") }
        .map { String($0.split(separator: " ")[0]) } ?? ""
    }
    #expect(!step.isEmpty, "trial 0 never appeared as a job step")
    let stepID = step
    let cancel = try await offPool { try cluster.run(["scancel", stepID]) }
    #expect(cancel.status == 0, "\(cancel)")
    let result = try await live.value
    print("SLURM live test: \(String(format: "%.1f", Date().timeIntervalSince(began))) s of wall clock for 4 trials")
    #expect(result.status == 0, "\(result)")
    let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let trials = try #require(root["trials"] as? [[String: Any]])
    let byID = Dictionary(uniqueKeysWithValues: trials.compactMap { t in (t["id"] as? Int).map { ($0, t) } })
    func failure(_ id: Int) -> [String: Any]? { byID[id]?["failure"] as? [String: Any] }
    #expect(byID[0]?["state"] as? String == "failed")
    #expect(failure(0)?["code"] as? String == "killed", "\(String(describing: byID[0]))")
    #expect((failure(0)?["detail"] as? String)?.contains("cancelled by SLURM") == true, "\(String(describing: failure(0)))")
    #expect(byID[1]?["state"] as? String == "failed")
    #expect(failure(1)?["code"] as? String == "timeout", "\(String(describing: byID[1]))")
    #expect(trials.filter { $0["state"] as? String == "completed" }.count == 2, "\(result.stdout)")
    // Each trial ran as a job step of the allocation (srun's prefix is in the recorded command).
    let command = try String(contentsOf: folder.appendingPathComponent("runs/slurm/trials/trial-0002/command.json"), encoding: .utf8)
    #expect(command.contains(#""srun", "--ntasks=1""#), "\(command)")
  }

  @Test("a study as a SLURM array job of shards (the shipped sbatch template) merges into the unsharded run's database")
  func studyArrayJob() async throws {
    guard let cluster = try Cluster.start() else { return }
    defer { cluster.stop() }
    let folder = cluster.folder
    let hpolab = try hpolabBinary().path
    let study = repository.appendingPathComponent("studies/smoke.toml").path
    // The smoke study's surrogate reads the recorded traces (traces/a100): the array tasks and the whole run
    // work in the repository.
    let traces = try Fixtures.traceFolder().path
    let began = Date()
    let array = try await offPool {
      try cluster.run(
        ["sbatch", "--wait", "--array=1-3", "--quiet", "--chdir=" + repository.path, "--output=" + folder.path + "/hpolab-study-%a.log", repository.appendingPathComponent("docs/slurm/study-array.sbatch").path],
        environment: ["HPOLAB": hpolab, "STUDY": study, "SHARDS": folder.path + "/shards", "HPOLAB_TRACES": traces])
    }
    print("SLURM array test: \(String(format: "%.1f", Date().timeIntervalSince(began))) s for 3 array tasks")
    let logs = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix("hpolab-study-") }
      .compactMap { try? String(contentsOfFile: folder.path + "/" + $0, encoding: .utf8) }.joined(separator: "\n")
    #expect(array.status == 0, "\(array)\n\(logs)")
    let shards = (1...3).map { folder.path + "/shards/smoke-\($0).sqlite" }
    let merge = try await offPool { try runHpolab(["study", "merge", folder.path + "/merged.sqlite"] + shards) }
    #expect(merge.status == 0, "\(merge)")
    let whole = try await offPool { try runHpolab(["study", "run", study, "--db", folder.path + "/whole.sqlite"], in: repository, environment: ["HPOLAB_TRACES": traces]) }
    #expect(whole.status == 0, "\(whole)")
    let a = try await offPool { try runHpolab(["study", "dump", "--db", folder.path + "/whole.sqlite"]) }
    let b = try await offPool { try runHpolab(["study", "dump", "--db", folder.path + "/merged.sqlite"]) }
    #expect(!a.stdout.isEmpty && a.stdout == b.stdout)
  }
}

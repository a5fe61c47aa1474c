import Foundation
import LabCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stand-in litgpt of LabLiveTests' fixtures.
private let fakeLitGPT = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("LabLiveTests/Fixtures/fake-litgpt").path

/// A folder with a checkpoint the preflight accepts (model_config.yaml, lit_model.pth).
private func robustFolder() throws -> URL {
  let folder = try temporaryFolder()
  try FileManager.default.createDirectory(at: folder.appendingPathComponent("ckpt"), withIntermediateDirectories: true)
  for file in ["model_config.yaml", "lit_model.pth"] {
    FileManager.default.createFile(atPath: folder.appendingPathComponent("ckpt/" + file).path, contents: Data())
  }
  return folder
}

/// `hpolab live` over the stand-in litgpt, CPU workers, LHS.
private func arguments(_ folder: URL, workers: Int = 3, budget: Int = 8, runDir: String = "runs/demo") -> [String] {
  [
    "live", "--algorithm", "lhs", "--workers", String(workers), "--gpus-per-trial", "0", "--checkpoint", "ckpt",
    "--litgpt", fakeLitGPT, "--budget", String(budget), "--db", folder.appendingPathComponent("lab.sqlite").path,
    "--run-dir", runDir, "--grace", "0.5", "--seed", "3",
  ]
}

/// A background `hpolab` with its output in files, started with `posix_spawn` and reaped with `waitpid`.
///
/// (Foundation's `Process.waitUntilExit` on Linux waits for the killed hpolab's orphans too, which is what
/// these tests must not do.)
private final class Background: @unchecked Sendable {
  let pid: pid_t
  let err: URL
  init(_ arguments: [String], in folder: URL, environment extra: [String: String]) throws {
    let out = folder.appendingPathComponent("bg-\(UUID().uuidString).out")
    err = folder.appendingPathComponent("bg-\(UUID().uuidString).err")
    var env = ProcessInfo.processInfo.environment
    env.merge(extra) { _, new in new }
    // `env -C FOLDER` sets the working folder and execs hpolab in the same process.
    let argv = ["/usr/bin/env", "-C", folder.path, try hpolabBinary().path] + arguments
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    let cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for p in cArgs { free(p) }
      for p in cEnv { free(p) }
    }
    var child: pid_t = 0
    let rc = posix_spawn(&child, argv[0], &actions, nil, cArgs, cEnv)
    try #require(rc == 0, "posix_spawn failed: \(rc)")
    pid = child
  }
  var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }
  func signal(_ sig: Int32) { kill(pid, sig) }
  /// The exit status, or 128 + the signal that ended it (waited for off the cooperative pool).
  func wait() async -> Int32 {
    let pid = self.pid
    return (try? await offPool { Background.reap(pid) }) ?? -1
  }
  static func reap(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let sig = status & 0x7f
    return sig == 0 ? (status >> 8) & 0xff : 128 + sig
  }
}

/// Runs blocking work (a child's whole run, `waitpid`) on a thread of its own, so that Swift's cooperative pool —
/// two threads on a 2-core machine — stays free for the other tests' timers.
private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
  }
}

/// `runHpolab` off the cooperative pool.
private func hpolab(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) async throws -> CLIResult {
  try await offPool { try runHpolab(arguments, in: folder, environment: environment) }
}

/// The pids of live processes whose environment marks them as part of the run in `runDirectory` (Linux /proc).
private func marked(_ runDirectory: String) -> [Int32] {
  guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
  let needle = "HPOLAB_LIVE_RUN=\(runDirectory)"
  return entries.compactMap { entry -> Int32? in
    guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { return nil }
    let vars = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    return vars.contains(needle) ? pid : nil
  }
}

/// Waits until `condition` holds (polling every 50 ms) or `seconds` pass.
private func waitUntil(_ seconds: Double, _ condition: () -> Bool) async {
  let end = Date().addingTimeInterval(seconds)
  while Date() < end, !condition() { try? await Task.sleep(nanoseconds: 50_000_000) }
}

/// The trial folders (not moved aside) under `runDirectory/trials`.
private func trialFolders(_ runDirectory: String) -> [String] {
  let trials = runDirectory + "/trials"
  let names = (try? FileManager.default.contentsOfDirectory(atPath: trials)) ?? []
  return names.filter { $0.hasPrefix("trial-") && !$0.contains(".") }.sorted().map { trials + "/" + $0 }
}

/// The completed trials' points (base values) of the run printed by `--json`.
private func completedPoints(_ json: String) throws -> [[Double]] {
  let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  let trials = try #require(root["trials"] as? [[String: Any]])
  return trials.filter { ($0["state"] as? String) == "completed" }.compactMap { ($0["point"] as? [String: Any])?["base"] as? [Double] }
    .sorted { $0.lexicographicallyPrecedes($1) }
}

@Suite("hpolab live survives crashes, signals, second copies and bad inputs", .serialized, .timeLimit(.minutes(4)))
struct LiveRobustnessTests {
  @Test("SIGKILL of hpolab at several moments (W = 3), then resume: the uninterrupted run's trials, no process left, one attempt per folder")
  func sigkillAndResume() async throws {
    let folder = try robustFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let env = ["FAKE_LITGPT_SLEEP": "0.5"]
    // Reference: the same run, uninterrupted, in another run folder and database.
    let referenceDB = folder.appendingPathComponent("reference.sqlite").path
    var referenceArguments = arguments(folder, runDir: "runs/reference") + ["--json"]
    referenceArguments[referenceArguments.firstIndex(of: "--db")! + 1] = referenceDB
    let reference = try await hpolab(referenceArguments, in: folder, environment: env)
    #expect(reference.status == 0, "\(reference)")

    let runDirectory = folder.standardizedFileURL.path + "/runs/demo"
    func evaluated() -> Int {
      ((try? FileManager.default.subpathsOfDirectory(atPath: runDirectory + "/trials")) ?? [])
        .filter { $0.hasSuffix("evaluate/results.json") }.count
    }
    // Kill moments: once 1, 3 and 5 of the 8 trials have results, plus a seeded random delay of up to 0.4 s, so that
    // hpolab dies while trials fine-tune, evaluate, or are being recorded (whatever the machine's load).
    var rng = SeededGenerator(seed: 17)
    for goal in [1, 3, 5] {
      let run = try Background(arguments(folder), in: folder, environment: env)
      await waitUntil(60) { evaluated() >= goal }
      try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0..<0.4, using: &rng) * 1e9))
      run.signal(SIGKILL)
      #expect(await run.wait() == 128 + SIGKILL, "the run ended before it was killed: \(run.stderr)")
    }
    let resumed = try await hpolab(arguments(folder) + ["--json"], in: folder, environment: env)
    #expect(resumed.status == 0, "\(resumed)")
    #expect(resumed.stderr.contains("recorded as interrupted"), "\(resumed.stderr)")
    #expect(try completedPoints(resumed.stdout) == completedPoints(reference.stdout))
    #expect(try completedPoints(resumed.stdout).count == 8)
    #expect(marked(runDirectory).isEmpty, "processes of the run still alive: \(marked(runDirectory))")
    // No folder was written by two attempts: each attempts.log names one trial, one finetune and at most one evaluate.
    for trial in trialFolders(runDirectory) {
      let log = (try? String(contentsOfFile: trial + "/attempts.log", encoding: .utf8)) ?? ""
      let lines = log.split(separator: "\n")
      let id = String(Int(trial.suffix(4))!)
      #expect(lines.filter { $0.hasPrefix("finetune") }.count <= 1, "\(trial): \(log)")
      #expect(lines.filter { $0.hasPrefix("evaluate") }.count <= 1, "\(trial): \(log)")
      #expect(lines.allSatisfy { $0.contains("trial=\(id) ") }, "\(trial): \(log)")
    }
  }

  @Test("SIGHUP stops cleanly with exit 129, leaves no process, and the same command resumes to the full budget")
  func sighup() async throws {
    let folder = try robustFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let runDirectory = folder.standardizedFileURL.path + "/runs/demo"
    let run = try Background(arguments(folder, budget: 4), in: folder, environment: ["FAKE_LITGPT_SLEEP": "30"])
    await waitUntil(10) { trialFolders(runDirectory).count == 3 }
    try await Task.sleep(nanoseconds: 300_000_000)
    run.signal(SIGHUP)
    #expect(await run.wait() == 129, "\(run.stderr)")
    #expect(run.stderr.contains("stopped by SIGHUP"), "\(run.stderr)")
    #expect(marked(runDirectory).isEmpty)
    let resumed = try await hpolab(arguments(folder, budget: 4) + ["--json"], in: folder, environment: ["FAKE_LITGPT_SLEEP": "0.05"])
    #expect(resumed.status == 0, "\(resumed)")
    #expect(try completedPoints(resumed.stdout).count == 4)
  }

  @Test("a second copy of the same run is refused at once, naming the owner; the first is not disturbed")
  func secondCopyRefused() async throws {
    let folder = try robustFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let runDirectory = folder.standardizedFileURL.path + "/runs/demo"
    let first = try Background(arguments(folder, budget: 3), in: folder, environment: ["FAKE_LITGPT_SLEEP": "30"])
    await waitUntil(10) { trialFolders(runDirectory).count == 3 }
    let second = try await hpolab(arguments(folder, budget: 3), in: folder, environment: ["FAKE_LITGPT_SLEEP": "0.05"])
    #expect(second.status != 0)
    #expect(second.stderr.contains("already being driven by pid \(first.pid) on host"), "\(second)")
    #expect(trialFolders(runDirectory).count == 3)
    first.signal(SIGINT)
    #expect(await first.wait() == 130)
    // After a crash the lease file still names the dead owner: the next session says it takes over.
    let crashed = try Background(arguments(folder, budget: 3), in: folder, environment: ["FAKE_LITGPT_SLEEP": "30"])
    await waitUntil(10) { marked(runDirectory).count >= 3 }
    crashed.signal(SIGKILL)
    _ = await crashed.wait()
    let resumed = try await hpolab(arguments(folder, budget: 3), in: folder, environment: ["FAKE_LITGPT_SLEEP": "0.05"])
    #expect(resumed.status == 0, "\(resumed)")
    #expect(resumed.stderr.contains("taking over run 'demo' from pid \(crashed.pid)"), "\(resumed.stderr)")
  }

  @Test("each preflight failure is one line, exit status 2, and leaves the database byte for byte as it was")
  func preflightFailures() async throws {
    let folder = try robustFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite")
    let first = try await hpolab(arguments(folder, workers: 1, budget: 1), in: folder, environment: ["FAKE_LITGPT_SLEEP": "0"])
    #expect(first.status == 0, "\(first)")
    let before = try Data(contentsOf: db)
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty-ckpt"), withIntermediateDirectories: true)
    func replace(_ key: String, _ value: String, in args: [String]) -> [String] {
      var a = args
      a[a.firstIndex(of: key)! + 1] = value
      return a
    }
    let base = arguments(folder, workers: 1, budget: 2, runDir: "runs/other")
    let cases: [(String, [String], [String: String], String)] = [
      ("no litgpt", replace("--litgpt", folder.path + "/nope/litgpt", in: base), [:], "litgpt program"),
      ("no checkpoint", replace("--checkpoint", "missing", in: base), [:], "checkpoint folder does not exist"),
      ("empty checkpoint", replace("--checkpoint", "empty-ckpt", in: base), [:], "has no model_config.yaml"),
      ("no data file", base + ["--data", "nope.json"], [:], "data file does not exist"),
      ("slurm outside an allocation", base + ["--launcher", "slurm"], ["SLURM_JOB_ID": ""], "slurm"),
      ("unknown finetune argument", base + ["--finetune-arg=--train.max_stepz=3"], [:], "has no option --train.max_stepz"),
    ]
    for (name, args, env, message) in cases {
      let result = try await hpolab(args, in: folder, environment: env)
      #expect(result.status == 2, "\(name): \(result)")
      #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
      #expect(try Data(contentsOf: db) == before, "\(name) changed the database")
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs/other").path), "\(name)")
    }
  }

  @Test("a run in which every trial fails exits non-zero; the circuit breaker stops after the first 3 with one reason")
  func allFailed() async throws {
    let folder = try robustFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let all = try await hpolab(
      arguments(folder, workers: 2, budget: 4) + ["--circuit-breaker", "0"], in: folder,
      environment: ["FAKE_LITGPT_FAIL": "crash", "FAKE_LITGPT_SLEEP": "0"])
    #expect(all.status == 1, "\(all)")
    #expect(all.stdout.contains("0 completed, 4 failed"), "\(all)")
    #expect(all.stderr.contains("every trial failed (4)"), "\(all)")

    let tripped = try await hpolab(
      arguments(folder, workers: 1, budget: 6, runDir: "runs/tripped"), in: folder,
      environment: ["FAKE_LITGPT_FAIL": "crash", "FAKE_LITGPT_SLEEP": "0"])
    #expect(tripped.status == 3, "\(tripped)")
    #expect(tripped.stdout.contains("0 completed, 3 failed"), "\(tripped)")
    #expect(tripped.stderr.contains("circuit breaker: the first 3 trials all failed with nonzero-exit"), "\(tripped)")
  }

  @Test("GPU names pass through verbatim; duplicates, negative ids and a negative worker count are errors naming the option")
  func gpuLists() async throws {
    let folder = try robustFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var base = arguments(folder, workers: 2, budget: 2)
    base[base.firstIndex(of: "--gpus-per-trial")! + 1] = "1"
    let uuids = try await hpolab(base + ["--gpus", "GPU-8f2e,MIG-3a1b/1/0", "--dry-run"], in: folder)
    #expect(uuids.status == 0, "\(uuids)")
    #expect(uuids.stdout.contains(#""CUDA_VISIBLE_DEVICES": "GPU-8f2e""#), "\(uuids)")
    #expect(uuids.stdout.contains(#""CUDA_VISIBLE_DEVICES": "MIG-3a1b/1/0""#), "\(uuids)")
    let twice = try await hpolab(base + ["--gpus", "0,0", "--dry-run"], in: folder)
    #expect(twice.status != 0 && twice.stderr.contains("lists device '0' twice"), "\(twice)")
    let negative = try await hpolab(base + ["--gpus", "0,-1", "--dry-run"], in: folder)
    #expect(negative.status != 0 && negative.stderr.contains("negative device '-1'"), "\(negative)")
    let workers = try await hpolab(base + ["--workers", "-1", "--dry-run"], in: folder)
    // Not "Missing value for '--workers'": the negative number is read as the value and its range reported.
    #expect(workers.status != 0 && workers.stderr.contains("--workers must be in 1…4,096, got -1"), "\(workers)")
  }

  @Test("--dry-run after a crash shows the interrupted trials first, as the resume then launches them; live status and list read the run")
  func dryRunAndStatus() async throws {
    let folder = try robustFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let runDirectory = folder.standardizedFileURL.path + "/runs/demo"
    let db = folder.appendingPathComponent("lab.sqlite").path
    let run = try Background(arguments(folder, workers: 2, budget: 4), in: folder, environment: ["FAKE_LITGPT_SLEEP": "30"])
    await waitUntil(10) { marked(runDirectory).count >= 2 }
    let status = try await hpolab(["live", "status", "demo", "--db", db, "--json"])
    #expect(status.status == 0, "\(status)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
    #expect((json["running"] as? [[String: Any]])?.count == 2, "\(status)")
    #expect(json["active"] as? Bool == true, "\(status)")
    let list = try await hpolab(["live", "list", "--db", db])
    #expect(list.stdout.contains("demo\tlhs\t0 completed, 0 failed, 2 running\tactive"), "\(list)")
    run.signal(SIGKILL)
    _ = await run.wait()
    let dry = try await hpolab(arguments(folder, workers: 2, budget: 4) + ["--dry-run"], in: folder)
    #expect(dry.status == 0, "\(dry)")
    #expect(dry.stdout.contains("# trial 2, worker 0:") && dry.stdout.contains("(again, for interrupted trial 0)"), "\(dry)")
    #expect(dry.stdout.contains("# trial 3, worker 1:") && dry.stdout.contains("(again, for interrupted trial 1)"), "\(dry)")
    #expect(dry.stderr.contains("litgpt: \(fakeLitGPT)") && dry.stderr.contains("preflight: passed"), "\(dry)")
    let resumed = try await hpolab(arguments(folder, workers: 2, budget: 4), in: folder, environment: ["FAKE_LITGPT_SLEEP": "0.05"])
    #expect(resumed.status == 0, "\(resumed)")
    #expect(resumed.stderr.contains("trial 2 started [worker 0]") && resumed.stderr.contains("(again, for interrupted trial 0)"), "\(resumed)")
    #expect(marked(runDirectory).isEmpty)
  }
}

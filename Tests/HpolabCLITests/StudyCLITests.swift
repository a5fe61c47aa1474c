import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers of the study CLI tests: the built `hpolab` next to the test bundle, run with arguments.
enum StudyCLI {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The `hpolab` binary built beside the running test bundle.
  static var binary: URL {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    if folder.lastPathComponent == "MacOS" {  // macOS: inside the .xctest bundle
      folder = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    return folder.appendingPathComponent("hpolab")
  }

  static func process(_ arguments: [String]) -> Process {
    let p = Process()
    p.executableURL = binary
    p.arguments = arguments
    p.currentDirectoryURL = root
    return p
  }

  /// Runs to completion: (status, stdout, stderr).
  static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = process(arguments)
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }

  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-study-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// A study big enough to be killed in the middle: 48 runs of 250 evaluations on the constant evaluator.
let killableStudy = """
  [study]
  name = "killable"
  workers = [1, 4]
  modes = ["sync", "async"]
  seeds = 12
  budget = 250
  evaluators = ["constant:60"]
  [[algorithm]]
  name = "random"
  """

@Suite(.serialized) struct StudyCLITests {
  @Test(.timeLimit(.minutes(3)))
  func aStudyKilledWithSIGKILLAndResumedEndsIdenticalToAnUninterruptedOne() throws {
    let folder = try StudyCLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("killable.toml")
    try killableStudy.write(to: file, atomically: true, encoding: .utf8)
    let whole = folder.appendingPathComponent("whole.sqlite").path
    let killed = folder.appendingPathComponent("killed.sqlite").path

    let reference = try StudyCLI.run(["study", "run", file.path, "--db", whole, "--jobs", "2"])
    #expect(reference.status == 0, "\(reference.err)")

    // Start, wait for a few committed runs (one progress line each), then SIGKILL.
    let child = StudyCLI.process(["study", "run", file.path, "--db", killed, "--jobs", "2"])
    let err = Pipe()
    child.standardError = err
    child.standardOutput = FileHandle.nullDevice
    try child.run()
    var seen = ""
    while seen.split(separator: "\n").count < 5 {
      let chunk = err.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      seen += String(decoding: chunk, as: UTF8.self)
    }
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    #expect(child.terminationReason == .uncaughtSignal, "the study finished before it could be killed")
    // `study list`: a header, a rule, then the row whose second column counts the stored runs.
    let partial = try StudyCLI.run(["study", "list", "--db", killed])
    let stored = partial.out.split(separator: "\n").first { $0.hasPrefix("killable") }?.split(separator: " ").dropFirst().first
    let count = try #require(stored.flatMap { Int($0) }, "\(partial.out)")
    #expect(count >= 4 && count < 48)
    // The same count through `--json`, for scripts.
    let listed = try StudyCLI.run(["study", "list", "--db", killed, "--json"])
    let entries = try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [[String: Any]]
    #expect(entries?.first?["study"] as? String == "killable")
    #expect(entries?.first?["runsStored"] as? Int == count)

    let resumed = try StudyCLI.run(["study", "run", file.path, "--db", killed, "--jobs", "1"])
    #expect(resumed.status == 0, "\(resumed.err)")
    #expect(resumed.out.contains("already stored"))
    let a = try StudyCLI.run(["study", "dump", "--db", whole])
    let b = try StudyCLI.run(["study", "dump", "--db", killed])
    #expect(a.status == 0 && !a.out.isEmpty)
    #expect(a.out == b.out)
  }

  @Test func shardsMergeIntoTheUnshardedDatabaseAndMismatchesAreRefused() throws {
    let folder = try StudyCLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("s.toml")
    try killableStudy.replacingOccurrences(of: "budget = 250", with: "budget = 5").write(to: file, atomically: true, encoding: .utf8)
    let path = { (name: String) in folder.appendingPathComponent(name).path }
    #expect(try StudyCLI.run(["study", "run", file.path, "--db", path("whole.sqlite")]).status == 0)
    #expect(try StudyCLI.run(["study", "run", file.path, "--db", path("s1.sqlite"), "--shard", "1/2"]).status == 0)
    #expect(try StudyCLI.run(["study", "run", file.path, "--db", path("s2.sqlite"), "--shard", "2/2"]).status == 0)
    let merge = try StudyCLI.run(["study", "merge", path("merged.sqlite"), path("s2.sqlite"), path("s1.sqlite")])
    #expect(merge.status == 0 && merge.out.contains("48 run(s) copied"), "\(merge.err)")
    let a = try StudyCLI.run(["study", "dump", "--db", path("whole.sqlite")])
    let b = try StudyCLI.run(["study", "dump", "--db", path("merged.sqlite")])
    #expect(a.out == b.out)

    // A shard of a different definition is refused, and the error is one line.
    let other = folder.appendingPathComponent("other.toml")
    try killableStudy.replacingOccurrences(of: "budget = 250", with: "budget = 6").write(to: other, atomically: true, encoding: .utf8)
    #expect(try StudyCLI.run(["study", "run", other.path, "--db", path("o.sqlite"), "--shard", "1/9"]).status == 0)
    let refused = try StudyCLI.run(["study", "merge", path("m2.sqlite"), path("s1.sqlite"), path("o.sqlite")])
    #expect(refused.status != 0)
    #expect(refused.err.contains("study 'killable' is defined differently"), "\(refused.err)")
    let bad = try StudyCLI.run(["study", "run", file.path, "--shard", "3/2"])
    #expect(bad.status != 0 && bad.err.contains("--shard must be I/N"))
  }

  @Test func reportFormatsAndMalformedFileMessages() throws {
    let folder = try StudyCLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("s.toml")
    try killableStudy.replacingOccurrences(of: "budget = 250", with: "budget = 5").write(to: file, atomically: true, encoding: .utf8)
    let db = folder.appendingPathComponent("r.sqlite").path
    #expect(try StudyCLI.run(["study", "run", file.path, "--db", db]).status == 0)
    let md = try StudyCLI.run(["study", "report", "killable", "--db", db])
    #expect(md.out.hasPrefix("# Study `killable`") && md.out.contains("## Speed-up"))
    let csv = try StudyCLI.run(["study", "report", "killable", "--db", db, "--format", "csv"])
    #expect(csv.out.hasPrefix("study,evaluator,workers,mode,algorithm,"))
    #expect(csv.out.split(separator: "\n").count == 1 + 4)
    let json = try StudyCLI.run(["study", "report", "killable", "--db", db, "--format", "json"])
    #expect(json.out.contains("\"specHash\""))
    let missing = try StudyCLI.run(["study", "report", "nope", "--db", db])
    #expect(missing.status != 0 && missing.err.contains("no study 'nope' in the database; stored: killable"))

    let broken = folder.appendingPathComponent("broken.toml")
    try killableStudy.replacingOccurrences(of: "budget = 250", with: "budgets = 250").write(to: broken, atomically: true, encoding: .utf8)
    let error = try StudyCLI.run(["study", "run", broken.path, "--db", db])
    #expect(error.status != 0)
    #expect(error.err.contains("\(broken.path):6: unknown key 'budgets' in [study]"), "\(error.err)")
    #expect(error.err.split(separator: "\n").count == 1)
  }
}

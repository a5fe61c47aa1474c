// Finding and ending the processes a crashed session left behind.
//
// Notation
//   marker   HPOLAB_LIVE_RUN=<run folder> in a process's environment: every process of every trial
//            of the run has it (children inherit it), hpolab itself does not
//   pgid     a trial step's process group (the step's leader pid, also listed in trial-NNNN/pgids)
//   grace    seconds between SIGTERM and SIGKILL

import Foundation
import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The names that mark a live trial's processes and files.
public enum LiveMarker {
  /// Environment variable holding the run folder, set for every trial process.
  public static let runVariable = "HPOLAB_LIVE_RUN"
  /// Environment variable holding the trial id.
  public static let trialVariable = "HPOLAB_LIVE_TRIAL"
  /// File in a trial folder listing the process group of each step started, one per line.
  public static let processGroupsFile = "pgids"
}

/// Ends the processes of a live run still alive on this host after its hpolab died (SIGKILL, OOM killer, reboot of a login node).
///
/// On Linux every process whose environment carries the run's marker is
/// found through `/proc` (grandchildren included, whatever group they moved
/// to); elsewhere the process groups listed in the trial folders are used.
/// Each group gets SIGTERM, then SIGKILL after the grace period.
public enum LiveCleanup {
  /// The pids of processes on this host whose environment has `HPOLAB_LIVE_RUN=runDirectory` (Linux; empty elsewhere).
  public static func markedProcesses(runDirectory: String) -> [Int32] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    let needle = Array("\(LiveMarker.runVariable)=\(runDirectory)".utf8)
    let me = getpid()
    var found: [Int32] = []
    for entry in entries {
      guard let pid = Int32(entry), pid != me else { continue }
      guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
      for variable in data.split(separator: 0, omittingEmptySubsequences: true) where variable.elementsEqual(needle) {
        found.append(pid)
        break
      }
    }
    return found.sorted()
  }

  /// The process groups listed in `folder/pgids` that still have a member.
  public static func listedGroups(folder: String) -> [Int32] {
    guard let text = try? String(contentsOfFile: folder + "/" + LiveMarker.processGroupsFile, encoding: .utf8) else { return [] }
    return text.split(whereSeparator: \.isNewline).compactMap { Int32($0) }.filter { $0 > 1 && kill(-$0, 0) == 0 }
  }

  /// Terminates every process of the run found on this host: SIGTERM to each group, SIGKILL after `grace` seconds.
  /// - Parameter folders: the folders of the trials recorded as running (their `pgids` files are read too).
  /// - Returns: the number of processes (or groups, where `/proc` is absent) that were alive.
  @discardableResult
  public static func terminate(runDirectory: String, folders: [String], grace: Double) -> Int {
    let useProc = FileManager.default.fileExists(atPath: "/proc/self/environ")
    func alive() -> [Int32] {
      useProc ? markedProcesses(runDirectory: runDirectory) : folders.flatMap(listedGroups)
    }
    let first = alive()
    guard !first.isEmpty else { return 0 }
    func signalAll(_ pids: [Int32], _ sig: Int32) {
      for pid in pids {
        if useProc {
          let group = getpgid(pid)
          if group > 1 && group != getpgrp() { _ = kill(-group, sig) }
          _ = kill(pid, sig)
        } else {
          _ = kill(-pid, sig)
        }
      }
    }
    signalAll(first, SIGTERM)
    let deadline = Date().timeIntervalSince1970 + grace
    while Date().timeIntervalSince1970 < deadline, !alive().isEmpty { usleep(50_000) }
    for _ in 0..<50 {
      let left = alive()
      if left.isEmpty { break }
      signalAll(left, SIGKILL)
      usleep(50_000)
    }
    return first.count
  }

  /// Moves a trial folder aside (`trial-NNNN.interrupted-K`) so that nothing of an earlier attempt is written where a new one works; returns the new path.
  /// - Throws: ``LabError`` `.io` naming the folder when it cannot be renamed.
  @discardableResult
  public static func moveAside(_ folder: String) throws -> String? {
    let fm = FileManager.default
    guard fm.fileExists(atPath: folder) else { return nil }
    var k = 1
    while fm.fileExists(atPath: "\(folder).interrupted-\(k)") { k += 1 }
    do {
      try fm.moveItem(atPath: folder, toPath: "\(folder).interrupted-\(k)")
    } catch {
      throw LabError(.io, "cannot move the interrupted trial's folder aside", location: .init(file: folder), underlying: error)
    }
    return "\(folder).interrupted-\(k)"
  }
}

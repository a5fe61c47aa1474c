// One copy of hpolab per live run: an exclusive lock on a file in the run folder.

import Foundation
import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The right to drive one live run: `flock(LOCK_EX)` on `RUN/lease`, holding the owner's pid, host and start time.
///
/// The kernel releases the lock when its owner dies, however it dies, so a
/// lease is never stale in the sense of blocking a resume; a lease *file*
/// left with another owner's details is reported ("taking over") when the
/// lock is free. The descriptor is close-on-exec, so trial processes never
/// hold the lease. `flock` works across hosts on NFSv4; on file systems
/// without locks the lease cannot be taken and the run refuses to start.
public final class RunLease: @unchecked Sendable {
  /// The lease file's path.
  public let path: String
  private var fd: Int32
  /// The previous owner's line when it had died without releasing (nil for a clean start).
  public let takenOverFrom: String?

  /// The file name inside the run folder.
  public static let fileName = "lease"

  /// Takes the lease of the run in `runDirectory` (which must exist).
  /// - Throws: ``LabError`` `.invalidInput` naming the owner ("pid P on host H since T") when another
  ///   process holds it; `.io` when the file cannot be opened or locked.
  public init(runDirectory: String, runID: String) throws {
    path = runDirectory + "/" + Self.fileName
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw LabError(.io, "cannot open the run's lease file (\(String(cString: strerror(errno))))", location: .init(file: path))
    }
    let previous = Self.read(fd)
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      close(fd)
      if code == EWOULDBLOCK {
        throw LabError(
          .invalidInput,
          "run '\(runID)' is already being driven by \(previous.isEmpty ? "another hpolab" : previous); "
            + "stop that one first (or watch it with `hpolab live status \(runID)`)",
          location: .init(file: path))
      }
      throw LabError(.io, "cannot lock the run's lease file (\(String(cString: strerror(code))))", location: .init(file: path))
    }
    takenOverFrom = previous.isEmpty ? nil : previous
    let line = "pid \(getpid()) on host \(LiveHost.name) since \(traceTimeString(Date().timeIntervalSince1970))"
    _ = ftruncate(fd, 0)
    _ = line.withCString { pwrite(fd, $0, strlen($0), 0) }
    _ = fsync(fd)
  }

  /// Empties the lease file and releases the lock (a clean end: the next session has nothing to take over).
  public func release() {
    guard fd >= 0 else { return }
    _ = ftruncate(fd, 0)
    _ = flock(fd, LOCK_UN)
    close(fd)
    fd = -1
  }

  deinit { release() }

  /// The owner line currently in the file ("" when empty).
  static func read(_ fd: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 512)
    let n = pread(fd, &buffer, buffer.count, 0)
    guard n > 0 else { return "" }
    return String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The owner line of the run in `runDirectory` and whether it is held now (for `live status`), or nil without a lease file.
  public static func owner(runDirectory: String) -> (line: String, held: Bool)? {
    let path = runDirectory + "/" + fileName
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let line = read(fd)
    let free = flock(fd, LOCK_SH | LOCK_NB) == 0
    if free { _ = flock(fd, LOCK_UN) }
    return (line, !free)
  }
}

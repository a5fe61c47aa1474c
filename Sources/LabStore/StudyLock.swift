import Foundation
import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive, per-study lock beside a database file: two processes never run one study into one database at once.
///
/// The lock is the file `DB.lock-study-NAME` (e.g. `lab.sqlite.lock-study-paper`)
/// held with `flock(2)` while a process runs the study, and holding
/// `pid N on HOST`. A second `hpolab study run` of the same study and database
/// is refused at once with "study 'paper' is being run by pid N on HOST"; it
/// does not wait (studies run for minutes to hours). Different studies in one
/// database, and the same study in different databases (shards), run side by
/// side. The kernel drops the lock when its holder exits, even by `kill -9`,
/// so a crashed run never blocks the next one; the holder removes the file
/// when it is done (a killed one leaves it, harmless and reused).
///
/// In-memory databases need no lock. `flock` is advisory and per host: on a
/// network file system shared by several hosts it may not exclude a process on
/// another host (use `--shard` and one database per job there).
public final class StudyLock {
  /// The lock file.
  public let path: String
  private var descriptor: Int32

  /// Takes the lock of study `study` in `database`.
  /// - Throws: `.invalidInput` naming the holder when another process runs the study; `.io` when the
  ///   lock file cannot be created.
  public init(study: String, database: String) throws {
    path = database + ".lock-study-" + study
    while true {
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw LabError(.io, "cannot create the study lock: \(String(cString: strerror(errno)))", location: .init(file: path))
      }
      if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        let holder = Self.read(fd)
        close(fd)
        throw LabError(
          .invalidInput,
          "study '\(study)' is being run by \(holder.isEmpty ? "another process" : holder) into this database; wait for it to finish, or run another shard into another --db",
          location: .init(file: database))
      }
      // The holder before us may have removed the file after we opened it: lock the file at `path`, not an orphan.
      var mine = stat(), there = stat()
      if fstat(fd, &mine) == 0, stat(path, &there) == 0, mine.st_ino == there.st_ino, mine.st_dev == there.st_dev {
        descriptor = fd
        break
      }
      close(fd)
    }
    let text = "pid \(getpid()) on \(Self.hostName())\n"
    _ = ftruncate(descriptor, 0)
    _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
  }

  /// Removes the lock file and releases the lock.
  public func release() {
    guard descriptor >= 0 else { return }
    unlink(path)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }

  private static func read(_ fd: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = pread(fd, &buffer, buffer.count, 0)
    guard n > 0 else { return "" }
    return String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  private static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "an unknown host" }
    return String(cString: buffer)
  }
}

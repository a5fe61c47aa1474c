// Starting and stopping external programs without a shell.
//
// Notation
//   argv      the argument array; argv[0] is the program as given, never a shell string
//   pgid      the child's process group id; the child leads its own group, so pgid == pid
//   -pgid     kill(2)'s way to signal every process of the group (children, grandchildren)
//   status    waitpid(2)'s encoded status: low 7 bits = terminating signal, bits 8–15 = exit code

import Foundation
import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A program to start: an argument array, an environment, a working folder and log files.
///
/// Nothing here is ever interpreted by a shell: `arguments[0]` is resolved on
/// `PATH` (when it has no `/`) and every other element reaches the program
/// byte for byte, shell metacharacters included.
public struct ProcessSpec: Sendable, Hashable {
  /// The program followed by its arguments.
  public var arguments: [String]
  /// The complete environment of the child (not merged with the parent's).
  public var environment: [String: String]
  /// The child's working folder.
  public var workingDirectory: String
  /// File receiving the child's standard output (created or truncated).
  public var stdoutPath: String
  /// File receiving the child's standard error (created or truncated).
  public var stderrPath: String

  public init(
    arguments: [String], environment: [String: String], workingDirectory: String, stdoutPath: String,
    stderrPath: String
  ) {
    self.arguments = arguments
    self.environment = environment
    self.workingDirectory = workingDirectory
    self.stdoutPath = stdoutPath
    self.stderrPath = stderrPath
  }
}

/// How a child process ended.
public enum Termination: Sendable, Hashable, CustomStringConvertible {
  /// It exited with this status.
  case exited(Int32)
  /// A signal ended it (ours or someone else's: the OOM killer, an administrator).
  case signalled(Int32)

  /// Decodes a `waitpid` status word.
  public init(waitStatus status: Int32) {
    let signal = status & 0x7f
    self = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
  }

  public var description: String {
    switch self {
    case .exited(let code): return "exit status \(code)"
    case .signalled(let signal): return "signal \(signal)"
    }
  }
}

/// The outcome of running a ``ProcessSpec`` under a deadline and a stop request.
public struct ProcessOutcome: Sendable, Hashable {
  /// Why the wait ended.
  public enum Ending: Sendable, Hashable {
    /// The program ended by itself.
    case finished
    /// The deadline passed; the whole process group was terminated.
    case timedOut
    /// A stop was requested; the whole process group was terminated.
    case stopped
  }
  public var termination: Termination
  public var ending: Ending
  /// Wall-clock seconds from start to reaping.
  public var seconds: Double
  /// The child's process id (= its process group id).
  public var pid: Int32
}

/// A flag that asks running trials to stop; safe to set from a signal handler's dispatch queue.
///
/// The runner checks it before every launch; a running child process is
/// terminated (its whole group) within one polling interval.
public final class StopSignal: @unchecked Sendable {
  private let lock = NSLock()
  private var requested = false
  private var urgent = false
  private let parent: StopSignal?
  /// A signal of its own; with `parent`, it also reads as requested once the parent is.
  public init(parent: StopSignal? = nil) { self.parent = parent }
  /// Asks everything watching this signal to stop. Idempotent.
  public func request() {
    lock.lock()
    requested = true
    lock.unlock()
  }
  /// Asks to stop at once: running process groups get SIGKILL without waiting for the grace period (a second SIGINT).
  public func requestUrgently() {
    lock.lock()
    requested = true
    urgent = true
    lock.unlock()
  }
  /// Whether the stop skips the grace period.
  public var isUrgent: Bool {
    lock.lock()
    let mine = urgent
    lock.unlock()
    return mine || parent?.isUrgent == true
  }
  /// Whether a stop was requested.
  public var isRequested: Bool {
    lock.lock()
    let mine = requested
    lock.unlock()
    return mine || parent?.isRequested == true
  }
}

/// Runs programs with `posix_spawn`, each in its own process group, and ends whole groups on time-out or stop.
///
/// Each child is placed in a new process group (`POSIX_SPAWN_SETPGROUP` with
/// group 0), gets default dispositions for `SIGINT`/`SIGTERM`/`SIGHUP`/`SIGPIPE`
/// (a parent that ignores `SIGINT` must not pass that on), an empty signal
/// mask, `/dev/null` as standard input and log files as standard output and
/// error. Waiting polls `waitpid(WNOHANG)` so that no thread of Swift's
/// cooperative pool is ever blocked.
///
/// On time-out or stop, the group gets `SIGTERM`, then `SIGKILL` after
/// `grace` seconds if the leader has not exited; once the leader is reaped,
/// the group gets a last `SIGKILL` so that no grandchild outlives its trial.
public struct ProcessRunner: Sendable {
  /// Seconds between two `SIGTERM` and `SIGKILL`.
  public var grace: Double
  /// Seconds between two polls of `waitpid`.
  public var pollInterval: Double

  public init(grace: Double = 10, pollInterval: Double = 0.02) {
    self.grace = grace
    self.pollInterval = pollInterval
  }

  /// Runs `spec` to its end, its deadline, or a stop request.
  /// - Parameters:
  ///   - deadline: an absolute time (seconds since 1970) after which the group is terminated; nil for none.
  ///   - stop: checked at every poll; when set the group is terminated.
  /// - Returns: how the program ended. A non-zero exit, a signal, a time-out are outcomes, not errors.
  /// - Throws: ``LabError`` `.notFound` when the program cannot be found, `.io` when a log file cannot be
  ///   opened or the spawn itself fails.
  ///   - spawned: called with the child's pid (= its process group id) as soon as it runs.
  public func run(
    _ spec: ProcessSpec, deadline: Double?, stop: StopSignal?, spawned: (Int32) -> Void = { _ in }
  ) async throws -> ProcessOutcome {
    let started = Date().timeIntervalSince1970
    let pid = try Self.spawn(spec)
    spawned(pid)
    var ending = ProcessOutcome.Ending.finished
    var termSentAt: Double? = nil
    while true {
      var status: Int32 = 0
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid {
        // The leader is gone; make sure nothing of its group survives.
        _ = kill(-pid, SIGKILL)
        let seconds = Date().timeIntervalSince1970 - started
        return ProcessOutcome(termination: Termination(waitStatus: status), ending: ending, seconds: seconds, pid: pid)
      }
      if reaped < 0 && errno != EINTR {
        throw LabError(.internalInconsistency, "waitpid failed for process \(pid) (\(spec.arguments.first ?? "?")): errno \(errno)")
      }
      let now = Date().timeIntervalSince1970
      if let sent = termSentAt {
        if now - sent >= grace || stop?.isUrgent == true { _ = kill(-pid, SIGKILL) }
      } else if stop?.isRequested == true {
        ending = .stopped
        termSentAt = now
        _ = kill(-pid, SIGTERM)
      } else if let deadline, now >= deadline {
        ending = .timedOut
        termSentAt = now
        _ = kill(-pid, SIGTERM)
      }
      try? await Task.sleep(nanoseconds: UInt64(max(pollInterval, 0.001) * 1e9))
    }
  }

  /// The absolute path of `program`: itself when it contains `/`, else the first executable match on `path`.
  /// - Throws: ``LabError`` `.notFound` naming the program and the folders searched.
  public static func resolve(_ program: String, path: String?) throws -> String {
    if program.contains("/") {
      guard access(program, X_OK) == 0 else {
        throw LabError(.notFound, "program '\(program)' does not exist or is not executable")
      }
      return program
    }
    let folders = (path ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
    for folder in folders {
      let candidate = folder + "/" + program
      if access(candidate, X_OK) == 0 { return candidate }
    }
    throw LabError(.notFound, "program '\(program)' is not on PATH (\(folders.joined(separator: ":")))")
  }

  /// `posix_spawn_file_actions_addchdir_np` (glibc ≥ 2.29, macOS ≥ 10.15), looked up at run time because
  /// the C header hides it from Swift; without it ``spawn(_:)`` refuses to start the child (it would run in the parent's folder).
  private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
  private static var addChdir: AddChdir? {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
    return unsafeBitCast(symbol, to: AddChdir.self)
  }

  /// Starts `spec` in a new process group and returns its pid.
  static func spawn(_ spec: ProcessSpec) throws -> Int32 {
    guard let program = spec.arguments.first else {
      throw LabError(.invalidInput, "cannot start a process from an empty argument array")
    }
    let executable = try resolve(program, path: spec.environment["PATH"])

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, spec.stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, spec.stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    // Without addchdir the child would silently run in the parent's folder: refuse instead.
    guard let addChdir = Self.addChdir else {
      throw LabError(
        .unsupported, "cannot start \(program) in \(spec.workingDirectory): this C library has no posix_spawn_file_actions_addchdir_np")
    }
    let chdirStatus = addChdir(&actions, spec.workingDirectory)
    guard chdirStatus == 0 else {
      throw LabError(.io, "cannot start \(program) in \(spec.workingDirectory) (posix_spawn_file_actions_addchdir_np: \(chdirStatus))")
    }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    // Log files are opened by the child; check here so that a bad folder is an error, not an exit status 127.
    for path in [spec.stdoutPath, spec.stderrPath] {
      let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      guard fd >= 0 else { throw LabError(.io, "cannot create log file (errno \(errno))", location: .init(file: path)) }
      close(fd)
    }

    let argv: [UnsafeMutablePointer<CChar>?] = spec.arguments.map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] =
      spec.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for p in argv { free(p) }
      for p in envp { free(p) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else {
      throw LabError(.io, "cannot start '\(executable)' (posix_spawn error \(rc): \(String(cString: strerror(rc))))")
    }
    return pid
  }
}

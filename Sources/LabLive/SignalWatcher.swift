// Turning SIGINT, SIGTERM and SIGHUP into a clean stop of a live run.

import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into a stop request, remembering the first signal; a second SIGINT skips the grace period.
///
/// The signals are ignored at the process level and read from dispatch
/// sources, so nothing runs in a signal handler. Trial processes get default
/// dispositions back when they are spawned (see ``ProcessRunner``).
public final class SignalWatcher: @unchecked Sendable {
  private let lock = NSLock()
  private var signal: Int32?
  private var sources: [any DispatchSourceSignal] = []
  /// The signals watched.
  public static let watched: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  public init(stop: StopSignal, log: @escaping @Sendable (String) -> Void) {
    for sig in Self.watched {
      #if canImport(Darwin)
      Darwin.signal(sig, SIG_IGN)
      #else
      Glibc.signal(sig, SIG_IGN)
      #endif
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { [weak self] in
        guard let self else { return }
        self.lock.lock()
        let first = self.signal == nil
        if first { self.signal = sig }
        self.lock.unlock()
        if first {
          log("stopping (\(Self.name(sig))): terminating running trials…")
          stop.request()
        } else if sig == SIGINT {
          log("second SIGINT: killing running trials now")
          stop.requestUrgently()
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// The first signal received, if any.
  public var received: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return signal
  }

  /// `SIGINT`, `SIGTERM`, `SIGHUP` or the number.
  public static func name(_ sig: Int32) -> String {
    switch sig {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(sig)"
    }
  }

  /// Stops watching and restores the default dispositions.
  public func cancel() {
    for s in sources { s.cancel() }
    for sig in Self.watched {
      #if canImport(Darwin)
      Darwin.signal(sig, SIG_DFL)
      #else
      Glibc.signal(sig, SIG_DFL)
      #endif
    }
  }
}

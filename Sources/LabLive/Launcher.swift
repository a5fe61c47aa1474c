// Worker slots and launchers: where a trial's processes run and which devices they see.
//
// Notation
//   W   worker slots (trials running at once)
//   G   GPUs per trial (0: CPU)
//   slot i owns devices[i·G ..< (i+1)·G] of the visible GPU list

import Foundation
import LabCore

/// One GPU as `CUDA_VISIBLE_DEVICES` names it: an index (`3`), a UUID (`GPU-8f…`) or a MIG id (`MIG-…`), kept verbatim.
public struct GPUDevice: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral,
  ExpressibleByStringLiteral
{
  /// The name exactly as given.
  public var id: String
  public init(_ id: String) { self.id = id }
  public init(integerLiteral value: Int) { id = String(value) }
  public init(stringLiteral value: String) { id = value }
  public var description: String { id }

  /// Splits a device list (`--gpus`, `CUDA_VISIBLE_DEVICES`) at commas, keeping each name verbatim (blanks trimmed).
  /// - Throws: ``LabError`` `.invalidInput` naming `field` for an empty name, a negative index or a duplicate.
  public static func list(_ text: String, field: String) throws -> [GPUDevice] {
    var seen: Set<String> = []
    var devices: [GPUDevice] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = part.trimmingCharacters(in: .whitespaces)
      guard !name.isEmpty else {
        throw LabError(.invalidInput, "\(field) has an empty device name in '\(text)'", location: .init(field: field))
      }
      if name.hasPrefix("-") {
        throw LabError(.invalidInput, "\(field) has a negative device '\(name)' in '\(text)'", location: .init(field: field))
      }
      guard seen.insert(name).inserted else {
        throw LabError(.invalidInput, "\(field) lists device '\(name)' twice in '\(text)'", location: .init(field: field))
      }
      devices.append(GPUDevice(name))
    }
    return devices
  }
}

/// One worker slot: an index and the GPUs its trials see (empty on the CPU).
public struct WorkerSlot: Sendable, Hashable {
  public var index: Int
  /// GPUs given to the trial through `CUDA_VISIBLE_DEVICES` (local and OAR launchers), verbatim.
  public var gpus: [GPUDevice]
  /// The node this slot runs on (OAR launcher; nil elsewhere).
  public var node: String?

  public init(index: Int, gpus: [GPUDevice], node: String? = nil) {
    self.index = index
    self.gpus = gpus
    self.node = node
  }

  /// Cuts `visible` GPUs into `workers` slots of `perTrial` GPUs each (8 GPUs, 4 per trial → 2 slots).
  ///
  /// With `perTrial` = 0 every slot runs on the CPU. With `nodes`, slots are dealt
  /// round-robin over the nodes and GPU ids restart at each node.
  /// - Throws: ``LabError`` `.invalidInput` when the slots need more GPUs than are visible.
  public static func partition(workers: Int, perTrial: Int, visible: [Int], nodes: [String] = []) throws -> [WorkerSlot] {
    try partition(workers: workers, perTrial: perTrial, devices: visible.map { GPUDevice(String($0)) }, nodes: nodes)
  }

  /// Cuts the `devices` given (indices, UUIDs or MIG ids, verbatim) into `workers` slots of `perTrial` each.
  public static func partition(workers: Int, perTrial: Int, devices visible: [GPUDevice], nodes: [String] = []) throws
    -> [WorkerSlot]
  {
    guard workers >= 1 else { throw LabError(.invalidInput, "need at least one worker, got \(workers)") }
    guard perTrial >= 0 else { throw LabError(.invalidInput, "GPUs per trial must be ≥ 0, got \(perTrial)") }
    if nodes.isEmpty {
      guard workers * perTrial <= visible.count else {
        throw LabError(
          .invalidInput,
          "\(workers) workers × \(perTrial) GPUs need \(workers * perTrial) GPUs, but \(visible.count) are visible (\(visible.map(\.id).joined(separator: ",")))")
      }
      return (0..<workers).map { WorkerSlot(index: $0, gpus: Array(visible[($0 * perTrial)..<(($0 + 1) * perTrial)])) }
    }
    let perNode = (workers + nodes.count - 1) / nodes.count
    guard perNode * perTrial <= visible.count else {
      throw LabError(
        .invalidInput,
        "\(perNode) slots per node × \(perTrial) GPUs need \(perNode * perTrial) GPUs per node, but \(visible.count) are listed")
    }
    return (0..<workers).map { i in
      let k = i / nodes.count
      return WorkerSlot(index: i, gpus: Array(visible[(k * perTrial)..<((k + 1) * perTrial)]), node: nodes[i % nodes.count])
    }
  }
}

/// How a trial's command reaches its machine: directly, as a SLURM job step, or through OAR's `oarsh`.
///
/// Launchers are argument templates: they put a prefix in front of the
/// litgpt argument array and never build a shell string of their own. The one
/// exception is forced on us by `oarsh` (an `ssh`): it joins its arguments
/// into a command line for the remote shell, so the OAR launcher quotes every
/// argument with POSIX single quotes (see ``Launcher/shellQuote(_:)``), which
/// the remote shell turns back into exactly the original bytes.
public enum Launcher: String, Sendable, Hashable, Codable, CaseIterable {
  /// The program runs on this machine; the slot's GPUs go in `CUDA_VISIBLE_DEVICES`.
  case local
  /// `srun --ntasks=1 --nodes=1 --gpus=G --exclusive …` inside an allocation (`salloc`/`sbatch`): one job step per trial.
  /// SLURM binds the GPUs itself, so `CUDA_VISIBLE_DEVICES` is left to it.
  case slurm
  /// `oarsh NODE env K=V … PROGRAM ARGS` to a node of the current OAR job (`$OAR_NODEFILE`), GPUs by `CUDA_VISIBLE_DEVICES`.
  case oar

  /// The full argument array that runs `command` for trial `trial` on `slot`.
  /// - Parameters:
  ///   - command: the litgpt argument array (program first).
  ///   - environment: variables the trial must see (`HF_HUB_OFFLINE` …); the OAR launcher forwards them with `env`.
  public func wrap(_ command: [String], slot: WorkerSlot, gpusPerTrial: Int, trial: Int, environment: [String: String])
    -> [String]
  {
    switch self {
    case .local:
      return command
    case .slurm:
      var prefix = ["srun", "--ntasks=1", "--nodes=1", "--exclusive", "--kill-on-bad-exit=1", "--job-name=hpolab-trial-\(trial)"]
      if gpusPerTrial > 0 { prefix.append("--gpus=\(gpusPerTrial)") }
      return prefix + command
    case .oar:
      let node = slot.node ?? "localhost"
      let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      let remote = ["env"] + assignments + command
      return ["oarsh", node] + remote.map(Launcher.shellQuote)
    }
  }

  /// Whether this launcher gives the slot's GPUs through `CUDA_VISIBLE_DEVICES` itself.
  public var setsVisibleDevices: Bool { self != .slurm }

  /// `text` in POSIX single quotes: every byte literal, `'` written as `'\''`.
  public static func shellQuote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// The environment every trial gets on top of the parent's: offline hub, quiet tokenizers, and its GPUs.
public func trialEnvironment(base: [String: String], slot: WorkerSlot, launcher: Launcher) -> [String: String] {
  var env = base
  env["HF_HUB_OFFLINE"] = "1"
  env["HF_DATASETS_OFFLINE"] = "1"
  env["TOKENIZERS_PARALLELISM"] = "false"
  if launcher.setsVisibleDevices {
    env["CUDA_VISIBLE_DEVICES"] = slot.gpus.map(\.id).joined(separator: ",")
  }
  return env
}

/// The environment variables a trial adds (what the OAR launcher must forward explicitly).
public func trialEnvironmentOverrides(slot: WorkerSlot, launcher: Launcher) -> [String: String] {
  trialEnvironment(base: [:], slot: slot, launcher: launcher)
}

// Running the gnuplot program: found on PATH, started with an argument array, never a shell.

import Foundation
import LabCore

/// The `gnuplot` executable, found on `PATH` or given explicitly, and a way to run a script with it.
///
/// ```swift
/// let gnuplot = try Gnuplot.locate()
/// try gnuplot.run(script: "convergence.gp", in: folder)
/// ```
public struct Gnuplot: Sendable, Hashable {
  /// The executable that will be started.
  public var executable: URL

  /// The Debian package that provides gnuplot, named in errors.
  public static let installHint = "install the Debian package 'gnuplot' (e.g. apt-get install gnuplot-nox)"

  public init(executable: URL) { self.executable = executable }

  /// Finds `gnuplot` in the folders of `path` (default: the `PATH` of this process).
  /// - Throws: `.notFound` naming the folders searched and the package to install.
  public static func locate(path: String? = ProcessInfo.processInfo.environment["PATH"]) throws -> Gnuplot {
    let folders = (path ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
    for folder in folders {
      let candidate = URL(fileURLWithPath: folder).appendingPathComponent("gnuplot")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return Gnuplot(executable: candidate) }
    }
    let searched = folders.isEmpty ? "PATH is empty" : "searched PATH: \(folders.joined(separator: ":"))"
    throw LabError(.notFound, "gnuplot not found (\(searched)); \(installHint)")
  }

  /// Whether gnuplot can be found on this process's `PATH` (tests use it to skip with a reason).
  public static var isAvailable: Bool { (try? locate()) != nil }

  /// Runs `gnuplot SCRIPT` with `folder` as working directory and waits for it.
  ///
  /// Standard output is discarded; standard error is captured and becomes the
  /// error message when gnuplot exits non-zero.
  /// - Returns: what gnuplot wrote to standard error (warnings), possibly empty.
  /// - Throws: `.notFound` when the executable is missing (naming the package);
  ///   `.external` with gnuplot's message and the script's path when it exits non-zero.
  @discardableResult
  public func run(script: String, in folder: URL) throws -> String {
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
      throw LabError(.notFound, "gnuplot executable '\(executable.path)' not found or not executable; \(Self.installHint)")
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = [script]
    process.currentDirectoryURL = folder
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw LabError(.external, "cannot start gnuplot '\(executable.path)'", location: .init(file: folder.appendingPathComponent(script).path), underlying: error)
    }
    let data = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let message = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let status = process.terminationReason == .exit ? "exit status \(process.terminationStatus)" : "signal \(process.terminationStatus)"
      throw LabError(
        .external, "gnuplot failed (\(status)): \(message.isEmpty ? "no message" : message)",
        location: .init(file: folder.appendingPathComponent(script).path))
    }
    return message
  }
}

/// Writes figures into a folder (data, script) and renders them with gnuplot.
public struct FigureWriter: Sendable {
  /// The folder that receives every file; created when absent.
  public var folder: URL
  /// The gnuplot to render with; nil writes data and scripts only.
  public var gnuplot: Gnuplot?

  public init(folder: URL, gnuplot: Gnuplot?) {
    self.folder = folder
    self.gnuplot = gnuplot
  }

  /// The files written for one figure.
  public struct Written: Sendable, Hashable {
    public var data: [URL]
    public var script: URL
    /// The rendered figure, nil when not rendered.
    public var rendered: URL?
    /// gnuplot's warnings, if any.
    public var warnings: String
  }

  /// Writes the figure's tables and script, then renders it when a gnuplot is set.
  /// - Throws: `.io` naming the file that cannot be written; gnuplot's errors (see ``Gnuplot/run(script:in:)``),
  ///   and `.external` when gnuplot exits 0 but the rendered file is missing or empty.
  @discardableResult
  public func write(_ figure: Figure) throws -> Written {
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw LabError(.io, "cannot create the output folder", location: .init(file: folder.path), underlying: error)
    }
    var data: [URL] = []
    for table in figure.tables {
      let url = folder.appendingPathComponent(table.fileName)
      try save(table.text, to: url)
      data.append(url)
    }
    let script = folder.appendingPathComponent(figure.scriptFileName)
    try save(figure.script, to: script)
    guard let gnuplot else { return Written(data: data, script: script, rendered: nil, warnings: "") }
    let output = folder.appendingPathComponent(figure.outputFileName)
    try? FileManager.default.removeItem(at: output)
    let warnings = try gnuplot.run(script: figure.scriptFileName, in: folder)
    let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? nil
    guard let size, size > 0 else {
      throw LabError(.external, "gnuplot exited 0 but wrote no figure", location: .init(file: output.path))
    }
    return Written(data: data, script: script, rendered: output, warnings: warnings)
  }

  private func save(_ text: String, to url: URL) throws {
    do {
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      throw LabError(.io, "cannot write figure file", location: .init(file: url.path), underlying: error)
    }
  }
}

import Foundation
import LabCore
import LabEvaluators
import LabOptimizers
import LabStudies
import LabTestSupport
import Testing

/// The documentation cannot drift from the code: every `hpolab …` command line, every `--option`,
/// every `KEY=VALUE` algorithm option and every study file in README.md and docs/*.md is checked
/// against the command tree (read from the built binary's `--experimental-dump-help`) and the catalogues.
@Suite struct DocsCheckTests {
  /// README.md and docs/*.md.
  static func pages() throws -> [URL] {
    let root = Fixtures.repositoryRoot
    let docs = root.appendingPathComponent("docs")
    let names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
    return [root.appendingPathComponent("README.md")] + names.map { docs.appendingPathComponent($0) }
  }

  static func page(_ url: URL) throws -> DocPage {
    DocPage(name: url.lastPathComponent, text: try String(contentsOf: url, encoding: .utf8))
  }

  static let tree: CommandTree = {
    do {
      let result = try runHpolab(["--experimental-dump-help"])
      return try CommandTree(dumpHelp: Data(result.stdout.utf8))
    } catch {
      Issue.record("cannot read the command tree: \(error)")
      return CommandTree(name: "hpolab")
    }
  }()

  @Test func everyDocumentedCommandLineNamesRealCommandsAndOptions() throws {
    var problems: [String] = []
    var checked = 0
    for url in try Self.pages() {
      let page = try Self.page(url)
      for line in page.commandLines {
        checked += 1
        problems += DocsChecker.check(line, tree: Self.tree)
      }
    }
    #expect(checked > 40, "only \(checked) command lines found: is the extraction broken?")
    #expect(problems.isEmpty, "\(problems.count) drift(s):\n\(problems.joined(separator: "\n"))")
  }

  @Test func everyOptionMentionedInTheDocsExistsOnSomeCommand() throws {
    var problems: [String] = []
    for url in try Self.pages() {
      let page = try Self.page(url)
      for mention in page.optionMentions
      where !Self.tree.allOptions.contains(mention.option) && !DocsChecker.foreignOptions.contains(mention.option) {
        problems.append("\(mention.location): '--\(mention.option)' is an option of no hpolab command")
      }
    }
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }

  @Test func everyDocumentedAlgorithmOptionIsAcceptedByTheCatalogue() throws {
    var problems: [String] = []
    var checked = 0
    for url in try Self.pages() {
      let page = try Self.page(url)
      for option in page.algorithmOptions {
        checked += 1
        if let problem = DocsChecker.check(option) { problems.append(problem) }
      }
    }
    #expect(checked > 10, "only \(checked) algorithm options found: is the extraction broken?")
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }

  @Test func everyStudyFileInTheDocsParsesAndNamesRealAlgorithmsAndEvaluators() throws {
    var problems: [String] = []
    var checked = 0
    for url in try Self.pages() {
      let page = try Self.page(url)
      for block in page.tomlBlocks {
        checked += 1
        if let problem = DocsChecker.checkStudy(block.text, location: block.location) { problems.append(problem) }
      }
    }
    #expect(checked >= 1)
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }

  /// The checker finds each drift the structure issue listed (the texts as they were).
  @Test func theCheckerCatchesTheDriftsFoundBefore() throws {
    let old = DocPage(
      name: "old.md",
      text: """
        - **Inheritance (`inherit = recorded`).** A child takes its parent's score.
        The string options are `k`, `inherit` (`recorded`|`strict`), `batching`
        (`sequential`|`sweep`|`async`), `h_max` (`none`|`sqrt`|integer) and
        `max_idle_sweeps`.

        **Noise** (`--noise on`, draws only from the trial's stream).

        ```toml
        [study]
        name = "x"
        budget = 5
        seeds = 2
        evaluators = ["function:branin"]

        [[algorithm]]
        name = "bo"
        options = { pending = "kriging-believer" }
        ```
        """)
    let options = old.algorithmOptions.compactMap { DocsChecker.check($0) }
    #expect(options.contains { $0.contains("'inherit'") })
    #expect(options.contains { $0.contains("'h_max'") })
    #expect(options.contains { $0.contains("'batching'") && $0.contains("async") })
    #expect(options.contains { $0.contains("'max_idle_sweeps'") })
    #expect(old.optionMentions.contains { $0.option == "noise" } && !Self.tree.allOptions.contains("noise"))
    let study = try #require(old.tomlBlocks.first)
    let problem = DocsChecker.checkStudy(study.text, location: study.location)
    #expect(problem?.contains("kriging-believer") == true, "\(problem ?? "no problem found")")
  }

  @Test func replayPlaybackHelpNamesExactlyTheAlgorithmsItRefusesInParallel() throws {
    let help = try runHpolab(["replay", "playback", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
    let sentence = try #require(
      help.components(separatedBy: ". ").first { $0.contains("refused for W > 1") }, "no refusal sentence in\n\(help)")
    let words = Set(sentence.split { !$0.isLetter }.map(String.init))
    let names = ["lhs": "LHS", "bo": "BO", "soo": "SOO", "bamsoo": "BaMSOO"]
    for run in Fixtures.recordedRuns where run.hasSuffix("_bis") {
      let algorithm = Playback.algorithm(ofRun: run)
      let refused = Playback.refusal(run: run, workers: 2) != nil
      #expect(words.contains(names[algorithm] ?? algorithm) == refused, "\(run): refused \(refused), help: \(sentence)")
    }
  }
}

/// docs/DESIGN.md's module table says what Package.swift declares.
@Suite struct ModuleTableTests {
  /// `name → Lab* dependencies` of every library target (system libraries and products left out).
  static func packageTargets() throws -> [String: Set<String>] {
    let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
    var out: [String: Set<String>] = [:]
    for m in text.matches(of: /\.target\(\s*name: "(\w+)"(,\s*dependencies: \[([^\]]*)\])?/) {
      out[String(m.1)] = Set(String(m.3 ?? "").matches(of: /"(Lab\w+)"/).map { String($0.1) })
    }
    return out
  }

  /// `name → Lab* names in the "depends on" column` of the table under "## Modules".
  static func designTable() throws -> [String: Set<String>] {
    let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/DESIGN.md"), encoding: .utf8)
    let section = try #require(text.components(separatedBy: "## Modules").dropFirst().first)
    var out: [String: Set<String>] = [:]
    for line in section.components(separatedBy: "\n") {
      guard line.hasPrefix("| `") else {
        if line.hasPrefix("## ") { break }
        continue
      }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 4, let name = cells[1].wholeMatch(of: /`(\w[\w-]*)`/)?.1 else { continue }
      out[String(name)] = Set(cells[3].matches(of: /(Lab[A-Z]\w*)/).map { String($0.1) })
    }
    return out
  }

  @Test func everyLibraryTargetHasARowWithItsDependencies() throws {
    let package = try Self.packageTargets()
    let table = try Self.designTable()
    #expect(package.count >= 12, "Package.swift parsed into \(package.keys.sorted())")
    for (name, dependencies) in package.sorted(by: { $0.key < $1.key }) {
      let row = table[name]
      #expect(row != nil, "docs/DESIGN.md has no row for target \(name)")
      if let row { #expect(row == dependencies, "\(name): DESIGN.md says \(row.sorted()), Package.swift \(dependencies.sorted())") }
    }
    for name in table.keys where name.hasPrefix("Lab") && package[name] == nil {
      Issue.record("docs/DESIGN.md lists \(name), which Package.swift does not declare")
    }
  }

  /// A declared dependency that no file of the target imports is a dependency to remove.
  @Test func everyDeclaredDependencyIsImported() throws {
    for (name, dependencies) in try Self.packageTargets() {
      let folder = Fixtures.repositoryRoot.appendingPathComponent(name == "LabTestSupport" ? "Tests/\(name)" : "Sources/\(name)")
      var imports: Set<String> = []
      let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
      for file in files {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        imports.formUnion(text.matches(of: /(?m)^(?:@testable )?import (Lab\w+)/).map { String($0.1) })
      }
      // LabCore re-appears through every other module's API: counting it as used is harmless.
      for d in dependencies.subtracting(imports).subtracting(["LabCore"]) {
        Issue.record("\(name) declares \(d) but no file imports it")
      }
    }
  }
}

import Foundation
import LabCore
import LabData
import LabEvaluators
import LabOptimizers
import LabStudies

/// A place in a documentation page, printed as `page:line`.
struct DocLocation: CustomStringConvertible, Sendable {
  var page: String
  var line: Int
  var description: String { "\(page):\(line)" }
}

/// What the docs check reads out of one Markdown page.
struct DocPage: Sendable {
  var name: String
  var text: String

  /// Lines of fenced code blocks, with their line numbers, and whether they sit in a TOML block.
  private var codeLines: [(line: Int, text: String, language: String)] {
    var out: [(Int, String, String)] = []
    var language: String? = nil
    for (i, line) in text.components(separatedBy: "\n").enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("```") {
        language = language == nil ? String(trimmed.dropFirst(3)) : nil
        continue
      }
      if let language { out.append((i + 1, line, language)) }
    }
    return out
  }

  /// Inline code spans (outside fenced blocks), with their line numbers.
  var inlineCode: [(location: DocLocation, code: String)] {
    var out: [(DocLocation, String)] = []
    var inBlock = false
    // Spans may wrap onto the next line: join each paragraph's lines, remembering where each starts.
    let lines = text.components(separatedBy: "\n")
    var paragraph = ""
    var starts: [(offset: Int, line: Int)] = []
    func flush() {
      var index = paragraph.startIndex
      while let open = paragraph[index...].firstIndex(of: "`") {
        let afterOpen = paragraph.index(after: open)
        guard let close = paragraph[afterOpen...].firstIndex(of: "`") else { break }
        let offset = paragraph.distance(from: paragraph.startIndex, to: open)
        let line = starts.last { $0.offset <= offset }?.line ?? 0
        out.append((DocLocation(page: name, line: line), String(paragraph[afterOpen..<close])))
        index = paragraph.index(after: close)
      }
      paragraph = ""
      starts = []
    }
    for (i, line) in lines.enumerated() {
      if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
        flush()
        inBlock.toggle()
        continue
      }
      if inBlock { continue }
      if line.trimmingCharacters(in: .whitespaces).isEmpty {
        flush()
        continue
      }
      starts.append((paragraph.count, i + 1))
      paragraph += line + " "
    }
    flush()
    return out
  }

  /// Every `hpolab …` command line: code-block lines starting with `hpolab` (continuations joined), and inline spans.
  var commandLines: [DocCommandLine] {
    var out: [DocCommandLine] = []
    var pending: (Int, String)? = nil
    for (line, text, language) in codeLines where language != "toml" && language != "swift" {
      var t = text.trimmingCharacters(in: .whitespaces)
      if t.hasPrefix("$ ") { t.removeFirst(2) }
      if let (start, head) = pending {
        let joined = head + " " + t
        if joined.hasSuffix("\\") {
          pending = (start, String(joined.dropLast()))
        } else {
          out.append(DocCommandLine(location: .init(page: name, line: start), text: joined))
          pending = nil
        }
        continue
      }
      guard t.hasPrefix("hpolab ") else { continue }
      if t.hasSuffix("\\") { pending = (line, String(t.dropLast())) } else {
        out.append(DocCommandLine(location: .init(page: name, line: line), text: t))
      }
    }
    for (location, code) in inlineCode where code.hasPrefix("hpolab ") {
      out.append(DocCommandLine(location: location, text: code))
    }
    return out
  }

  /// Every `--option` named in inline code or in an `hpolab` code line.
  var optionMentions: [(location: DocLocation, option: String)] {
    var out: [(DocLocation, String)] = []
    for (location, code) in inlineCode where code.hasPrefix("--") {
      out += DocsChecker.options(in: code).map { (location, $0) }
    }
    for line in commandLines { out += DocsChecker.options(in: line.command).map { (line.location, $0) } }
    return out
  }

  /// Algorithm options the page documents: `--option KEY=VALUE` in command lines; inline `KEY=VALUE` /
  /// `KEY = VALUE` spans; `` `KEY` (`a`|`b`) `` value lists; and the keys listed after an algorithm
  /// name, `` `soo` (`k`, `inheritance`, …) `` or in a sentence "string options are `k`, `inherit` …".
  var algorithmOptions: [DocAlgorithmOption] {
    var out: [DocAlgorithmOption] = []
    for line in commandLines {
      let words = line.command.split(separator: " ").map(String.init)
      let algorithm = words.firstIndex(of: "--algorithm").flatMap { i in i + 1 < words.count ? words[i + 1] : nil }
        .flatMap { ProposerCatalogue.isKnown($0) ? $0 : nil }
      for (i, w) in words.enumerated() where w == "--option" && i + 1 < words.count {
        let kv = words[i + 1].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard let eq = kv.firstIndex(of: "=") else { continue }
        out.append(.init(location: line.location, algorithm: algorithm, key: String(kv[..<eq]), values: [String(kv[kv.index(after: eq)...])]))
      }
    }
    let spans = inlineCode
    for (k, span) in spans.enumerated() {
      let code = span.code.trimmingCharacters(in: .whitespaces)
      // KEY=VALUE or KEY = VALUE, with a lowercase key (not a shell variable or a study-file line with quotes).
      if let m = code.wholeMatch(of: /([a-z][a-z0-9_-]*) ?= ?([A-Za-z0-9_.:-]+)/), !code.hasPrefix("--") {
        let key = String(m.1)
        if DocsChecker.isAlgorithmOptionContext(key) && !DocsChecker.studyKeys.contains(key) {
          out.append(.init(location: span.location, algorithm: nil, key: key, values: [String(m.2)]))
        }
      }
      // `KEY` (`a`|`b`|…): a key with its values; `ALGORITHM` (`k1`, `k2`, …): an algorithm's keys.
      let rest = text(after: k, in: spans)
      if code.wholeMatch(of: /[a-z][a-z0-9_-]*/) != nil, let list = rest {
        if ProposerCatalogue.isKnown(code) {
          for key in list.keys {
            out.append(.init(location: span.location, algorithm: code, key: key, values: []))
          }
        } else if DocsChecker.isAlgorithmOptionContext(code) || list.isValueList {
          out.append(.init(location: span.location, algorithm: nil, key: code, values: list.values))
        }
      }
    }
    // "The string options are `k`, `inherit` (…), … and `max_idle_sweeps`."
    for (location, sentence) in sentences where sentence.lowercased().contains("options are") {
      // Top-level spans only: the values in parentheses belong to the key before them.
      let listed = sentence.components(separatedBy: "options are").last?.replacing(/\([^)]*\)/, with: "") ?? ""
      let keys = DocsChecker.topLevelSpans(listed)
      for key in keys where key.wholeMatch(of: /[a-z][a-z0-9_-]*/) != nil {
        out.append(.init(location: location, algorithm: nil, key: key, values: []))
      }
    }
    return out
  }

  /// The parenthesised list right after inline span `k`, when the paragraph text continues with ` (`…`)`.
  private func text(after k: Int, in spans: [(location: DocLocation, code: String)]) -> DocList? {
    // Rebuild the prose after the span from the page text: find "`code` (" and read to the matching ")".
    let marker = "`\(spans[k].code)` ("
    let flat = text.replacingOccurrences(of: "\n", with: " ")
    var count = 0
    var search = flat.startIndex
    while let r = flat.range(of: marker, range: search..<flat.endIndex) {
      // Take the occurrence whose rank among equal spans matches k's rank.
      let rank = spans[..<k].filter { $0.code == spans[k].code }.count
      if count == rank {
        guard let close = flat[r.upperBound...].firstIndex(of: ")") else { return nil }
        return DocList(text: String(flat[r.upperBound..<close]))
      }
      count += 1
      search = r.upperBound
    }
    return nil
  }

  /// Sentences of prose (outside code blocks), with the line each starts on.
  private var sentences: [(DocLocation, String)] {
    var out: [(DocLocation, String)] = []
    var inBlock = false
    var current = ""
    var start = 0
    for (i, line) in text.components(separatedBy: "\n").enumerated() {
      if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inBlock.toggle(); continue }
      if inBlock { continue }
      for ch in line + " " {
        if current.isEmpty { start = i + 1 }
        current.append(ch)
        if ch == "." && !current.hasSuffix("..") {
          out.append((DocLocation(page: name, line: start), current))
          current = ""
        }
      }
      if line.trimmingCharacters(in: .whitespaces).isEmpty, !current.trimmingCharacters(in: .whitespaces).isEmpty {
        out.append((DocLocation(page: name, line: start), current))
        current = ""
      }
    }
    return out
  }

  /// The fenced TOML blocks that define a study (they have a `[study]` table).
  var tomlBlocks: [(location: DocLocation, text: String)] {
    var out: [(DocLocation, String)] = []
    var current: [String] = []
    var start = 0
    var language: String? = nil
    for (i, line) in text.components(separatedBy: "\n").enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("```") {
        if language == nil {
          language = String(trimmed.dropFirst(3))
          current = []
          start = i + 2
        } else {
          if language == "toml", current.contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[study]") }) {
            out.append((DocLocation(page: name, line: start), current.joined(separator: "\n")))
          }
          language = nil
        }
        continue
      }
      if language != nil { current.append(line) }
    }
    return out
  }
}

/// A parenthesised list after an inline span: `` (`a`|`b`|integer) `` or `` (`k`, `inheritance`, …) ``.
struct DocList {
  var text: String
  /// The backticked entries.
  var spans: [String] { DocsChecker.topLevelSpans(text) }
  /// Entries separated by `|`: values of one key.
  var isValueList: Bool { text.contains("|") }
  var values: [String] { isValueList ? spans : [] }
  var keys: [String] { isValueList ? [] : spans }
}

/// One `hpolab …` line of the docs.
struct DocCommandLine: Sendable {
  var location: DocLocation
  var text: String
  /// The command without a trailing comment, pipe or redirection.
  var command: String {
    var t = text
    for cut in [" #", " |", " >", " &&", ";"] {
      if let r = t.range(of: cut) { t = String(t[..<r.lowerBound]) }
    }
    return t.trimmingCharacters(in: .whitespaces)
  }
}

/// An algorithm option named in the docs: a key (of `algorithm`, or of any algorithm) and the values given for it.
struct DocAlgorithmOption: Sendable {
  var location: DocLocation
  var algorithm: String?
  var key: String
  var values: [String]
}

/// The checks, each returning the problems it found as `page:line: what`.
enum DocsChecker {
  /// Every algorithm's option keys.
  static var allOptionKeys: Set<String> { Set(ProposerCatalogue.optionNames.values.flatMap { $0 }) }

  /// Keys of a study file's tables, which share some names with algorithm options (`budget = 64`).
  static let studyKeys: Set<String> = [
    "name", "description", "workers", "modes", "seeds", "budget", "hours", "overhead", "recorded", "evaluators", "metric",
    "target", "paired", "direction", "label", "options", "preset", "parameters", "integers",
  ]

  /// Options of the programs hpolab drives, named in docs/live.md (litgpt's own command line).
  static let foreignOptions: Set<String> = [
    "optimizer", "devices",
    "key",  // docs/live.md: `--key` or `--key=value`, a litgpt option in general
    "gpus-per-task", "signal",  // docs/live.md: sbatch options of the shipped SLURM template
  ]

  /// Whether `key` reads as an algorithm option (a key some algorithm has, or one the docs once used for one).
  static func isAlgorithmOptionContext(_ key: String) -> Bool {
    allOptionKeys.contains(key) || ["inherit", "h_max", "max_idle_sweeps"].contains(key)
  }

  /// The `--option` names in `text` (without the dashes).
  static func options(in text: String) -> [String] {
    text.matches(of: /(?:^|[\s\[\(\{|])--([a-z][a-z0-9-]*)/).map { String($0.1) }
  }

  /// The backticked spans of `text`.
  static func topLevelSpans(_ text: String) -> [String] {
    text.matches(of: /`([^`]+)`/).map { String($0.1) }
  }

  /// Checks one command line: its subcommand path exists and each of its `--options` belongs to that command.
  static func check(_ line: DocCommandLine, tree: CommandTree) -> [String] {
    let words = line.command.split(separator: " ").map(String.init).dropFirst()
    var node = tree
    var path = ["hpolab"]
    for word in words {
      // `fit|check`: each alternative must be a subcommand; the first one is followed.
      let alternatives = word.split(separator: "|").map(String.init)
      let found = alternatives.compactMap { w in node.subcommands.first { $0.name == w } }
      guard let next = found.first else { break }
      if found.count != alternatives.count, alternatives.count > 1 {
        return ["\(line.location): '\(word)': not every alternative is a subcommand of \(path.joined(separator: " "))"]
      }
      node = next
      path.append(word)
    }
    // A group without a default subcommand needs one: a following lowercase word must name it.
    if !node.subcommands.isEmpty && node.defaultSubcommand == nil, let next = words.dropFirst(path.count - 1).first,
      next.first?.isLowercase == true
    {
      return ["\(line.location): '\(path.joined(separator: " ")) \(next)': no such subcommand (valid: \(node.subcommands.map(\.name).joined(separator: ", ")))"]
    }
    let effective = node.defaultSubcommand.flatMap { d in node.subcommands.first { $0.name == d } }
    let known = node.options.union(effective?.options ?? []).union(["help", "version"])
    return options(in: line.command).filter { !known.contains($0) }.map {
      "\(line.location): '\(path.joined(separator: " "))' has no option '--\($0)'"
    }
  }

  /// Checks one algorithm option against the catalogue: the key must exist (for the algorithm, when named),
  /// and each value given must be accepted (by building the proposer with it).
  static func check(_ option: DocAlgorithmOption) -> String? {
    let algorithms = option.algorithm.map { [$0] } ?? ProposerCatalogue.names.filter {
      ProposerCatalogue.optionNames[$0]?.contains(option.key) == true
    }
    guard !algorithms.isEmpty, algorithms.allSatisfy({ ProposerCatalogue.optionNames[$0]?.contains(option.key) == true }) else {
      let of = option.algorithm.map { "algorithm '\($0)'" } ?? "any algorithm"
      return "\(option.location): '\(option.key)' is not an option of \(of) (keys: \(allOptionKeys.sorted().joined(separator: ", ")))"
    }
    for value in option.values where value.first?.isUppercase != true {
      let accepted = algorithms.contains { a in
        (try? ProposerCatalogue.make(a, options: [option.key: value], space: .llama32_1B, budget: 20)) != nil
      }
      if !accepted { return "\(option.location): option '\(option.key)' does not accept '\(value)' (\(algorithms.joined(separator: ", ")))" }
    }
    return nil
  }

  /// Parses a study file from the docs and builds every algorithm with its options, as `hpolab study run` does
  /// before running anything; evaluators must be of a known kind.
  static func checkStudy(_ text: String, location: DocLocation) -> String? {
    do {
      let spec = try StudySpec(text: text, file: "\(location.page)")
      for a in spec.algorithms {
        _ = try ProposerCatalogue.make(a.name, options: a.options, space: spec.space ?? .llama32_1B, budget: spec.budget ?? 20)
      }
      for e in spec.evaluators where !EvaluatorCatalogue.isKnownKind(e.name) {
        return "\(location): unknown evaluator '\(e.name)'"
      }
      return nil
    } catch {
      return "\(location) (study file starting here): \(error)"
    }
  }
}

/// The command tree of the built binary, from `hpolab --experimental-dump-help`.
struct CommandTree: Sendable {
  var name: String
  var options: Set<String> = []
  var subcommands: [CommandTree] = []
  var defaultSubcommand: String? = nil

  init(name: String) { self.name = name }

  init(dumpHelp data: Data) throws {
    struct Info: Decodable { var command: Command }
    struct Name: Decodable { var kind: String; var name: String }
    struct Argument: Decodable { var kind: String; var names: [Name]? }
    struct Command: Decodable {
      var commandName: String
      var arguments: [Argument]?
      var subcommands: [Command]?
      var defaultSubcommand: String?
    }
    func convert(_ c: Command) -> CommandTree {
      var t = CommandTree(name: c.commandName)
      t.options = Set((c.arguments ?? []).flatMap { a in (a.names ?? []).filter { $0.kind == "long" }.map(\.name) })
      t.subcommands = (c.subcommands ?? []).map(convert)
      t.defaultSubcommand = c.defaultSubcommand
      return t
    }
    self = convert(try JSONDecoder().decode(Info.self, from: data).command)
  }

  /// The long options of every command in the tree.
  var allOptions: Set<String> { subcommands.reduce(options.union(["help", "version"])) { $0.union($1.allOptions) } }
}

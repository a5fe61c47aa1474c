import Foundation
import LabCore

/// A set of campaigns, looked up by name or alias: the shipped `campaigns/*.toml`, plus those a database holds.
public struct CampaignCatalogue: Sendable, Hashable {
  /// The campaigns, in order (shipped files sorted by file name, then others in the order given).
  public private(set) var campaigns: [Campaign]

  /// A catalogue of `campaigns`.
  /// - Throws: `.invalidInput` when two campaigns share a name or an alias (case-insensitive).
  public init(_ campaigns: [Campaign]) throws {
    var taken: [String: String] = [:]
    for c in campaigns {
      for n in [c.name] + c.aliases {
        if let other = taken[n.lowercased()] {
          throw LabError(.invalidInput, "campaign name or alias '\(n)' of \(c.name) is already used by \(other)")
        }
        taken[n.lowercased()] = c.name
      }
    }
    self.campaigns = campaigns
  }

  /// The campaign called `name` (its name, or an alias in any case).
  /// - Throws: `.notFound` listing the known names and aliases.
  public func campaign(named name: String) throws -> Campaign {
    if let c = campaigns.first(where: { $0.name == name }) ?? campaigns.first(where: { $0.isNamed(name) }) { return c }
    throw LabError(.notFound, "unknown campaign '\(name)'; valid: \(validNames)", location: .init(field: "campaign"))
  }

  /// The campaign and run entry that list run `run`, if any.
  public func recordedRun(_ run: String) -> (campaign: Campaign, run: CampaignRun)? {
    for c in campaigns { if let r = c.run(named: run) { return (c, r) } }
    return nil
  }

  /// The campaign and run entry that list file `file` (a file name such as `soo_bis.json`), if any.
  public func recordedFile(_ file: String) -> (campaign: Campaign, run: CampaignRun)? {
    for c in campaigns { if let r = c.run(file: file) { return (c, r) } }
    return nil
  }

  /// The names with their aliases, for messages: `llama-3.2-1b (alias B), llama-3.2-3b (alias A)`.
  public var validNames: String {
    campaigns.isEmpty ? "none (no campaign file found; see docs/campaigns.md)" : campaigns.map(\.displayName).joined(separator: ", ")
  }

  /// This catalogue with `campaign` added, or replacing the campaign of the same name.
  /// - Throws: `.invalidInput` when its name or an alias is another campaign's.
  public func adding(_ campaign: Campaign) throws -> CampaignCatalogue {
    var list = campaigns.filter { $0.name != campaign.name }
    list.append(campaign)
    return try CampaignCatalogue(list)
  }
}

extension CampaignCatalogue {
  /// The environment variable naming the folder of campaign files.
  public static let environmentVariable = "HPOLAB_CAMPAIGNS"

  /// The campaign files of `folder` (`*.toml`, sorted by name).
  /// - Throws: what ``Campaign/read(fileAtPath:name:)`` throws for a bad file, `.invalidInput` for a repeated name.
  public static func load(folder: URL) throws -> CampaignCatalogue {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    let files = names.filter { $0.hasSuffix(".toml") }.sorted()
    return try CampaignCatalogue(files.map { try Campaign.read(fileAtPath: folder.appendingPathComponent($0).path) })
  }

  /// The folder of shipped campaign files: `explicit`, else `$HPOLAB_CAMPAIGNS`, else `campaigns` under the
  /// current directory or one of its five parents (the first holding a `*.toml`), else in this source tree.
  /// - Throws: `.notFound` naming an explicit folder that does not exist, or listing the places tried.
  public static func locate(_ explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
    if let explicit {
      let url = URL(fileURLWithPath: explicit)
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw LabError(.notFound, "folder of campaign files does not exist", location: .init(file: url.path))
      }
      return url
    }
    if let value = environment[environmentVariable], !value.isEmpty { return URL(fileURLWithPath: value) }
    var roots: [URL] = []
    var here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<6 {
      roots.append(here)
      here = here.deletingLastPathComponent()
    }
    // This file is Sources/LabData/CampaignCatalogue.swift: the package root is three levels up.
    var source = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { source = source.deletingLastPathComponent() }
    roots.append(source)
    var tried: [String] = []
    for root in roots {
      let candidate = root.appendingPathComponent("campaigns").standardizedFileURL
      let names = (try? FileManager.default.contentsOfDirectory(atPath: candidate.path)) ?? []
      if names.contains(where: { $0.hasSuffix(".toml") }) { return candidate }
      tried.append(candidate.path)
    }
    throw LabError(
      .notFound, "campaign files not found (set $\(environmentVariable)); tried \(tried.prefix(4).joined(separator: ", ")) …")
  }

  /// The shipped campaigns (``locate(_:environment:)``, read once per process); empty when none are found.
  public static let shipped: CampaignCatalogue = {
    guard let folder = try? locate(), let catalogue = try? load(folder: folder) else { return emptyCatalogue }
    return catalogue
  }()

  /// Why ``shipped`` is empty, if it is: the error of locating or reading the campaign files.
  public static var shippedProblem: LabError? {
    do {
      _ = try load(folder: try locate())
      return nil
    } catch let e as LabError { return e } catch { return LabError(.io, "\(error)") }
  }

  private static let emptyCatalogue: CampaignCatalogue = {
    guard let c = try? CampaignCatalogue([]) else { fatalError("an empty catalogue is valid") }
    return c
  }()
}

extension Campaign {
  /// The shipped campaign that lists recorded run `run` (by the campaign files' `[[runs]]`), if any.
  public static func of(run: String) -> Campaign? { CampaignCatalogue.shipped.recordedRun(run)?.campaign }

  /// The shipped campaign that lists recorded run `run`.
  /// - Throws: `.notFound` naming the run and the campaigns known.
  public static func recorded(run: String) throws -> Campaign {
    if let c = of(run: run) { return c }
    throw LabError(
      .notFound,
      "recorded run '\(run)' belongs to no campaign file ([[runs]] of campaigns/*.toml); known campaigns: \(CampaignCatalogue.shipped.validNames)")
  }

  /// The algorithm campaign files give run `run` (nil when no campaign lists it).
  public static func algorithm(ofRun run: String) -> String? { CampaignCatalogue.shipped.recordedRun(run)?.run.algorithm }
}

import Foundation
import LabCore
import LabData
import LabEvaluators
import LabPlot

extension FigureEntry {
  /// HellaSwag and MMLU of every evaluated trial of several runs.
  static let scores = FigureEntry(
    kind: .scores, summary: "HellaSwag and MMLU of every evaluated trial", sources: [.study, .run, .recorded]
  ) { plotter in
    let style = plotter.style
    switch plotter.source {
    case .study(let spec, let simulated, let recorded):
      if !recorded.isEmpty {
        return [try Figures.scores(ScoresData(runs: recorded.map(\.record), labels: recorded.map(\.name), subtitle: "study \(spec.name): recorded runs"), style: style)]
      }
      let firstSeed = spec.seeds.first
      let chosen = simulated.filter { $0.cell.seed == firstSeed && $0.cell.workers == spec.workers.min() && $0.cell.mode == spec.modes.first }
      let withScores = chosen.filter { c in c.record.completed.contains { $0.metrics[MetricName.mmluAcc] != nil } }
      let data = ScoresData(
        runs: withScores.map(\.record), labels: withScores.map { "\($0.cell.algorithm.label) (\($0.cell.evaluator.name))" },
        subtitle: "study \(spec.name): seed \(firstSeed.map(String.init) ?? "-"), W = \(spec.workers.min() ?? 1)")
      return [try Figures.scores(data, style: style)]
    case .run(let id, let record):
      return [try Figures.scores(ScoresData(runs: [record], labels: [record.spec.algorithm], subtitle: "run \(id)"), style: style)]
    case .recorded:
      let folder = try SurrogateLocations.traces(plotter.command.traces)
      var trials: [RecordedTrial] = []
      let campaigns = try plotter.command.campaign.map { [try SurrogateEvaluator.campaign(named: $0)] } ?? CampaignCatalogue.shipped.campaigns
      for c in campaigns {
        for r in c.runs {
          trials += try TraceParser.parse(data: try TraceParser.readFile(folder.appendingPathComponent(r.file)), run: r.run, file: folder.appendingPathComponent(r.file).path).trials
        }
      }
      let what = campaigns.map { "campaign \($0.name)\($0.model.isEmpty ? "" : " (\($0.model))")" }.joined(separator: " and ")
      return [try Figures.scores(ScoresData(recorded: trials, subtitle: "recorded A100 runs, \(what)"), style: style)]
    }
  }
}

// The text form of `hpolab surrogate check`.

import Foundation
import LabCore

extension SurrogateCheckReport {
  /// The report as text: CV table, max means, time, noise, fidelity, then every target with met / NOT met.
  public var text: String {
    var lines: [String] = []
    lines.append("surrogate \(campaign): \(trials) evaluated trials; 10-fold split seed \(foldSeed) (every fold refits the surrogate); top end: acc ≥ \(topEndThreshold) (\(topEndTrials) trials)")
    lines.append("metric               split   RMSE     R²      Spearman  top-end  cov50  cov90")
    for m in metrics {
      for (label, s) in [("10-fold", m.tenFold), ("LORO", m.leaveOneRunOut)] {
        lines.append(
          m.metric.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + label.padding(toLength: 7, withPad: " ", startingAt: 0)
            + String(format: " %.4f  %6.3f  %6.3f    %6.3f   %.2f   %.2f", s.rmse, s.r2, s.spearman, s.topEndSpearman, s.coverage50, s.coverage90))
      }
      lines.append(
        String(format: "  training RMSE %.4f; best recorded %.4f; max mean %.4f (%+.4f) at ", m.trainingRMSE, m.bestObserved, m.maxPredictedMean, m.maxPredictedMean - m.bestObserved)
          + Configuration(values: m.maxPredictedAt).describe(in: space))
    }
    lines.append(String(format: "time: training RMSE %.3f min in sample, %.3f min 10-fold; evaluation robust SD %.3f min", time.trainingRMSEInSample, time.trainingRMSETenFold, time.evaluationRMSE))
    let sd = SurrogateSpec.modelledMetrics.map { String(format: "%@ %.2e", $0, noise.plateauSD[$0] ?? 0) }.joined(separator: ", ")
    lines.append(String(format: "noise: plateau SD %@; zero up to lr 10^%.2f, full from 10^%.2f; %@", sd, noise.quietUpTo, noise.fullFrom, noise.calibration))
    let f = fidelity
    if f.repeats.isEmpty {
      lines.append("repeats: none recorded in this campaign (the noise is borrowed, see above)")
    } else {
      lines.append(String(format: "repeats: %d recorded repeated configurations; non-cliff: pooled recorded SD %.2e, median surrogate SD %.2e; largest surrogate SD on the plateau %.2e", f.repeats.count, f.pooledRecordedSD, f.medianSurrogateSD, f.maxPlateauSurrogateSD))
    }
    lines.append(String(format: "uniform draws (%d): collapsed %.3f, intermediate %.3f, high %.3f, lowest %.4f", f.uniform.count, f.uniform.collapsed, f.uniform.intermediate, f.uniform.high, f.uniform.minimum))
    lines.append(String(format: "  %@ (%d runs): %.2f [%.3f, %.3f], %.2f [%.3f, %.3f], %.2f [%.3f, %.3f] (95%% Wilson); lowest recorded %.4f", f.recordedDesignRun, f.recordedDesign.count, f.recordedDesign.collapsed, f.wilsonCollapsed.lowerBound, f.wilsonCollapsed.upperBound, f.recordedDesign.intermediate, f.wilsonIntermediate.lowerBound, f.wilsonIntermediate.upperBound, f.recordedDesign.high, f.wilsonHigh.lowerBound, f.wilsonHigh.upperBound, f.recordedMinimum))
    for c in f.cliffs {
      lines.append(String(format: "cliff %@: %d draws: collapsed (< 0.30) %.3f, between %.3f, high (≥ 0.42) %.3f; collapse probability %@; %@", c.name, c.draws, c.collapsed, c.between, c.high, c.collapseProbability.map { String(format: "%.3f", $0) } ?? "n/a", c.recorded))
    }
    let goals = SurrogateValidation.goalsCampaign
    lines.append("targets\(campaign == goals ? "" : " (the goals set on \(goals), applied as they are)"):")
    for t in targets {
      lines.append("  [\(t.met ? "met" : "NOT met")] \(t.name): \(String(format: "%.4g", t.value)) (goal \(t.goal))")
    }
    return lines.joined(separator: "\n")
  }
}

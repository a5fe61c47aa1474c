import Foundation
import LabCore
import LabData
import LabPlot
import LabStatistics
import Testing
import LabTestSupport

@Suite struct DataFormatTests {
  @Test func numbersHaveAFixedNumberOfDecimalsAndNoNegativeZero() {
    #expect(DataFormat.fixed(0.5) == "0.500000")
    #expect(DataFormat.fixed(2.0 / 3.0, decimals: 3) == "0.667")
    #expect(DataFormat.fixed(-1e-9) == "0.000000")
    #expect(DataFormat.fixed(-0.25, decimals: 2) == "-0.25")
    #expect(DataFormat.fixed(12345.5, decimals: 0) == "12346")
    #expect(DataFormat.fixed(Double.nan) == "NaN")
    #expect(DataFormat.fixed(Double.infinity) == "NaN")
    #expect(DataFormat.fixed(nil as Double?) == "NaN")
  }

  @Test func blocksAreSeparatedByTwoBlankLinesForGnuplotsIndex() {
    var t = DataTable(fileName: "x.dat", comments: ["a table"], columns: ["x", "y"])
    t.beginBlock("first")
    t.row([1, 2], decimals: 1)
    t.beginBlock("second")
    t.row([3, 4], decimals: 1)
    #expect(t.blocks == 2)
    #expect(t.text == "# a table\n# columns: x y\n# block 0: first\n1.0 2.0\n\n\n# block 1: second\n3.0 4.0\n")
  }

  @Test func labelsWithUnderscoresAreEscapedForEnhancedText() throws {
    let figure = try Figures.scores(
      ScoresData(runs: [.init(label: "soo_bis", index: [1], hellaswag: [0.5], mmlu: [0.4])]), style: .standard(.png))
    #expect(figure.script.contains("title \"soo\\\\_bis\""))
  }
}

@Suite struct FigureDataTests {
  @Test func convergenceSummaryIsTheMedianAndQuartilesOfBestSoFarCurves() throws {
    let data = try ConvergenceData.summarizing(Fixture.study, axis: .evaluations)
    // One panel per worker count; W = 4 holds both modes (async first), each with the algorithms in first-run order.
    #expect(data.panels == ["W = 1", "W = 4"])
    let async = Fixture.algorithms.map { "\($0) · async" }
    let sync = Fixture.algorithms.map { "\($0) · sync" }
    #expect(data.series.map(\.label) == async + async + sync)
    #expect(data.series.map(\.mode) == Array(repeating: .async, count: 6) + Array(repeating: .sync, count: 3))
    let bo = data.series[0]
    let runs = Fixture.study.filter { $0.spec.algorithm == "bo" && $0.spec.workers == 1 }
    let finals = runs.map { $0.bestSoFar().last?.best ?? .nan }.sorted()
    #expect(bo.x == (1...8).map(Double.init))
    #expect(bo.median[7] == finals[1])
    #expect(bo.q1[7] == Descriptive.quantileSorted(finals, 0.25))
    #expect(bo.q3[7] == Descriptive.quantileSorted(finals, 0.75))
    #expect(zip(bo.q1, bo.q3).allSatisfy { $0 <= $1 })
  }

  @Test func recordedRunsAreDrawnAsPointsBesideTheOneWorkerCurvesOnly() throws {
    var recorded = Fixture.run(algorithm: "bo", workers: 1, mode: .async, seed: 9)
    recorded.spec.algorithm = "bo_bis"
    let data = try ConvergenceData.summarizing(Fixture.study, axis: .evaluations, recorded: [recorded])
    // One point series, in the W = 1 panel, at the recorded run's own best-so-far values.
    #expect(data.recorded.map(\.panel) == ["W = 1"])
    #expect(data.recorded[0].label == "bo_bis")
    #expect(data.recorded[0].y == recorded.bestSoFar().map(\.best))
    let figure = try Figures.convergence(data, style: .standard(.png))
    #expect(figure.script.contains("title \"bo\\\\_bis (recorded run)\""))
  }

  @Test func quartilesCountARunWithoutAResultYetAsTheWorst() throws {
    // Three runs whose first results arrive at 1 h, 2 h and 3 h: before 2 h, the median run has no value.
    let runs = (1...3).map { k -> RunRecord in
      var run = Fixture.run(algorithm: "bo", workers: 1, mode: .async, seed: UInt64(k), trials: 1)
      run.trials[0].start = 0
      run.trials[0].end = Double(k) * 3600
      run.trials[0].metrics[MetricName.hellaswagAcc] = 0.3 + 0.1 * Double(k)
      run.makespan = Double(k) * 3600
      return run
    }
    let data = try ConvergenceData.summarizing(runs, axis: .hours, gridPoints: 4)
    let s = data.series[0]
    #expect(s.x == [0, 1, 2, 3])
    // Sorted values at 1 h: [−∞, −∞, 0.4]; at 2 h: [−∞, 0.4, 0.5]; at 3 h: [0.4, 0.5, 0.6].
    // Leaving the runs without a value out would report a "median" of 0.4 at 1 h from one run of three.
    #expect(s.median[0].isNaN && s.median[1].isNaN)
    #expect(abs(s.median[2] - 0.4) < 1e-12 && abs(s.median[3] - 0.5) < 1e-12)
    #expect(s.q1[2].isNaN && abs(s.q3[3] - 0.55) < 1e-12)
  }

  @Test func aSingleSettingGivesOnePanelNamedInTheSubtitle() throws {
    let runs = Fixture.study.filter { $0.spec.workers == 1 }
    let data = try ConvergenceData.summarizing(runs, axis: .evaluations)
    #expect(data.panels == [nil])
    #expect(data.subtitle.contains("W = 1, async"))
  }

  @Test func scalingDividesTheOneWorkerMedianByTheMedianAtW() throws {
    let data = try ScalingData.summarizing(Fixture.study, target: 0.5)
    let boAsync = try #require(data.series.first { $0.algorithm == "bo" && $0.mode == .async })
    #expect(boAsync.workers == [1, 4])
    #expect(boAsync.speedUp[0] == 1)
    let base = boAsync.hoursMedian[0]
    #expect(abs(boAsync.speedUp[1] - base / boAsync.hoursMedian[1]) < 1e-12)
    // Sync has no W = 1 runs of its own: the async one-worker median is its base.
    let boSync = try #require(data.series.first { $0.algorithm == "bo" && $0.mode == .sync })
    #expect(abs(boSync.speedUp[0] - base / boSync.hoursMedian[0]) < 1e-12)
    // The slow random search never reaches 0.5 in 8 trials: no time, no speed-up.
    let random = try #require(data.series.first { $0.algorithm == "random" && $0.mode == .async })
    #expect(random.hoursMedian.allSatisfy(\.isNaN) && random.speedUp.allSatisfy(\.isNaN))
  }

  @Test func timelineKeepsEveryWorkerRowAndMeasuresIdleTime() {
    let bars = [
      TimelineBar(trial: 0, worker: 0, start: 0, end: 3600, score: 0.5, state: .completed),
      TimelineBar(trial: 1, worker: 1, start: 0, end: 1800, score: nil, state: .failed),
    ]
    let data = TimelineData(metric: MetricName.hellaswagAcc, workers: 2, bars: bars)
    // Worker 1 idles for half of the one-hour makespan: 1/4 of the worker-time.
    #expect(abs(data.idleFraction - 0.25) < 1e-12)
    let fromRun = TimelineData(run: Fixture.run(algorithm: "soo", workers: 4, mode: .sync, seed: 0))
    #expect(fromRun.workers == 4 && fromRun.bars.count == 8)
  }

  @Test func criticalDifferenceCliquesAreMaximalRunsInRankOrder() {
    // Ranks in order: bo 1.8, bamsoo 2.4, soo 2.9, lhs 3.6, random 4.3 with CD 1.364.
    // Groups: bo..soo (1.1 apart), bamsoo..lhs (1.2), lhs..random (0.7); soo..random is 1.4 > CD,
    // and soo..lhs is dropped because bamsoo..lhs contains it.
    #expect(Fixture.ranks.cliques == [[0, 2, 1], [2, 1, 3], [3, 4]])
  }

  @Test func mismatchedLengthsAreRejectedNamingTheSeries() {
    let error = #expect(throws: LabError.self) {
      try ConvergenceSeries(label: "bo", x: [1, 2], median: [0.5], q1: [0.4, 0.4], q3: [0.6, 0.6])
    }
    #expect(error?.code == .invalidInput)
    #expect(error?.message.contains("'bo'") == true)
  }

  @Test func anEmptyFigureIsAnInputErrorNotAnEmptyPicture() {
    let error = #expect(throws: LabError.self) {
      try Figures.timeline(TimelineData(metric: "value", workers: 1, bars: []), style: .standard(.png))
    }
    #expect(error?.message.contains("figure 'timeline'") == true)
  }

  @Test func recordedTracesGiveOneScoreSeriesPerRunInFileOrder() throws {
    let folder = try Fixtures.traceFolder()
    var trials: [RecordedTrial] = []
    for name in ["bo_bis", "bamsoo_bis"] {
      trials += try TraceParser.parse(contentsOf: folder.appendingPathComponent("\(name).json")).trials
    }
    let data = ScoresData(recorded: trials)
    #expect(data.runs.map(\.label) == ["bo_bis", "bamsoo_bis"])
    // bo_bis recorded 50 evaluations; bamsoo_bis 52 evaluated lines (its 16 approximated leaves are not trials).
    #expect(data.runs.map(\.index.count) == [50, 52])
    #expect(data.runs[0].index == Array(1...50))
  }
}


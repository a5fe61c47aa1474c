import LabCore
import Testing

@testable import LabLive

/// How a finished step's exit and log become a failure reason; the srun lines are those
/// slurm-wlm 22.05 printed on this machine when a job step was scancelled.
@Suite("Failure classification of a finished step")
struct FailureClassificationTests {
  func outcome(_ termination: Termination, _ ending: ProcessOutcome.Ending = .finished) -> ProcessOutcome {
    ProcessOutcome(termination: termination, ending: ending, seconds: 3, pid: 42)
  }

  @Test("a scancelled SLURM step is 'killed', whichever of srun's two lines the log kept")
  func scancelledStep() throws {
    let withStepd = "srun: Job step aborted\nslurmstepd: error: *** STEP 1.0 ON host CANCELLED AT 2026-12-04T04:07:04 ***\n"
    let withSrunOnly = "srun: launch/slurm: _step_signal: Terminating StepId=1.0\n"
    for log in [withStepd, withSrunOnly] {
      let reason = try #require(LitGPTEvaluator.classify(step: "finetune", outcome: outcome(.exited(137)), log: log, timeLimit: nil))
      #expect(reason.code == FailureCode.killed)
      #expect(reason.detail.contains("cancelled by SLURM"))
    }
  }

  @Test("our own time limit wins over srun's lines; a plain non-zero exit stays 'nonzero-exit'; exit 0 is no failure")
  func otherEndings() throws {
    let srun = "srun: launch/slurm: _step_signal: Terminating StepId=1.0\n"
    let timedOut = try #require(
      LitGPTEvaluator.classify(step: "finetune", outcome: outcome(.signalled(9), .timedOut), log: srun, timeLimit: 30))
    #expect(timedOut.code == FailureCode.timeout)
    let plain = try #require(LitGPTEvaluator.classify(step: "finetune", outcome: outcome(.exited(1)), log: "Traceback\nValueError: x\n", timeLimit: nil))
    #expect(plain.code == FailureCode.nonzeroExit)
    #expect(LitGPTEvaluator.classify(step: "finetune", outcome: outcome(.exited(0)), log: srun, timeLimit: nil) == nil)
  }
}

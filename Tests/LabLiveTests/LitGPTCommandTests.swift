import Foundation
import LabCore
import LabData
import Testing

@testable import LabLive

@Suite("litgpt argument arrays and launchers")
struct LitGPTCommandTests {
  let settings = LitGPTSettings(litgpt: "/opt/venv/bin/litgpt", checkpoint: "/models/Llama-3.2-1B", devices: 4)
  let h = LoRAHyperparameters(rank: 43, alpha: 14, dropout: 0.46840276512386103, learningRate: 2.064762935585204e-08,
                              weightDecay: 5.731286802231619e-05)

  @Test("finetune_lora gets the recorded runs' exact argument array")
  func finetuneArguments() {
    let args = LitGPTCommands.finetune(h, settings: settings, outDir: "/runs/r/trials/trial-0000/finetune", seed: 12)
    #expect(args == [
      "/opt/venv/bin/litgpt", "finetune_lora", "/models/Llama-3.2-1B",
      "--out_dir", "/runs/r/trials/trial-0000/finetune",
      "--devices", "4", "--precision", "bf16-true", "--seed", "12",
      "--train.epochs", "1", "--train.lr_warmup_steps", "100",
      "--optimizer",
      "{\"class_path\": \"torch.optim.AdamW\", \"init_args\": {\"lr\": 2.064762935585204e-08, \"weight_decay\": 5.731286802231619e-05, \"betas\": [0.9, 0.999]}}",
      "--eval.interval", "1000",
      "--lora_query", "true", "--lora_key", "true", "--lora_value", "true", "--lora_head", "true",
      "--lora_r", "43", "--lora_alpha", "14", "--lora_dropout", "0.46840276512386103",
    ])
  }

  @Test("a CPU run uses one device, 32-true, data and max steps when given, and evaluate gets --device cpu")
  func cpuArguments() {
    var cpu = settings
    cpu.devices = 0
    cpu.data = "/data/tiny.json"
    cpu.maxSteps = 10
    cpu.tasks = ["tiny_qa"]
    cpu.evalBatchSize = 4
    let ft = LitGPTCommands.finetune(h, settings: cpu, outDir: "/o", seed: 1)
    #expect(Array(ft[5...8]) == ["--devices", "1", "--precision", "32-true"])
    #expect(ft.suffix(4) == ["--data", "JSON", "--data.json_path", "/data/tiny.json"])
    #expect(ft.contains("--train.max_steps") && ft[ft.firstIndex(of: "--train.max_steps")! + 1] == "10")
    let ev = LitGPTCommands.evaluate(finalDir: "/o/final", evalDir: "/e", settings: cpu, seed: 1)
    #expect(ev == [
      "/opt/venv/bin/litgpt", "evaluate", "/o/final", "--out_dir", "/e", "--tasks", "tiny_qa", "--seed", "1",
      "--batch_size", "4", "--device", "cpu",
    ])
  }

  @Test("rank and alpha come from the configuration as integers (truncated), other values exactly")
  func hyperparametersFromConfiguration() throws {
    let space = SearchSpace.llama32_1B
    let point = space.point(base: [43.807402177866486, 14.631339202194047, 0.46840276512386103, -7.685129804384033, -4.24174785824788])
    let hp = try LoRAHyperparameters(space.configuration(for: point), in: space)
    #expect(hp.rank == 43 && hp.alpha == 14)
    #expect(hp.dropout == 0.46840276512386103)
    #expect(hp.learningRate == 2.064762935585204e-08)
    #expect(hp.weightDecay == 5.731286802231619e-05)
  }

  @Test("a space without the LoRA parameters is rejected naming the missing one")
  func missingParameter() throws {
    let space = try SearchSpace([Parameter("x", .float, lower: 0, upper: 1)])
    let error = #expect(throws: LabError.self) { try LoRAHyperparameters(Configuration(values: [0.5]), in: space) }
    #expect(error?.message.contains("'lora_rank'") == true)
  }

  @Test("relative paths are refused: litgpt would take them for hub model ids")
  func relativePaths() {
    var s = settings
    s.checkpoint = "checkpoints/meta-llama/Llama-3.2-1B"
    let checkpoint = #expect(throws: LabError.self) { try s.validate() }
    #expect(checkpoint?.location?.field == "checkpoint")
    s.checkpoint = "/ok"
    s.data = "alpaca.json"
    let data = #expect(throws: LabError.self) { try s.validate() }
    #expect(data?.location?.field == "data")
  }

  @Test("8 GPUs, 4 per trial make 2 slots; too few GPUs are refused")
  func partition() throws {
    let slots = try WorkerSlot.partition(workers: 2, perTrial: 4, visible: Array(0..<8))
    #expect(slots.map(\.gpus) == [[0, 1, 2, 3], [4, 5, 6, 7]])
    let cpu = try WorkerSlot.partition(workers: 3, perTrial: 0, visible: [])
    #expect(cpu.map(\.gpus) == [[], [], []])
    #expect(throws: LabError.self) { try WorkerSlot.partition(workers: 3, perTrial: 4, visible: Array(0..<8)) }
    let oar = try WorkerSlot.partition(workers: 4, perTrial: 2, visible: [0, 1, 2, 3], nodes: ["n1", "n2"])
    #expect(oar.map(\.node) == ["n1", "n2", "n1", "n2"])
    #expect(oar.map(\.gpus) == [[0, 1], [0, 1], [2, 3], [2, 3]])
  }

  @Test("launchers are argument templates: local as is, SLURM one srun step, OAR oarsh with quoted arguments")
  func launchers() {
    let cmd = ["/bin/litgpt", "evaluate", "/x y"]
    let slot = WorkerSlot(index: 1, gpus: [4, 5], node: "gpu-7")
    let env = trialEnvironmentOverrides(slot: slot, launcher: .oar)
    #expect(Launcher.local.wrap(cmd, slot: slot, gpusPerTrial: 2, trial: 3, environment: env) == cmd)
    #expect(Launcher.slurm.wrap(cmd, slot: slot, gpusPerTrial: 2, trial: 3, environment: env) == [
      "srun", "--ntasks=1", "--nodes=1", "--exclusive", "--kill-on-bad-exit=1", "--job-name=hpolab-trial-3", "--gpus=2",
      "/bin/litgpt", "evaluate", "/x y",
    ])
    #expect(Launcher.oar.wrap(cmd, slot: slot, gpusPerTrial: 2, trial: 3, environment: env) == [
      "oarsh", "gpu-7", "'env'", "'CUDA_VISIBLE_DEVICES=4,5'", "'HF_DATASETS_OFFLINE=1'", "'HF_HUB_OFFLINE=1'",
      "'TOKENIZERS_PARALLELISM=false'", "'/bin/litgpt'", "'evaluate'", "'/x y'",
    ])
    // SLURM binds GPUs itself; local and OAR set them.
    #expect(trialEnvironment(base: [:], slot: slot, launcher: .slurm)["CUDA_VISIBLE_DEVICES"] == nil)
    #expect(trialEnvironment(base: ["A": "b"], slot: slot, launcher: .local) == [
      "A": "b", "CUDA_VISIBLE_DEVICES": "4,5", "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
      "TOKENIZERS_PARALLELISM": "false",
    ])
  }

  @Test("the OAR quoting gives the remote shell back every byte, metacharacters included")
  func shellQuoteRoundTrip() throws {
    let nasty = ["plain", "two words", "it's", "$(touch /tmp/pwned-hpolab)", "`id`", "a;b|c&d", "\"q\"", "back\\slash", "*", ""]
    let script = "printf '%s\\n' " + nasty.map(Launcher.shellQuote).joined(separator: " ")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", script]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.map(String.init) == nasty)
    #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned-hpolab"))
  }
}

#!/usr/bin/env python3
"""Builds everything a tiny, offline, CPU-only live run of hpolab needs (validate-live only).

Writes under OUT:
  checkpoint/   a 2-layer Llama-style litgpt checkpoint (~100 k parameters): lit_model.pth,
                model_config.yaml, a matching Hugging Face config.json (litgpt evaluate needs it),
                a byte-level BPE tokenizer.json trained here and tokenizer_config.json
  data/         train.json and val.json: tiny instruction data for `--data JSON --data.json_path OUT/data`
  tasks/        hellaswag.jsonl, mmlu.jsonl and two lm-eval YAML tasks named `hellaswag` and `mmlu`

and, with --install-tasks, makes the two tasks visible to lm-eval inside the virtual environment:
the venv's own lm_eval/tasks/hellaswag and lm_eval/tasks/mmlu folders are moved aside (never deleted)
into lm_eval/tasks-moved-by-hpolab/, and our YAMLs are copied to lm_eval/tasks/hpolab_local/. The run
then uses exactly the production argument arrays (`--tasks hellaswag,mmlu`) without the hub, and the
exported trace has the recorded shape (hellaswag acc/acc_norm, mmlu acc).

Run it with the virtual environment's python (it imports torch, litgpt, tokenizers, transformers).
"""
import argparse
import json
import random
import shutil
from pathlib import Path

WORDS = ("the cat sat on a mat while the dog ran to the park and a bird sang in the old tree "
         "red blue green small large quick slow happy sad water fire earth wind one two three four").split()


def corpus(n, rng):
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 14))) for _ in range(n)]


def build_tokenizer(out, rng):
    from tokenizers import ByteLevelBPETokenizer
    tok = ByteLevelBPETokenizer()
    tok.train_from_iterator(corpus(400, rng), vocab_size=512, min_frequency=1,
                            special_tokens=["<s>", "</s>", "<unk>", "<pad>"])
    tok.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "add_bos_token": False, "model_max_length": 256,
    }, indent=2))
    return tok.get_vocab_size()


def build_checkpoint(out, vocab, seed):
    import torch
    from litgpt.config import Config
    from litgpt.model import GPT
    from litgpt.utils import save_config
    padded = ((vocab + 63) // 64) * 64
    config = Config(name="hpolab-tiny-llama", block_size=256, vocab_size=vocab, padded_vocab_size=padded,
                    n_layer=2, n_head=2, n_query_groups=2, n_embd=32, rotary_percentage=1.0,
                    parallel_residual=False, bias=False, norm_class_name="RMSNorm", norm_eps=1e-5,
                    mlp_class_name="LLaMAMLP", intermediate_size=64, rope_base=10000)
    torch.manual_seed(seed)
    model = GPT(config)
    torch.save(model.state_dict(), out / "lit_model.pth")
    save_config(config, out)
    (out / "config.json").write_text(json.dumps({
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": padded,
        "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
        "num_key_value_heads": 2, "head_dim": 16, "max_position_embeddings": 256, "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0, "tie_word_embeddings": False, "hidden_act": "silu", "bos_token_id": 0,
        "eos_token_id": 1, "torch_dtype": "float32", "attention_bias": False, "mlp_bias": False,
    }, indent=2))
    (out / "generation_config.json").write_text(json.dumps({"bos_token_id": 0, "eos_token_id": 1}))
    return sum(p.numel() for p in model.parameters())


def build_data(out, rng):
    items = [{"instruction": f"Repeat: {s}", "input": "", "output": s} for s in corpus(48, rng)]
    (out / "train.json").write_text(json.dumps(items[:40], indent=1))
    (out / "val.json").write_text(json.dumps(items[40:], indent=1))


def build_tasks(out, rng):
    colours = ["red", "blue", "green", "small", "large", "quick", "slow"]
    for name, metrics in (("hellaswag", ["acc", "acc_norm"]), ("mmlu", ["acc"])):
        rows = []
        for _ in range(12):
            choices = rng.sample(colours, 4)
            rows.append({"query": "the cat sat on a " + rng.choice(WORDS), "choices": choices,
                         "label": rng.randrange(4)})
        data = out / f"{name}.jsonl"
        data.write_text("".join(json.dumps(r) + "\n" for r in rows))
        metric_list = "".join(f"  - metric: {m}\n    aggregation: mean\n    higher_is_better: true\n" for m in metrics)
        (out / f"{name}.yaml").write_text(
            f"task: {name}\n"
            "dataset_path: json\n"
            "dataset_kwargs:\n"
            "  data_files:\n"
            f"    validation: {data}\n"
            "validation_split: validation\n"
            "output_type: multiple_choice\n"
            "doc_to_text: \"{{query}}\"\n"
            "doc_to_target: \"{{label}}\"\n"
            "doc_to_choice: \"{{choices}}\"\n"
            f"metric_list:\n{metric_list}"
            "metadata:\n  version: 1.0\n")


def install_tasks(tasks):
    import lm_eval.tasks
    root = Path(lm_eval.tasks.__file__).parent
    moved = root.parent / "tasks-moved-by-hpolab"
    moved.mkdir(exist_ok=True)
    for name in ("hellaswag", "mmlu"):
        if (root / name).exists() and not (moved / name).exists():
            shutil.move(str(root / name), str(moved / name))
    local = root / "hpolab_local"
    local.mkdir(exist_ok=True)
    for name in ("hellaswag", "mmlu"):
        shutil.copy(tasks / f"{name}.yaml", local / f"{name}.yaml")
    print(f"lm-eval tasks 'hellaswag' and 'mmlu' now read {tasks} (originals in {moved})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--install-tasks", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = args.out.resolve()
    for sub in ("checkpoint", "data", "tasks"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    vocab = build_tokenizer(out / "checkpoint", rng)
    n = build_checkpoint(out / "checkpoint", vocab, args.seed)
    build_data(out / "data", rng)
    build_tasks(out / "tasks", rng)
    print(f"checkpoint {out / 'checkpoint'}: {n} parameters, vocabulary {vocab}")
    if args.install_tasks:
        install_tasks(out / "tasks")


if __name__ == "__main__":
    main()

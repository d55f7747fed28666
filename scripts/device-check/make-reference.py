"""Writes what the device check compares against: a Qwen2.5-shaped checkpoint with random bf16 weights, transformers'
logits for fixed token ids, and (optionally) the time of a PyTorch + PEFT LoRA step on the check's training shapes.

Runs on the GPU machine (python3 there holds torch, transformers and peft), or on a CPU with --device cpu --tiny.
Usage: python3 make-reference.py --output DIR [--device cuda|cpu] [--tiny] [--peft-shapes qwen2.5-0.5b,qwen2.5-1.5b]
Writes DIR/model (config.json, model.safetensors), DIR/reference.json (ids, the logits' shape, the file holding them,
transformers' own bf16-compute error as a yardstick), DIR/reference-logits.f32 (little-endian float32) and
DIR/peft-steps.json.
"""
import argparse
import json
import os
import sys
import time

import torch
from transformers import AutoModelForCausalLM, Qwen2Config

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

# The published Qwen2.5 shapes (config.json of Qwen/Qwen2.5-0.5B and -1.5B); the same table lives in model-shapes.ts.
SHAPES = {
    "qwen2.5-0.5b": dict(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2),
    "qwen2.5-1.5b": dict(vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12, num_key_value_heads=2),
    "tiny": dict(vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2),
}
COMMON = dict(rms_norm_eps=1e-6, tie_word_embeddings=True, max_position_embeddings=32768, rope_parameters=dict(rope_type="default", rope_theta=1000000.0))


def config_of(shape):
    return Qwen2Config(**SHAPES[shape], **COMMON)


def write_reference(output, device, shape, batch, length):
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config_of(shape), dtype=torch.bfloat16).to(device)
    model_directory = os.path.join(output, "model")
    model.save_pretrained(model_directory, safe_serialization=True)
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(0, SHAPES[shape]["vocab_size"], (batch, length), generator=generator)
    with torch.no_grad():
        bfloat16_logits = model(input_ids=ids.to(device)).logits.float()
        # The reference computes in float32 from the same bf16 weights (TF32 off), so it carries no rounding of its own.
        torch.backends.cuda.matmul.allow_tf32 = False
        reference = model.float()(input_ids=ids.to(device)).logits.float()
    logits = reference.cpu().contiguous().numpy().astype("<f4")
    logits.tofile(os.path.join(output, "reference-logits.f32"))
    summary = {
        "shape": shape,
        "ids": ids.tolist(),
        "logitsShape": list(logits.shape),
        "logitsFile": "reference-logits.f32",
        "referenceMaxAbs": float(reference.abs().max()),
        "transformersBfloat16MaxAbsError": float((bfloat16_logits - reference).abs().max()),
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
        "torch": torch.__version__,
    }
    with open(os.path.join(output, "reference.json"), "w") as file:
        json.dump(summary, file)
    del model
    return summary


def time_peft_step(shape, batch, length, device, steps):
    """Seconds per LoRA step (rank 16, all seven projections, bf16 base, AdamW) with PyTorch + PEFT."""
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_config(config_of(shape), dtype=torch.bfloat16, attn_implementation="sdpa").to(device)
    model = get_peft_model(base, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=TARGETS))
    trainable = sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)
    optimizer = torch.optim.AdamW([parameter for parameter in model.parameters() if parameter.requires_grad], lr=1e-4)
    ids = torch.randint(0, SHAPES[shape]["vocab_size"], (batch, length), device=device)
    torch.cuda.reset_peak_memory_stats() if device == "cuda" else None
    times = []
    for step in range(steps + 2):
        started = time.perf_counter()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_([parameter for parameter in model.parameters() if parameter.requires_grad], 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device == "cuda":
            torch.cuda.synchronize()
        if step >= 2:
            times.append(time.perf_counter() - started)
    seconds = sorted(times)[len(times) // 2]
    result = {
        "shape": shape, "batch": batch, "sequenceLength": length, "trainableParameters": trainable,
        "secondsPerStep": seconds, "tokensPerSecond": batch * length / seconds, "loss": float(loss.detach()),
        "peakDeviceBytes": torch.cuda.max_memory_allocated() if device == "cuda" else None,
    }
    del model, base, optimizer
    if device == "cuda":
        torch.cuda.empty_cache()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", required=True)
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--tiny", action="store_true", help="tiny shapes (a CPU can run them)")
    parser.add_argument("--logits-batch", type=int, default=2)
    parser.add_argument("--logits-length", type=int, default=64)
    parser.add_argument("--peft-shapes", default="", help="comma-separated shape names to time a PEFT LoRA step on")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--sequence-length", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=5)
    arguments = parser.parse_args()
    if arguments.device == "cuda" and not torch.cuda.is_available():
        sys.exit("make-reference.py: --device cuda, but torch sees no CUDA device")
    os.makedirs(arguments.output, exist_ok=True)
    started = time.perf_counter()
    summary = write_reference(arguments.output, arguments.device, "tiny" if arguments.tiny else "qwen2.5-0.5b", arguments.logits_batch, arguments.logits_length)
    print(f"reference: {summary['logitsShape']} logits in {time.perf_counter() - started:.1f} s", flush=True)
    steps = []
    for shape in filter(None, arguments.peft_shapes.split(",")):
        try:
            steps.append(time_peft_step(shape, arguments.batch, arguments.sequence_length, arguments.device, arguments.steps))
        except Exception as error:  # one shape failing (out of memory, say) is a result, not the end of the run
            steps.append({"shape": shape, "error": f"{type(error).__name__}: {error}"[:500]})
        print(f"peft step: {json.dumps(steps[-1])}", flush=True)
        # Written after every shape, so a run stopped by its time limit keeps the shapes already timed.
        with open(os.path.join(arguments.output, "peft-steps.json"), "w") as file:
            json.dump({"steps": steps}, file)


if __name__ == "__main__":
    main()

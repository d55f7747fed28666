"""Writes the model-family fixtures the trainer's tests compare against, with transformers and PEFT as the reference.

For each family: a tiny checkpoint with random weights (save_pretrained, bf16 on disk), its config in both layouts
(transformers 5 rope_parameters as saved, and the 4.x rope_theta/rope_scaling form published checkpoints carry),
transformers' float32 logits for fixed inputs, a PEFT LoRA adapter with PEFT's logits and gradients, and the
round trip: PEFT loads the adapter the trainer saves and reproduces the trainer's logits.

Development time only (CI has no Python): run from the repository root with a venv holding torch, transformers,
peft and safetensors:  python scripts/reference/generate-family-fixtures.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import save_file
from transformers import AutoConfig, AutoModelForCausalLM

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUTPUT = os.path.join(ROOT, "test", "fixtures", "model-families")
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
BATCH, LENGTH = 2, 20

SHAPE = dict(vocab_size=96, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2)

# Each case names the published family it stands for and the parts it exercises.
CASES = [
    ("llama3", "llama", dict(tie_word_embeddings=True, rope_parameters=dict(
        rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
        original_max_position_embeddings=8))),
    ("qwen2.5", "qwen2", dict(tie_word_embeddings=True, rope_parameters=dict(rope_type="default", rope_theta=1000000.0))),
    ("smollm2", "llama", dict(tie_word_embeddings=True, num_key_value_heads=4, rope_parameters=dict(rope_type="default", rope_theta=100000.0))),
    ("mistral", "mistral", dict(sliding_window=8, rope_parameters=dict(rope_type="default", rope_theta=1000000.0))),
    ("gemma2", "gemma2", dict(num_hidden_layers=3, num_attention_heads=2, num_key_value_heads=1, head_dim=256, sliding_window=8,
                              query_pre_attn_scalar=224, attn_logit_softcapping=4.0, final_logit_softcapping=2.0)),
    ("llama-linear", "llama", dict(rope_parameters=dict(rope_type="linear", rope_theta=10000.0, factor=4.0))),
]


def legacy_layout(config: dict) -> dict:
    """The 4.x form: rope_theta at the top, the scaling (if any) under rope_scaling."""
    legacy = dict(config)
    parameters = dict(legacy.pop("rope_parameters"))
    legacy["rope_theta"] = parameters.pop("rope_theta")
    if parameters.get("rope_type", "default") != "default":
        legacy["rope_scaling"] = parameters
    if legacy["model_type"] == "gemma2":
        legacy.pop("layer_types", None)
        legacy["hidden_act"] = legacy["hidden_activation"]
    legacy["transformers_version"] = "4.46.0"
    return legacy


def forward_logits(model, ids):
    with torch.no_grad():
        return model(input_ids=ids).logits.float()


def max_abs(a, b):
    return float((a - b).abs().max())


def run_case(name, model_type, overrides, generator):
    directory = os.path.join(OUTPUT, name)
    shutil.rmtree(directory, ignore_errors=True)
    settings = {**SHAPE, **overrides}
    config = AutoConfig.for_model(model_type, **settings)
    config._attn_implementation = "eager"
    torch.manual_seed(generator)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    with torch.no_grad():
        for parameter in model.parameters():
            # Norm weights and biases away from their initial 1/0, and matrices large enough that rotary angles, windows
            # and caps move the logits well past the tolerance.
            parameter.copy_(torch.randn_like(parameter) * (0.1 if parameter.dim() == 1 else 0.3))
    # bf16 on disk; the float32 reference runs on those same rounded values.
    model = model.to(torch.bfloat16).to(torch.float32)
    model.save_pretrained(directory, safe_serialization=True)
    saved = os.path.join(directory, "model.safetensors")
    state = {key: value.to(torch.bfloat16).contiguous() for key, value in model.state_dict().items() if not (config.tie_word_embeddings and key == "lm_head.weight")}
    save_file(state, saved, metadata={"format": "pt"})
    if os.path.exists(os.path.join(directory, "generation_config.json")):
        os.remove(os.path.join(directory, "generation_config.json"))
    with open(os.path.join(directory, "config.json")) as handle:
        modern = json.load(handle)
    legacy = legacy_layout(modern)
    with open(os.path.join(directory, "legacy-config.json"), "w") as handle:
        json.dump(legacy, handle, indent=2)

    # The reference is the checkpoint as transformers loads it (the in-memory copy's buffers went through bf16).
    model = AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32, attn_implementation="eager")
    ids = torch.randint(0, settings["vocab_size"], (BATCH, LENGTH), generator=torch.Generator().manual_seed(generator))
    reference = forward_logits(model, ids)
    # transformers reads the 4.x layout to the same model.
    with tempfile.TemporaryDirectory() as legacy_directory:
        shutil.copy(saved, legacy_directory)
        with open(os.path.join(legacy_directory, "config.json"), "w") as handle:
            json.dump(legacy, handle)
        reloaded = AutoModelForCausalLM.from_pretrained(legacy_directory, dtype=torch.float32, attn_implementation="eager")
        legacy_error = max_abs(forward_logits(reloaded, ids), reference)
        assert legacy_error < 1e-5, f"{name}: transformers reads the legacy layout differently ({legacy_error})"

    # PEFT: an adapter with random A and B (so both get gradients), its logits and gradients of the next-token loss.
    lora = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=TARGETS, init_lora_weights=False, task_type="CAUSAL_LM")
    torch.manual_seed(generator + 1)
    peft_model = get_peft_model(model, lora)
    with torch.no_grad():
        for key, parameter in peft_model.named_parameters():
            if "lora_" in key:
                parameter.copy_(torch.randn_like(parameter) * 0.1)
    adapter_logits = forward_logits(peft_model, ids)
    loss = peft_model(input_ids=ids, labels=ids).loss
    loss.backward()
    gradients = {key.replace(".default", ""): parameter.grad.detach().clone().contiguous()
                 for key, parameter in peft_model.named_parameters() if "lora_" in key}
    save_file(gradients, os.path.join(directory, "lora-gradients.safetensors"))
    peft_model.save_pretrained(os.path.join(directory, "adapter"))
    for extra in os.listdir(os.path.join(directory, "adapter")):
        if extra not in ("adapter_config.json", "adapter_model.safetensors"):
            os.remove(os.path.join(directory, "adapter", extra))

    fixture = {
        "family": name,
        "modelType": model_type,
        "ids": ids.tolist(),
        "logits": [round(value, 7) for value in reference.flatten().tolist()],
        "adapterLogits": [round(value, 7) for value in adapter_logits.flatten().tolist()],
        "loss": float(loss.detach()),
        "transformersVersion": modern.get("transformers_version"),
    }
    with open(os.path.join(directory, "reference.json"), "w") as handle:
        json.dump(fixture, handle)

    # Round trip: the trainer loads PEFT's adapter, saves its own, and PEFT must reproduce the trainer's logits.
    with tempfile.TemporaryDirectory() as ours:
        subprocess.run(["npx", "tsx", "scripts/reference/export-family-adapter.ts", directory, ours], cwd=ROOT, check=True)
        with open(os.path.join(ours, "logits.json")) as handle:
            trainer_logits = torch.tensor(json.load(handle)).reshape(adapter_logits.shape)
        base = AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32, attn_implementation="eager")
        reloaded = PeftModel.from_pretrained(base, ours)
        round_trip_error = max_abs(forward_logits(reloaded, ids), trainer_logits)
    fixture["peftRoundTrip"] = {"maxAbsLogitError": round_trip_error, "passed": round_trip_error < 1e-4}
    with open(os.path.join(directory, "reference.json"), "w") as handle:
        json.dump(fixture, handle)
    print(f"{name}: loss {float(loss):.4f}, PEFT round trip max error {round_trip_error:.2e}", flush=True)


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    only = set(sys.argv[1:])
    for index, (name, model_type, overrides) in enumerate(CASES):
        if only and name not in only:
            continue
        run_case(name, model_type, overrides, 1000 + index)


if __name__ == "__main__":
    main()

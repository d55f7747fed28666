"""Peer of the generation benchmark: transformers' own batched greedy generate on the same weights and prompts.

Reads one JSON object on stdin: {"threads", "rounds", "models": [{"model", "directory", "stopTokenIds",
"batches": [{"prompts": [[ids]], "newTokens": [n per prompt]}]}]}. Each batch is left-padded and decoded greedily
with max_new_tokens set to the longest reply of the batch; the time of all batches is the best of `rounds` runs after
one warm-up. Prints one JSON line: {"results": [{"model", "seconds", "firstBatch": [[ids] per prompt]}]}.
"""
import json
import sys
import time

import torch
from transformers import AutoModelForCausalLM


def run_batches(model, batches, stop_ids, pad_id):
    outputs = []
    for batch in batches:
        prompts = batch["prompts"]
        width = max(len(prompt) for prompt in prompts)
        input_ids = torch.tensor([[pad_id] * (width - len(prompt)) + prompt for prompt in prompts], dtype=torch.long)
        attention_mask = torch.tensor([[0] * (width - len(prompt)) + [1] * len(prompt) for prompt in prompts], dtype=torch.long)
        generated = model.generate(
            input_ids=input_ids,
            attention_mask=attention_mask,
            max_new_tokens=max(batch["newTokens"]),
            do_sample=False,
            eos_token_id=stop_ids,
            pad_token_id=pad_id,
        )
        outputs.append(generated[:, width:].tolist())
    return outputs


def main():
    request = json.load(sys.stdin)
    torch.set_num_threads(request["threads"])
    results = []
    for entry in request["models"]:
        model = AutoModelForCausalLM.from_pretrained(entry["directory"], dtype=torch.float32, attn_implementation="sdpa")
        model.eval()
        stop_ids = entry["stopTokenIds"]
        pad_id = stop_ids[0]
        with torch.inference_mode():
            outputs = run_batches(model, entry["batches"][:1], stop_ids, pad_id)
            best = float("inf")
            for _ in range(request["rounds"]):
                started = time.perf_counter()
                outputs = run_batches(model, entry["batches"], stop_ids, pad_id)
                best = min(best, time.perf_counter() - started)
        # The first batch's replies go back so the benchmark can check that both sides decode the same weights.
        results.append({"model": entry["model"], "seconds": best, "firstBatch": outputs[0]})
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()

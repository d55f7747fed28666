# The trainer benchmark's peer: transformers' Llama trained on CPU with PyTorch (AdamW, clipping, sdpa attention) on the
# same shapes and thread count, printing one JSON line of tokens/s. Run by bench/trainer.ts, once per model, with SWIRL_PEER_PYTHON.
import json
import sys
import time

import torch
import transformers


def measure(spec, minimum_seconds, maximum_steps):
    settings = {key: value for key, value in spec["config"].items() if key != "model_type"}
    config = transformers.LlamaConfig(**settings, attn_implementation="sdpa")
    torch.manual_seed(1)
    model = transformers.LlamaForCausalLM(config)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    batch, length = spec["batch"], spec["length"]
    ids = torch.randint(0, config.vocab_size, (batch, length))
    targets = torch.roll(ids, -1, dims=1)
    targets[:, -1] = -1

    def step():
        logits = model(input_ids=ids).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size), targets.reshape(-1), ignore_index=-1)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    step()
    durations = []
    started = time.perf_counter()
    while len(durations) < maximum_steps and (len(durations) < 3 or time.perf_counter() - started < minimum_seconds):
        step_started = time.perf_counter()
        loss = step()
        durations.append(time.perf_counter() - step_started)
    # The fastest step, as on the Swirl side: on a shared machine the others mostly measure the neighbours.
    best = min(durations)
    print(f"peer {spec['label']}: {len(durations)} steps, best {best * 1000:.0f} ms/step, {batch * length / best:.0f} tokens/s, loss {loss:.3f}", file=sys.stderr)
    return {"model": spec["label"], "tokensPerSec": round(batch * length / best)}


def main():
    request = json.loads(sys.argv[1])
    torch.set_num_threads(request["threads"])
    results = [measure(spec, request["seconds"], request["steps"]) for spec in request["models"]]
    print(json.dumps({"torch": torch.__version__.split("+")[0], "transformers": transformers.__version__, "threads": torch.get_num_threads(), "results": results}))


main()

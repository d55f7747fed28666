#!/usr/bin/env bash
# Runs the device check on a GPU machine that has nvcc, g++ and Python (torch, transformers, peft) but no Node:
# unpacks the carried Node, builds the addon with CUDA, writes the transformers reference (in parallel), runs the
# check and writes its JSON result (at most 2 + 150 + 285 s). Usage: bash run.sh [RESULT.json]  (default: $OUT/device-check.json where the
# device tool sets OUT, else device-check-result.json beside this script). The whole run stays under 8 minutes.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -n "${1:-}" ]; then result="$1"; elif [ -n "${OUT:-}" ]; then result="$OUT/device-check.json"; else result="$here/device-check-result.json"; fi
logs="$(dirname "$result")"
work="$(mktemp -d)"
started=$SECONDS
say() { echo "[device-check $((SECONDS - started)) s] $*"; }

# The check's own budget; the addon build and the reference come before it.
CHECK_BUDGET_SECONDS="${CHECK_BUDGET_SECONDS:-240}"
LORA_BATCH="${LORA_BATCH:-4}"
LORA_SEQUENCE_LENGTH="${LORA_SEQUENCE_LENGTH:-1024}"
# DEVICE_CHECK_TINY=1 rehearses the whole flow on a CPU: the emulated table, tiny shapes, the reference on the CPU.
if [ "${DEVICE_CHECK_TINY:-0}" = 1 ]; then
  device=emulated; python_device=cpu; size_arguments=(--tiny); peft_shapes=tiny; LORA_BATCH=2; LORA_SEQUENCE_LENGTH=16
else
  device=cuda; python_device=cuda; size_arguments=(); peft_shapes=qwen2.5-0.5b,qwen2.5-1.5b
fi

say "unpacking node"
if [ -f "$here/node.xz" ]; then
  xz -dc "$here/node.xz" > "$work/node" 2>/dev/null || python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$here/node.xz" > "$work/node"
else
  gzip -dc "$here/node.gz" > "$work/node"
fi
chmod +x "$work/node"
export PATH="$work:$PATH"
say "node $(node --version); $( (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "no nvidia-smi") 2>/dev/null | head -1)"
say "$(nvcc --version 2>&1 | tail -1); cuBLAS in the toolkit: $(ls "$(dirname "$(dirname "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)")")"/lib64/libcublas.so* 2>/dev/null | head -2 | tr '\n' ' ')"

# The reference runs on the GPU while the addon compiles on the CPU.
say "writing the transformers reference and timing PEFT steps (background)"
PYTHONUNBUFFERED=1 timeout 150 python3 "$here/make-reference.py" --output "$work/reference" --device "$python_device" ${size_arguments[@]+"${size_arguments[@]}"} \
  --peft-shapes "$peft_shapes" --batch "$LORA_BATCH" --sequence-length "$LORA_SEQUENCE_LENGTH" > "$logs/reference.log" 2>&1 &
reference_pid=$!

cp -r "$here/addon" "$work/addon"
say "building the addon"
if ! node "$here/build-addon.cjs" "$work/addon" "$here/node-headers" > "$logs/build.log" 2>&1; then say "addon build failed:"; tail -20 "$logs/build.log"; fi
tail -3 "$logs/build.log"
export SWIRL_TENSOR_ADDON="$work/addon/build/Release/swirl_tensor.node"

wait "$reference_pid" || say "the reference script failed (see reference.log); the logits part will record it"
tail -4 "$logs/reference.log"
reference_arguments=()
[ -f "$work/reference/reference.json" ] && reference_arguments+=(--reference "$work/reference")
[ -f "$work/reference/peft-steps.json" ] && reference_arguments+=(--peft "$work/reference/peft-steps.json")

say "running the check (budget ${CHECK_BUDGET_SECONDS} s)"
timeout $((CHECK_BUDGET_SECONDS + 45)) node --expose-gc --max-old-space-size=32768 "$here/device-check.cjs" --device "$device" ${size_arguments[@]+"${size_arguments[@]}"} \
  --budget-seconds "$CHECK_BUDGET_SECONDS" --batch "$LORA_BATCH" --sequence-length "$LORA_SEQUENCE_LENGTH" \
  ${reference_arguments[@]+"${reference_arguments[@]}"} --output "$result" 2> "$logs/check.log"
status=$?
cat "$logs/check.log"
if [ ! -s "$result" ]; then
  # The check died before writing its result (a crash in the addon, say): record that instead.
  python3 -c 'import json, sys; print(json.dumps({"format": "swirl-device-check/1", "crashed": True, "exitCode": int(sys.argv[1]), "logTail": open(sys.argv[2]).read()[-4000:]}))' "$status" "$logs/check.log" > "$result"
fi
say "result in $result (exit $status)"
rm -rf "$work"
exit "$status"

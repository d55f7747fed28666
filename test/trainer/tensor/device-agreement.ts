// Runs every kernel of the device-table interface on two tables with the same inputs and compares what each left in
// its buffers: the CUDA table against the emulated one where a GPU is present.
import type { DeviceBuffer, DeviceTable } from '../../../containers/trainer/src/tensor/device';

type Buffers = Record<string, DeviceBuffer>;

function randomValues(length: number, seed: number, scale = 1): Float32Array {
  const values = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = (state / 2 ** 32 - 0.5) * 2 * scale;
  }
  return values;
}

/** Largest difference relative to the reference's scale. */
function relativeError(candidate: Float32Array, reference: Float32Array): number {
  let scale = 1;
  for (const value of reference) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  for (let index = 0; index < reference.length; index += 1) worst = Math.max(worst, Math.abs(candidate[index] - reference[index]) / scale);
  return Number.isNaN(worst) ? Infinity : worst;
}

/** bf16 bits of small random values, identical on both tables. */
function bfloat16Bits(length: number, seed: number): Uint16Array {
  const values = randomValues(length, seed);
  return new Uint16Array(new Uint32Array(values.buffer).map((word) => word >>> 16));
}

type Check = (name: string, inputs: Record<string, Float32Array>, kernel: (table: DeviceTable, buffers: Buffers) => void, tolerance?: number) => void;

/** The family kernels every device table has (min/clamp, soft cap, GeGLU, table RoPE, windowed attention, dropout's mask). */
function checkFamilyKernels(check: Check, r: typeof randomValues): void {
  check('minimum', { a: r(30, 90), b: r(30, 91), out: r(30, 92), gradOut: r(30, 93), gradA: r(30, 94), gradB: r(30, 95) }, (t, b) => {
    t.minimumForward!(b.a, b.b, b.out);
    t.minimumBackward!(b.a, b.b, b.gradOut, b.gradA, null);
    t.minimumBackward!(b.a, b.b, b.gradOut, null, b.gradB);
  });
  check('clamp', { x: r(30, 96), out: r(30, 97), gradOut: r(30, 98), gradX: r(30, 99) }, (t, b) => {
    t.clampForward!(b.x, -0.4, 0.3, b.out);
    t.clampBackward!(b.x, -0.4, 0.3, b.gradOut, b.gradX);
  });
  check('softCap', { x: r(30, 100, 5), out: r(30, 101), gradOut: r(30, 102), gradX: r(30, 103) }, (t, b) => {
    t.softCapForward!(b.x, 2, b.out);
    t.softCapBackward!(b.out, 2, b.gradOut, b.gradX);
  });
  check('geglu', { gate: r(30, 104, 3), up: r(30, 105), out: r(30, 106), gradOut: r(30, 107), gradGate: r(30, 108), gradUp: r(30, 109) }, (t, b) => {
    t.gegluForward!(b.gate, b.up, b.out);
    t.gegluBackward!(b.gate, b.up, b.gradOut, b.gradGate, null);
    t.gegluBackward!(b.gate, b.up, b.gradOut, null, b.gradUp);
  });
  check('rotateByTable', { x: r(2 * 3 * 2 * 8, 110), out: r(2 * 3 * 2 * 8, 111), back: r(2 * 3 * 2 * 8, 112), cos: r(10 * 4, 113), sin: r(10 * 4, 114) }, (t, b) => {
    t.rotateByTable!(b.x, b.out, b.cos, b.sin, { batch: 2, sequenceLength: 3, heads: 2, headDim: 8, positions: new Int32Array([5, 6, 7]) }, 1, false);
    t.rotateByTable!(b.x, b.back, b.cos, b.sin, { batch: 2, sequenceLength: 3, heads: 2, headDim: 8, positions: new Int32Array([0, 1, 2, 4, 5, 9]) }, -1, true);
  });
  const base = { batch: 2, queryLength: 3, keyLength: 6, heads: 4, kvHeads: 2, headDim: 8, queryOffset: 3, scale: 0.35, keyMask: new Uint8Array([1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1]) };
  for (const [window, softCap] of [[null, null], [2, 3], [4, null]] as const) {
    const shape = { ...base, window, softCap };
    const sizes = { q: 2 * 3 * 4 * 8, kv: 2 * 6 * 2 * 8, p: 2 * 4 * 3 * 6 };
    check(`windowedAttention window ${window} cap ${softCap}`, { q: r(sizes.q, 115), k: r(sizes.kv, 116), v: r(sizes.kv, 117), out: r(sizes.q, 118), probabilities: r(sizes.p, 119), capSlopes: r(sizes.p, 120), gradOut: r(sizes.q, 121), gradQ: r(sizes.q, 122), gradK: r(sizes.kv, 123), gradV: r(sizes.kv, 124) }, (t, b) => {
      const capSlopes = softCap === null ? null : b.capSlopes;
      t.windowedAttentionForward!(b.q, b.k, b.v, shape, b.out, b.probabilities, capSlopes);
      t.windowedAttentionBackward!(b.q, b.k, b.v, b.probabilities, capSlopes, b.gradOut, shape, b.gradQ, b.gradK, b.gradV);
    }, 1e-3);
  }
  // The mask is the same hash on every table: bit for bit, views included.
  check('dropoutMask', { mask: r(1000, 125), view: r(40, 126) }, (t, b) => {
    t.dropoutMask!(0xdeadbeef, 0.3, b.mask);
    t.dropoutMask!(7, 0.5, t.view(b.view, 8, 20));
  }, 0);
}

export function compareDeviceTables(candidate: DeviceTable, reference: DeviceTable): void {
  const failures: string[] = [];
  const check: Check = (name, inputs, kernel, tolerance = 2e-4) => {
    const results = [candidate, reference].map((table) =>
      table.withScope(() => {
        const buffers: Buffers = Object.fromEntries(Object.entries(inputs).map(([key, values]) => [key, table.upload(values)]));
        kernel(table, buffers);
        return Object.fromEntries(Object.entries(buffers).map(([key, buffer]) => [key, table.download(buffer)]));
      }),
    );
    for (const key of Object.keys(inputs)) {
      const error = relativeError(results[0][key], results[1][key]);
      if (!(error <= tolerance)) failures.push(`${name}: ${key} differs by ${error} (tolerance ${tolerance})`);
    }
  };
  const r = randomValues;
  const weightBits = bfloat16Bits(24 * 16, 77);
  const bf16 = (table: DeviceTable): DeviceBuffer => table.uploadBfloat16(weightBits);

  check('fill', { x: r(37, 1) }, (t, b) => t.fill(t.view(b.x, 3, 20), 2.5));
  check('copyBlocks', { source: r(60, 2), target: r(60, 3) }, (t, b) => t.copyBlocks({ source: b.source, sourceOffset: 1, sourceStride: 12, target: b.target, targetOffset: 2, targetStride: 11, blockLength: 7, blocks: 5, accumulate: true }));
  check('permute', { source: r(2 * 3 * 4 * 5, 4), target: r(2 * 3 * 4 * 5, 5) }, (t, b) => t.permute(b.source, [2, 3, 4, 5], 1, 3, b.target, true));
  check('sumSquaresInto', { x: r(1000, 6), out: r(2, 7) }, (t, b) => t.sumSquaresInto(b.x, t.view(b.out, 1, 1)));
  const x = randomValues(999, 8);
  const scalars = [candidate, reference].map((table) => table.withScope(() => [table.sum(table.upload(x)), table.sumSquares(table.upload(x))]));
  if (relativeError(new Float32Array(scalars[0]), new Float32Array(scalars[1])) > 1e-5) failures.push(`sum and sumSquares: ${scalars[0].join()} ≠ ${scalars[1].join()}`);
  for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
    check(`gemm ${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}`, { a: r(3 * 5 * 7 + 2, 9), b: r(3 * 7 * 6, 10), c: r(3 * 5 * 6, 11) }, (t, b) =>
      t.gemm({ transposeA, transposeB, m: 5, n: 6, k: 7, alpha: 0.5, beta: 1, a: b.a, aOffset: 2, lda: transposeA ? 5 : 7, b: b.b, bOffset: 0, ldb: transposeB ? 7 : 6, c: b.c, cOffset: 0, ldc: 6, batch: 3, strideA: 35, strideB: 42, strideC: 30 }), 1e-2);
  }
  check('gemm into a shared output', { a: r(4 * 30, 12), b: r(4 * 30, 13), c: r(25, 14) }, (t, b) =>
    t.gemm({ transposeA: true, transposeB: false, m: 5, n: 5, k: 6, alpha: 1, beta: 0, a: b.a, aOffset: 0, lda: 5, b: b.b, bOffset: 0, ldb: 5, c: b.c, cOffset: 0, ldc: 5, batch: 4, strideA: 30, strideB: 30, strideC: 0 }), 1e-2);
  check('gemmBfloat16Weight forward', { x: r(3 * 16, 15), out: r(3 * 24, 16) }, (t, b) => t.gemmBfloat16Weight({ transposeWeight: true, m: 3, outputs: 24, inputs: 16, x: b.x, weight: bf16(t), out: b.out, accumulate: true }), 1e-2);
  check('gemmBfloat16Weight backward', { x: r(3 * 24, 17), out: r(3 * 16, 18) }, (t, b) => t.gemmBfloat16Weight({ transposeWeight: false, m: 3, outputs: 24, inputs: 16, x: b.x, weight: bf16(t), out: b.out, accumulate: false }), 1e-2);
  check('embeddingBfloat16', { out: r(4 * 16, 19) }, (t, b) => t.embeddingBfloat16(bf16(t), new Int32Array([3, 0, 23, 3]), 16, b.out));

  check('addBroadcast', { a: r(24, 20), b: r(6, 21), out: r(24, 22) }, (t, b) => t.addBroadcast(b.a, b.b, b.out));
  check('mulBroadcast', { a: r(24, 23), b: r(6, 24), out: r(24, 25) }, (t, b) => t.mulBroadcast(b.a, b.b, b.out));
  check('axpy', { x: r(50, 26), y: r(50, 27) }, (t, b) => t.axpy(-1.5, b.x, b.y));
  check('sumRowsInto', { x: r(40, 28), out: r(8, 29) }, (t, b) => t.sumRowsInto(0.5, b.x, b.out));
  check('sumRowsInto to one value', { x: r(5000, 127), out: r(3, 128) }, (t, b) => t.sumRowsInto(0.5, b.x, t.view(b.out, 1, 1)), 1e-4);
  check('mulSumRowsInto to few values', { x: r(6000, 129), y: r(6000, 130), out: r(3, 131) }, (t, b) => t.mulSumRowsInto(b.x, b.y, b.out), 1e-4);
  check('mulAccumulate', { x: r(40, 30), y: r(8, 31), out: r(40, 32) }, (t, b) => t.mulAccumulate(b.x, b.y, b.out));
  check('mulSumRowsInto', { x: r(40, 33), y: r(40, 34), out: r(8, 35) }, (t, b) => t.mulSumRowsInto(b.x, b.y, b.out));
  check('exp', { x: r(30, 36), out: r(30, 37) }, (t, b) => t.exp(b.x, b.out));
  check('scaleInPlace', { x: r(30, 38) }, (t, b) => t.scaleInPlace(t.view(b.x, 5, 10), 3));
  check('silu', { x: r(30, 39), out: r(30, 40), gradOut: r(30, 41), gradX: r(30, 42) }, (t, b) => {
    t.siluForward(b.x, b.out);
    t.siluBackward(b.x, b.gradOut, b.gradX);
  });
  check('swiglu', { gate: r(30, 43), up: r(30, 44), out: r(30, 45), gradOut: r(30, 46), gradGate: r(30, 47), gradUp: r(30, 48) }, (t, b) => {
    t.swigluForward(b.gate, b.up, b.out);
    t.swigluBackward(b.gate, b.up, b.gradOut, b.gradGate, null);
    t.swigluBackward(b.gate, b.up, b.gradOut, null, b.gradUp);
  });
  check('embedding', { weight: r(10 * 8, 49), out: r(5 * 8, 50), gradOut: r(5 * 8, 51), gradWeight: r(10 * 8, 52) }, (t, b) => {
    const ids = new Int32Array([9, 0, 4, 4, 2]);
    t.embeddingForward(b.weight, ids, 8, b.out);
    t.embeddingBackward(ids, b.gradOut, 8, b.gradWeight);
  });
  check('rmsNorm', { x: r(4 * 32, 53), weight: r(32, 54), out: r(4 * 32, 55), inverseRms: r(4, 56), gradOut: r(4 * 32, 57), gradX: r(4 * 32, 58), gradWeight: r(32, 59) }, (t, b) => {
    t.rmsNormForward(b.x, b.weight, 32, 1e-5, b.out, b.inverseRms);
    t.rmsNormBackward(b.x, b.weight, b.inverseRms, b.gradOut, 32, b.gradX, b.gradWeight);
  }, 1e-3);
  check('rope', { x: r(2 * 3 * 2 * 8, 60), out: r(2 * 3 * 2 * 8, 61), back: r(2 * 3 * 2 * 8, 62) }, (t, b) => {
    t.rope(b.x, b.out, { batch: 2, sequenceLength: 3, heads: 2, headDim: 8, theta: 10000, positions: new Int32Array([5, 6, 7]) }, 1, false);
    t.rope(b.x, b.back, { batch: 2, sequenceLength: 3, heads: 2, headDim: 8, theta: 500000, positions: new Int32Array([0, 1, 2, 4, 5, 9]) }, -1, true);
  });
  const shape = { batch: 2, queryLength: 3, keyLength: 5, heads: 4, kvHeads: 2, headDim: 8, queryOffset: 2, scale: 0.35, keyMask: new Uint8Array([1, 1, 0, 1, 1, 0, 1, 1, 1, 1]) };
  check('attention', { q: r(2 * 3 * 4 * 8, 63), k: r(2 * 5 * 2 * 8, 64), v: r(2 * 5 * 2 * 8, 65), out: r(2 * 3 * 4 * 8, 66), probabilities: r(2 * 4 * 3 * 5, 67), gradOut: r(2 * 3 * 4 * 8, 68), gradQ: r(2 * 3 * 4 * 8, 69), gradK: r(2 * 5 * 2 * 8, 70), gradV: r(2 * 5 * 2 * 8, 71) }, (t, b) => {
    t.attentionForward(b.q, b.k, b.v, shape, b.out, b.probabilities);
    t.attentionBackward(b.q, b.k, b.v, b.probabilities, b.gradOut, shape, b.gradQ, b.gradK, b.gradV);
  }, 1e-3);
  checkFamilyKernels(check, r);
  check('logSoftmaxGather', { logits: r(4 * 50, 72, 4), logProbs: r(4, 73), logSumExp: r(4, 74), gradLogProbs: r(4, 75), gradLogits: r(4 * 50, 76) }, (t, b) => {
    const targets = new Int32Array([3, -1, 49, 0]);
    t.logSoftmaxGatherForward(b.logits, targets, 50, b.logProbs, b.logSumExp);
    t.logSoftmaxGatherBackward(b.logits, targets, b.logSumExp, b.gradLogProbs, 50, b.gradLogits);
  });
  check('adamw', { param: r(64, 78), grad: r(64, 79), m: r(64, 80, 0.1), v: r(64, 81, 0.1).map(Math.abs) }, (t, b) =>
    t.adamw(b.param, b.grad, b.m, b.v, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, biasCorrection1: 0.19, biasCorrection2: 0.002 }), 1e-4);

  const rows = 12;
  const vocab = 3000;
  const logits = randomValues(rows * vocab, 82, 6);
  const sampling = { rows, vocab, temperatures: new Float64Array(rows).map((_, row) => (row % 4 === 0 ? 0 : 0.3 + row / 10)), topPs: new Float64Array(rows).map((_, row) => (row % 3 === 0 ? 1 : 0.5 + row / 40)), draws: Float64Array.from(randomValues(rows, 83), (draw) => Math.abs(draw)) };
  const chosen = [candidate, reference].map((table) => table.withScope(() => Array.from(table.sampleTokens(table.upload(logits), sampling))));
  if (chosen[0].join() !== chosen[1].join()) failures.push(`sampleTokens: ${chosen[0].join()} ≠ ${chosen[1].join()}`);

  expect(failures).toEqual([]);
}

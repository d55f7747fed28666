// Counter-based dropout masks: element i's draw is a hash of (seed, i), so a device expands one host-drawn seed into
// the very mask the host computes, with nothing but the seed crossing (native/cuda/family-elementwise.cu hashes alike).

/** A 32-bit integer finalizer (xor-shift and multiply rounds): every input bit reaches every output bit. */
function mixBits(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Drawing an integer below this drops an element: floor(p·2³²), so the comparison is exact on every backend. */
function dropThreshold(probability: number): number {
  return Math.floor(probability * 4294967296);
}

export function dropoutMask(seed: number, probability: number, out: Float32Array): void {
  const threshold = dropThreshold(probability);
  const keep = 1 / (1 - probability);
  const key = mixBits(seed);
  for (let index = 0; index < out.length; index += 1) out[index] = mixBits(mixBits(index ^ key) + seed) < threshold ? 0 : keep;
}

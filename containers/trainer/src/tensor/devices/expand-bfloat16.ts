// bf16 bits to float32 values: exact, since a bf16 value is the top half of a float32.

/** bits [start, start + count) → float32 values in `out`. */
export function expandBfloat16(bits: Uint16Array, start: number, count: number, out: Float32Array): void {
  const words = new Uint32Array(out.buffer, out.byteOffset, count);
  for (let index = 0; index < count; index += 1) words[index] = bits[start + index] << 16;
}

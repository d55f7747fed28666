// Conversions between float32 and the 16-bit formats safetensors files carry (bfloat16, IEEE half).

const conversionFloat = new Float32Array(1);
const conversionBits = new Uint32Array(conversionFloat.buffer);

/** bfloat16 bits → float32 (exact: bf16 is the top half of a float32). */
export function bfloat16ToFloat32(bits: number): number {
  conversionBits[0] = bits << 16;
  return conversionFloat[0];
}

/** float32 → bfloat16 bits with round-to-nearest-even (NaN stays NaN). */
export function float32ToBfloat16(value: number): number {
  conversionFloat[0] = value;
  const bits = conversionBits[0];
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x007fffff) !== 0) return ((bits >>> 16) | 0x0040) & 0xffff;
  const roundingBias = 0x7fff + ((bits >>> 16) & 1);
  return ((bits + roundingBias) >>> 16) & 0xffff;
}

/** IEEE 754 half-precision bits → float32. */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

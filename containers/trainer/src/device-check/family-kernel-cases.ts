// Device-check cases for the family kernels (min/clamp, soft cap, GeGLU, rotation by angle tables, windowed attention),
// dropout's seeded mask, and the column sums to a few values (the block-reduction path of the CUDA table).
import type { KernelBackend } from '../tensor/kernels';
import type { FamilyKernels } from '../tensor/family-kernels';
import type { KernelCase, KernelSizes } from './kernel-cases';

type Draw = (length: number, scale?: number) => Float32Array;

/** The family kernels of a table that has them all (a device check requires every one). */
function family<B>(kernels: KernelBackend<B>): FamilyKernels<B> {
  return kernels as KernelBackend<B> & FamilyKernels<B>;
}

function elementwiseFamilyCases(size: number, draw: Draw): KernelCase[] {
  return [
    { name: 'minimumForward', buffers: { a: draw(size), b: draw(size), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => family(k).minimumForward(b.a, b.b, b.out) },
    { name: 'minimumBackward', buffers: { a: draw(size), b: draw(size), gradOut: draw(size), gradA: draw(size), gradB: draw(size) }, outputs: ['gradA', 'gradB'], run: (k, b) => family(k).minimumBackward(b.a, b.b, b.gradOut, b.gradA, b.gradB) },
    { name: 'clampForward', buffers: { x: draw(size), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => family(k).clampForward(b.x, -0.7, 0.5, b.out) },
    { name: 'clampBackward', buffers: { x: draw(size), gradOut: draw(size), gradX: draw(size) }, outputs: ['gradX'], run: (k, b) => family(k).clampBackward(b.x, -0.7, 0.5, b.gradOut, b.gradX) },
    { name: 'softCapForward', buffers: { x: draw(size, 30), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => family(k).softCapForward(b.x, 30, b.out) },
    { name: 'softCapBackward', buffers: { out: draw(size, 10), gradOut: draw(size), gradX: draw(size) }, outputs: ['gradX'], run: (k, b) => family(k).softCapBackward(b.out, 30, b.gradOut, b.gradX) },
    { name: 'gegluForward', buffers: { gate: draw(size, 3), up: draw(size), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => family(k).gegluForward(b.gate, b.up, b.out) },
    { name: 'gegluBackward', buffers: { gate: draw(size, 3), up: draw(size), gradOut: draw(size), gradGate: draw(size), gradUp: draw(size) }, outputs: ['gradGate', 'gradUp'], run: (k, b) => family(k).gegluBackward(b.gate, b.up, b.gradOut, b.gradGate, b.gradUp) },
    { name: 'dropoutMask', buffers: { out: draw(size) }, outputs: ['out'], run: (k, b) => family(k).dropoutMask(0x9e3779b9, 0.1, b.out) },
  ];
}

function rotationCases(rows: number, heads: number, headDim: number, draw: Draw): KernelCase[] {
  const positions = 64;
  const tables = (): Float32Array => draw(positions * (headDim / 2));
  const size = 2 * rows * heads * headDim;
  const shared = Int32Array.from({ length: rows }, (_, t) => (t + 3) % positions);
  const perRow = Int32Array.from({ length: 2 * rows }, (_, r) => (r * 7) % positions);
  return [
    { name: 'rotateByTable, shared positions', buffers: { x: draw(size), out: draw(size), cos: tables(), sin: tables() }, outputs: ['out'], run: (k, b) => family(k).rotateByTable(b.x, b.out, b.cos, b.sin, { batch: 2, sequenceLength: rows, heads, headDim, positions: shared }, 1, false) },
    { name: 'rotateByTable inverse, per-row positions, accumulate', buffers: { x: draw(size), out: draw(size), cos: tables(), sin: tables() }, outputs: ['out'], run: (k, b) => family(k).rotateByTable(b.x, b.out, b.cos, b.sin, { batch: 2, sequenceLength: rows, heads, headDim, positions: perRow }, -1, true) },
  ];
}

function windowedAttentionCases({ batch, queryLength, keyLength, heads, kvHeads, headDim }: KernelSizes['attention'], draw: Draw): KernelCase[] {
  const keyMask = Uint8Array.from({ length: batch * keyLength }, (_, index) => (index % 13 === 5 ? 0 : 1));
  const base = { batch, queryLength, keyLength, heads, kvHeads, headDim, queryOffset: keyLength - queryLength, scale: 1 / Math.sqrt(headDim), keyMask };
  const window = Math.max(2, keyLength >> 2);
  const querySize = batch * queryLength * heads * headDim;
  const keySize = batch * keyLength * kvHeads * headDim;
  const probabilities = batch * heads * queryLength * keyLength;
  return ([[window, 20], [null, null]] as const).map(([windowSize, softCap]) => {
    const shape = { ...base, window: windowSize, softCap };
    return {
      name: `windowedAttentionForward then windowedAttentionBackward, window ${windowSize}, cap ${softCap}`,
      buffers: { q: draw(querySize), k: draw(keySize), v: draw(keySize), out: new Float32Array(querySize), probabilities: new Float32Array(probabilities), capSlopes: new Float32Array(probabilities), gradOut: draw(querySize), gradQ: draw(querySize), gradK: draw(keySize), gradV: draw(keySize) },
      outputs: ['out', 'probabilities', 'gradQ', 'gradK', 'gradV'],
      run: (k, b) => {
        const capSlopes = softCap === null ? null : b.capSlopes;
        family(k).windowedAttentionForward(b.q, b.k, b.v, shape, b.out, b.probabilities, capSlopes);
        family(k).windowedAttentionBackward(b.q, b.k, b.v, b.probabilities, capSlopes, b.gradOut, shape, b.gradQ, b.gradK, b.gradV);
      },
    } satisfies KernelCase;
  });
}

function columnSumCases(rows: number, dim: number, draw: Draw): KernelCase[] {
  const size = rows * dim;
  return [
    { name: 'sumRowsInto one value', buffers: { x: draw(size), out: draw(1) }, outputs: ['out'], run: (k, b) => k.sumRowsInto(0.5, b.x, b.out) },
    { name: 'mulSumRowsInto three values', buffers: { x: draw(3 * size), y: draw(3 * size), out: draw(3) }, outputs: ['out'], run: (k, b) => k.mulSumRowsInto(b.x, b.y, b.out) },
  ];
}

export function createFamilyKernelCases(sizes: KernelSizes, draw: Draw): KernelCase[] {
  const { rows, dim, attention } = sizes;
  return [
    ...elementwiseFamilyCases(rows * dim, draw),
    ...rotationCases(rows, attention.heads, attention.headDim, draw),
    ...windowedAttentionCases(attention, draw),
    ...columnSumCases(rows, dim, draw),
  ];
}

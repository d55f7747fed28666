// Kernels only some model families need (Gemma's GeGLU and soft caps, sliding windows, llama3 RoPE scaling), the
// clipped objectives' min/clamp, and dropout's mask drawn from a seed. A backend may lack them (a device table whose
// kernels have not been written yet); the ops then refuse with the kernel's name instead of copying to the host
// (dropout alone falls back, to the host's mask uploaded).
import type { AttentionShape, RopeShape } from './kernels';

/** Causal attention with an optional sliding window and soft-capped scores; layout as in AttentionShape. */
export interface WindowedAttentionShape extends AttentionShape {
  /** Keys a query sees behind it, itself included; null: all. */
  window: number | null;
  /** Scores become cap·tanh(score/cap) before the softmax; null: uncapped. */
  softCap: number | null;
}

/** RoPE's layout without theta: the angles come from tables indexed by position (RopeShape's positions rule). */
export type RotationShape = Omit<RopeShape, 'theta'>;

export interface FamilyKernels<B> {
  /** out = min(a, b). */
  minimumForward(a: B, b: B, out: B): void;
  /** The gradient goes to a where a ≤ b, else to b. */
  minimumBackward(a: B, b: B, gradOut: B, gradA: B | null, gradB: B | null): void;
  clampForward(x: B, low: number, high: number, out: B): void;
  /** gradX += gradOut where low ≤ x ≤ high. */
  clampBackward(x: B, low: number, high: number, gradOut: B, gradX: B): void;
  /** out = cap·tanh(x/cap). */
  softCapForward(x: B, cap: number, out: B): void;
  /** gradX += gradOut·(1 − (out/cap)²), from the forward's output. */
  softCapBackward(out: B, cap: number, gradOut: B, gradX: B): void;
  /** out = gelu_tanh(gate)·up. */
  gegluForward(gate: B, up: B, out: B): void;
  gegluBackward(gate: B, up: B, gradOut: B, gradGate: B | null, gradUp: B | null): void;
  /** cos and sin are [positions, headDim/2], row p holding position p's angles; direction −1 rotates back (the backward). */
  rotateByTable(x: B, out: B, cos: B, sin: B, shape: RotationShape, direction: 1 | -1, accumulate: boolean): void;
  /** Writes out, the probabilities [batch, heads, queryLength, keyLength] and, with a cap, its slopes (1 − tanh²) for the backward. */
  windowedAttentionForward(q: B, k: B, v: B, shape: WindowedAttentionShape, out: B, probabilities: B, capSlopes: B | null): void;
  windowedAttentionBackward(q: B, k: B, v: B, probabilities: B, capSlopes: B | null, gradOut: B, shape: WindowedAttentionShape, gradQ: B | null, gradK: B | null, gradV: B | null): void;
  /**
   * out[i] = 0 where the hash of (seed, i) falls below floor(p·2³²), else 1/(1 − p): the same mask on every backend for
   * a seed (a 32-bit integer), so a device draws it from the seed alone. Without it, dropout uploads the host's mask.
   */
  dropoutMask(seed: number, probability: number, out: B): void;
}

/** Every family kernel's name (a record, so the compiler insists the list is complete). */
const FAMILY_KERNELS: Record<keyof FamilyKernels<unknown>, true> = {
  minimumForward: true,
  minimumBackward: true,
  clampForward: true,
  clampBackward: true,
  softCapForward: true,
  softCapBackward: true,
  gegluForward: true,
  gegluBackward: true,
  rotateByTable: true,
  windowedAttentionForward: true,
  windowedAttentionBackward: true,
  dropoutMask: true,
};

export const FAMILY_KERNEL_NAMES = Object.keys(FAMILY_KERNELS) as readonly (keyof FamilyKernels<unknown>)[];

// Dense bf16 peak of the cards the trainer targets, by the name the driver reports, for MFU.

/** Tensor-core bf16 dense peak in TFLOP/s (no sparsity), most specific name first. */
const PEAKS: readonly { pattern: RegExp; card: string; teraflops: number }[] = [
  { pattern: /H100.*PCIe/i, card: 'H100 PCIe', teraflops: 756 },
  { pattern: /H100/i, card: 'H100 SXM', teraflops: 989 },
  { pattern: /H200/i, card: 'H200', teraflops: 989 },
  { pattern: /A100/i, card: 'A100', teraflops: 312 },
  { pattern: /\bL4\b/i, card: 'L4', teraflops: 121 },
  { pattern: /A10G/i, card: 'A10G', teraflops: 125 },
];

/** The card's bf16 peak, or null for a card not in the table (MFU is then left out, not guessed). */
export function findPeakTeraflops(cardName: string | null): { card: string; teraflops: number } | null {
  if (!cardName) return null;
  const found = PEAKS.find(({ pattern }) => pattern.test(cardName));
  return found ? { card: found.card, teraflops: found.teraflops } : null;
}

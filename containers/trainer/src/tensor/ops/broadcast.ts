// Shape rule shared by the binary elementwise ops: b equals a's shape, a suffix of it, or a single element.
import { Tensor, formatShape } from '../tensor';

export function checkBroadcast(opName: string, a: Tensor, b: Tensor): void {
  if (b.size === 1) return;
  const suffix = a.shape.slice(a.rank - b.rank);
  if (b.rank <= a.rank && suffix.join(',') === b.shape.join(',')) return;
  throw new Error(`${opName}(${formatShape(a.shape)}, ${formatShape(b.shape)}): expected the second shape to equal the first, a trailing part of it, or one element`);
}

// Deterministic data order: a seeded shuffle per epoch, addressed by a cursor that checkpoints can store.
import { Rng } from '../tensor/random';

export interface DataCursor {
  epoch: number;
  position: number;
}

/** The permutation of epoch `epoch` depends only on (seed, epoch, count), so a resumed run replays it. */
export function shuffledOrder(count: number, seed: number, epoch: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  const rng = new Rng((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = rng.nextInt(index + 1);
    [order[index], order[other]] = [order[other], order[index]];
  }
  return order;
}

export class DataOrder {
  private cursor: DataCursor;
  private order: number[];

  constructor(private readonly count: number, private readonly seed: number, cursor: DataCursor = { epoch: 0, position: 0 }) {
    if (count <= 0) throw new Error('training data is empty: expected at least one record');
    this.cursor = { ...cursor };
    this.order = shuffledOrder(count, seed, cursor.epoch);
  }

  /** The next `size` record indices, moving into the next epoch (and its shuffle) as needed. */
  nextBatch(size: number): number[] {
    const batch: number[] = [];
    while (batch.length < size) {
      if (this.cursor.position >= this.count) {
        this.cursor = { epoch: this.cursor.epoch + 1, position: 0 };
        this.order = shuffledOrder(this.count, this.seed, this.cursor.epoch);
      }
      batch.push(this.order[this.cursor.position]);
      this.cursor.position += 1;
    }
    return batch;
  }

  getCursor(): DataCursor {
    return { ...this.cursor };
  }
}

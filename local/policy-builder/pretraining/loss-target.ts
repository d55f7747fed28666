// A stopping rule for a pretraining stage: done once the mean loss of the latest window of steps falls to a target.

/** Steps averaged: single drill losses swing by ±0.5, a window this long moves by a few hundredths. */
export const LOSS_TARGET_WINDOW = 100;

export interface LossTarget {
  observe(loss: number): void;
  /** True from the first step where a full window's mean loss is at or below the target (never when the target is null). */
  reached(): boolean;
  /** The window's mean loss, or null before a full window. */
  windowMean(): number | null;
}

export function createLossTarget(target: number | null, window = LOSS_TARGET_WINDOW): LossTarget {
  if (target !== null && !(target > 0)) throw new Error(`loss target: expected a positive number or null, received ${target}`);
  if (!Number.isInteger(window) || window < 1) throw new Error(`loss target window: expected a positive integer, received ${window}`);
  const recent: number[] = [];
  let sum = 0;
  const windowMean = (): number | null => (recent.length === window ? sum / window : null);
  return {
    observe(loss) {
      recent.push(loss);
      sum += loss;
      if (recent.length > window) sum -= recent.shift()!;
    },
    windowMean,
    reached() {
      const mean = windowMean();
      return target !== null && mean !== null && mean <= target;
    },
  };
}

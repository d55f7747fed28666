// Splits one async stream of keyed values into one stream per key, read by concurrent consumers with bounded buffering.

/**
 * Each branch yields its key's values in source order. The source is read only while every live branch holds
 * fewer than `highWaterMark` unread values, so a slow consumer (an upload sending a part) pauses the others rather
 * than letting memory grow; a branch whose consumer stops early is dropped, so it never blocks the rest. A source
 * error reaches every branch.
 */
export function splitByKey<K extends string, V>(source: AsyncIterable<readonly [K, V]>, keys: readonly K[], highWaterMark = 64): Record<K, AsyncIterable<V>> {
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw new RangeError(`splitByKey: expected a positive integer high-water mark, received ${highWaterMark}`);
  const queues = new Map<K, V[]>(keys.map((key) => [key, []]));
  const live = new Set<K>(keys);
  let finished = false;
  let failure: { error: unknown } | null = null;
  let started = false;
  // Whoever waits (the producer for room, consumers for values) parks a resolver here; any change wakes them all.
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  const waitForChange = (): Promise<void> => new Promise((resolve) => waiters.push(resolve));
  const isFull = (): boolean => {
    for (const key of live) if (queues.get(key)!.length >= highWaterMark) return true;
    return false;
  };

  async function produce(): Promise<void> {
    try {
      for await (const [key, value] of source) {
        const queue = queues.get(key);
        if (!queue) throw new Error(`splitByKey: value for unknown key ${JSON.stringify(key)}; expected one of ${keys.join(', ')}`);
        if (live.has(key)) queue.push(value);
        wake();
        while (isFull()) await waitForChange();
        if (live.size === 0) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wake();
    }
  }

  async function* branch(key: K): AsyncGenerator<V> {
    if (!started) {
      started = true;
      void produce();
    }
    const queue = queues.get(key)!;
    try {
      while (true) {
        if (queue.length > 0) {
          const value = queue.shift() as V;
          wake();
          yield value;
          continue;
        }
        if (failure) throw (failure as { error: unknown }).error;
        if (finished) return;
        await waitForChange();
      }
    } finally {
      live.delete(key);
      queue.length = 0;
      wake();
    }
  }

  // Each branch is meant to be read once, by one consumer.
  const branches = {} as Record<K, AsyncIterable<V>>;
  for (const key of keys) branches[key] = { [Symbol.asyncIterator]: () => branch(key) };
  return branches;
}

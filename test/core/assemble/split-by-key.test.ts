// Tests of splitByKey: per-key order, bounded read-ahead with a slow consumer, errors to every branch, early stops.
import { splitByKey } from '../../../core/assemble/split-by-key';

type Key = 'a' | 'b' | 'c';
const KEYS: readonly Key[] = ['a', 'b', 'c'];

async function* counted(items: readonly (readonly [Key, number])[], pulls: { count: number }, failAt = -1): AsyncGenerator<readonly [Key, number]> {
  for (const [index, item] of items.entries()) {
    if (index === failAt) throw new Error('source broke');
    pulls.count += 1;
    yield item;
  }
}

async function collect<V>(iterable: AsyncIterable<V>, onEach: (value: V) => Promise<void> = async () => {}): Promise<V[]> {
  const values: V[] = [];
  for await (const value of iterable) {
    values.push(value);
    await onEach(value);
  }
  return values;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function makeItems(count: number): [Key, number][] {
  return Array.from({ length: count }, (_, index) => [KEYS[(index * 7) % 3], index]);
}

describe('splitByKey', () => {
  it('gives each key its values in source order', async () => {
    const items = makeItems(300);
    const branches = splitByKey(counted(items, { count: 0 }), KEYS, 4);
    const results = await Promise.all(KEYS.map((key) => collect(branches[key])));
    KEYS.forEach((key, index) => expect(results[index]).toEqual(items.filter(([k]) => k === key).map(([, value]) => value)));
  });

  it('reads the source at most a high-water mark ahead of the slowest consumer', async () => {
    const items: [Key, number][] = Array.from({ length: 200 }, (_, index) => [index % 2 === 0 ? 'a' : 'b', index]);
    const pulls = { count: 0 };
    const branches = splitByKey(counted(items, pulls), KEYS, 5);
    let maxLead = 0;
    let slowSeen = 0;
    const slow = collect(branches.a, async () => {
      slowSeen += 1;
      // Each of a's values is one of two consecutive source items; b's share cannot run further ahead than the mark.
      maxLead = Math.max(maxLead, pulls.count - 2 * slowSeen);
      for (let index = 0; index < 5; index += 1) await tick();
    });
    await Promise.all([slow, collect(branches.b), collect(branches.c)]);
    expect(slowSeen).toBe(100);
    expect(maxLead).toBeLessThanOrEqual(2 * 5 + 2);
  });

  it('delivers what came before a source error, then the error, to every branch', async () => {
    const items = makeItems(30);
    const branches = splitByKey(counted(items, { count: 0 }, 12), KEYS, 64);
    const outcomes = await Promise.allSettled(KEYS.map(async (key) => {
      const seen: number[] = [];
      for await (const value of branches[key]) seen.push(value);
      return seen;
    }));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toEqual(new Error('source broke'));
    }
  });

  it('does not let a consumer that stops early block the others', async () => {
    const items = makeItems(500);
    const branches = splitByKey(counted(items, { count: 0 }), KEYS, 2);
    const stopping = (async () => {
      for await (const value of branches.a) if (value > 20) break;
    })();
    const [, b, c] = await Promise.all([stopping, collect(branches.b), collect(branches.c)]);
    expect(b).toEqual(items.filter(([key]) => key === 'b').map(([, value]) => value));
    expect(c).toEqual(items.filter(([key]) => key === 'c').map(([, value]) => value));
  });

  it('rejects a value for a key it was not given and a bad high-water mark', async () => {
    expect(() => splitByKey(counted([], { count: 0 }), KEYS, 0)).toThrow('expected a positive integer high-water mark, received 0');
    const branches = splitByKey(counted([['z' as Key, 1]], { count: 0 }), KEYS);
    await expect(collect(branches.a)).rejects.toThrow('value for unknown key "z"; expected one of a, b, c');
  });
});

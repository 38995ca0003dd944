import { describe, expect, it } from 'vitest';
import { createOffsetWatermark, groupByKey, runKeyGroups } from '../src/keyed-batch';

const record = (offset: number, key: string | null) => ({ offset: String(offset), key: key === null ? null : Buffer.from(key) });
const offsetsOf = (groups: { offset: string }[][]) => groups.map((g) => g.map((r) => Number(r.offset)));

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Lets every pending callback run, so anything that could start has started. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('groupByKey', () => {
  it('given records of interleaved keys, then each key is one group in offset order, groups ordered by their first record', () => {
    const batch = [record(10, 'a'), record(11, 'b'), record(12, 'a'), record(13, 'c'), record(14, 'b'), record(15, 'a')];
    expect(offsetsOf(groupByKey(batch))).toEqual([[10, 12, 15], [11, 14], [13]]);
  });

  it('given records without a key, then they are one group of their own, apart from any keyed record', () => {
    const batch = [record(0, null), record(1, ''), record(2, null), record(3, 'x'), record(4, null)];
    expect(offsetsOf(groupByKey(batch))).toEqual([[0, 2, 4], [1], [3]]);
  });

  it('given keys that differ only in bytes that are not valid UTF-8, then they are different groups', () => {
    const batch = [
      { offset: '0', key: Buffer.from([0xff, 0x01]) },
      { offset: '1', key: Buffer.from([0xfe, 0x01]) },
      { offset: '2', key: Buffer.from([0xff, 0x01]) },
    ];
    expect(offsetsOf(groupByKey(batch))).toEqual([[0, 2], [1]]);
  });
});

describe('createOffsetWatermark', () => {
  it('given records finishing out of order, then the watermark moves only over a gap-free prefix of finished records', () => {
    const w = createOffsetWatermark(['5', '6', '7', '8']);
    expect(w.finish('7')).toBeUndefined();
    expect(w.finish('6')).toBeUndefined();
    expect(w.finish('5')).toBe('7');
    expect(w.finish('8')).toBe('8');
  });

  it('given offsets with gaps (compacted away), then the watermark steps over the offsets the batch does not hold', () => {
    const w = createOffsetWatermark(['3', '9', '40']);
    expect(w.finish('9')).toBeUndefined();
    expect(w.finish('3')).toBe('9');
    expect(w.finish('40')).toBe('40');
  });

  it('given the first record never finishes, then no later record moves the watermark', () => {
    const w = createOffsetWatermark(['0', '1', '2', '3']);
    for (const o of ['1', '2', '3']) expect(w.finish(o)).toBeUndefined();
  });
});

describe('runKeyGroups', () => {
  it('given several groups, then a group runs one item at a time in order while other groups run meanwhile, at most `concurrency` at once', async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const started: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const groups = [['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1'], ['d1']];
    const done = runKeyGroups(
      groups,
      3,
      async (item) => {
        started.push(item);
        mostAtOnce = Math.max(mostAtOnce, ++running);
        const gate = deferred();
        gates.set(item, gate);
        await gate.promise;
        running--;
      },
      () => false,
    );

    await settle();
    expect(started).toEqual(['a1', 'b1', 'c1']);
    gates.get('b1')!.resolve();
    await settle();
    expect(started).toEqual(['a1', 'b1', 'c1', 'b2']);
    gates.get('c1')!.resolve();
    await settle();
    expect(started).toEqual(['a1', 'b1', 'c1', 'b2', 'd1']);
    gates.get('a1')!.resolve();
    await settle();
    expect(started.at(-1)).toBe('a2');
    for (const item of ['b2', 'd1', 'a2']) gates.get(item)!.resolve();
    await settle();
    gates.get('a3')!.resolve();
    await done;
    expect(started.filter((i) => i.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(started).toHaveLength(7);
    expect(mostAtOnce).toBe(3);
  });

  it('given an item fails, then nothing new starts, what runs is awaited, and the failure is thrown after', async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const started: string[] = [];
    const finished: string[] = [];
    const done = runKeyGroups(
      [['a1', 'a2'], ['b1', 'b2'], ['c1']],
      2,
      async (item) => {
        started.push(item);
        const gate = deferred();
        gates.set(item, gate);
        await gate.promise;
        finished.push(item);
      },
      () => false,
    );
    let settled = false;
    void done.catch(() => undefined).finally(() => (settled = true));

    await settle();
    gates.get('a1')!.reject(new Error('boom'));
    await settle();
    expect(settled).toBe(false);
    gates.get('b1')!.resolve();
    await expect(done).rejects.toThrow('boom');
    expect(started).toEqual(['a1', 'b1']);
    expect(finished).toEqual(['b1']);
  });

  it('given a stop is requested, then running items see it, and no item starts after', async () => {
    let stop = false;
    const started: string[] = [];
    const sawHalt: string[] = [];
    const gate = deferred();
    const done = runKeyGroups(
      [['a1', 'a2'], ['b1']],
      4,
      async (item, halted) => {
        started.push(item);
        await gate.promise;
        if (halted()) sawHalt.push(item);
      },
      () => stop,
    );
    await settle();
    stop = true;
    gate.resolve();
    await done;
    expect(started).toEqual(['a1', 'b1']);
    expect(sawHalt).toEqual(['a1', 'b1']);
  });

  it('given a stop request that is withdrawn, then the run stays stopped: a group never skips past an item that gave up', async () => {
    let stop = false;
    const started: string[] = [];
    const done = runKeyGroups(
      [['a1', 'a2']],
      1,
      async (item, halted) => {
        started.push(item);
        stop = true;
        expect(halted()).toBe(true);
        stop = false;
      },
      () => stop,
    );
    await done;
    expect(started).toEqual(['a1']);
  });
});

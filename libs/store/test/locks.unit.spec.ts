import { describe, expect, it } from 'vitest';
import { DocumentLocks } from '../src/locks';

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every pending callback run, so anything that could start has started. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('DocumentLocks', () => {
  it('given work running for a document, when more work for the same document arrives, then it waits and runs after, in order', async () => {
    const locks = new DocumentLocks();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      locks.run('lic-1', async () => {
        log.push(`${i}:start`);
        await gate.promise;
        log.push(`${i}:end`);
        return i;
      }),
    );

    await settle();
    expect(log).toEqual(['0:start']);
    gates[2]!.resolve();
    gates[1]!.resolve();
    await settle();
    expect(log).toEqual(['0:start']);
    gates[0]!.resolve();

    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2]);
    expect(log).toEqual(['0:start', '0:end', '1:start', '1:end', '2:start', '2:end']);
  });

  it('given work running for one document, when work for another document arrives, then it runs at once', async () => {
    const locks = new DocumentLocks();
    const slow = deferred();
    const first = locks.run('lic-1', async () => {
      await slow.promise;
      return 'lic-1 done';
    });

    await expect(locks.run('lic-2', async () => 'lic-2 done')).resolves.toBe('lic-2 done');

    slow.resolve();
    await expect(first).resolves.toBe('lic-1 done');
  });

  it('given work that throws, when it fails, then the caller gets the error and the next work for that document still runs', async () => {
    const locks = new DocumentLocks();
    const boom = new Error('write failed');
    const failing = locks.run('lic-1', async () => {
      await settle();
      throw boom;
    });
    const next = locks.run('lic-1', async () => 'next ran');

    await expect(failing).rejects.toBe(boom);
    await expect(next).resolves.toBe('next ran');
    await expect(locks.run('lic-1', async () => 'later ran')).resolves.toBe('later ran');
  });

  it('given work that throws synchronously, when it fails, then the lock is still released', async () => {
    const locks = new DocumentLocks();
    await expect(
      locks.run('lic-1', () => {
        throw new Error('bad input');
      }),
    ).rejects.toThrow('bad input');
    await expect(locks.run('lic-1', async () => 'ran')).resolves.toBe('ran');
  });
});

import { describe, expect, it } from 'vitest';
import { LICENSE_SEQUENCE_ID, allocateNumbers, highestTaken, type LicenseSequence } from '../src/domain/sequence';

const seq = (last: number, open: [string, number][] = []): LicenseSequence => ({ _id: LICENSE_SEQUENCE_ID, last, open: open.map(([licenseId, number]) => ({ licenseId, number })) });

describe('allocateNumbers', () => {
  it('given no sequence yet, when licenses ask, then they get 1, 2, ... in the order asked, each held open', () => {
    const a = allocateNumbers(null, { want: ['a', 'b'] });
    expect([...a.numbers]).toEqual([['a', 1], ['b', 2]]);
    expect(a.state).toEqual(seq(2, [['a', 1], ['b', 2]]));
  });

  it('given a license with an open number (it crashed before being named), when it asks again, then it gets the same number and nothing is written', () => {
    const a = allocateNumbers(seq(5, [['a', 4]]), { want: ['a'] });
    expect(a.numbers.get('a')).toBe(4);
    expect(a.state).toBeNull();
  });

  it('given licenses named since the last write, when others ask, then their numbers are closed in the same write', () => {
    const a = allocateNumbers(seq(5, [['a', 4], ['b', 5]]), { want: ['c'], confirmed: ['a', 'b'] });
    expect(a.state).toEqual(seq(6, [['c', 6]]));
  });

  it('given a sequence behind its claims, when a license was refused its number, then it gets one above the highest claim', () => {
    const a = allocateNumbers(seq(3, [['a', 3]]), { want: ['a'], refused: ['a'], floor: 9 });
    expect(a.numbers.get('a')).toBe(10);
    expect(a.state).toEqual(seq(10, [['a', 10]]));
  });

  it('given the same license asking twice at once, when allocated, then it gets one number', () => {
    expect([...allocateNumbers(seq(0), { want: ['a', 'a'] }).numbers]).toEqual([['a', 1]]);
  });
});

describe('highestTaken', () => {
  const taken = (n: number) => {
    const asked: number[] = [];
    return { asked, fn: async (k: number) => (asked.push(k), k >= 1 && k <= n) };
  };

  it.each([0, 1, 2, 7, 100, 100_000])('given claims 1..%i, when searched, then it is found with about 2·log2 lookups', async (n) => {
    const t = taken(n);
    expect(await highestTaken(0, t.fn)).toBe(n);
    expect(t.asked.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n + 2)) + 2);
  });

  it('given a known claim, when searched from it, then it finds the highest past it', async () => {
    expect(await highestTaken(40, taken(45).fn)).toBe(45);
    expect(await highestTaken(45, taken(45).fn)).toBe(45);
  });
});

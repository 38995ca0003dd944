/**
 * License names come from one global sequence, L-000001 upwards: no gaps, no duplicates across
 * replicas, and a retry after a crash gets the number it was given before.
 *
 * - Uniqueness: a number is taken by inserting its claim (`license_numbers`, `_id` the number):
 *   atomic on every database, so two licenses never hold one number.
 * - The next number: the sequence document (`_id` LICENSE_SEQUENCE_ID) holds the highest number
 *   given out and the numbers given to licenses that have not confirmed being named yet (`open`),
 *   in one document written through the store. A license is given a number in the same write that
 *   moves `last`, so a number is never given out without a license to name, and a license that
 *   asks again (a redelivered command after a crash) gets the same number back; it is dropped from
 *   `open` once the license confirmed its name.
 * - Since every number up to `last` was given to a license, the claims form the prefix 1..n of
 *   the numbers; where the sequence document is missing (a database from before it), the highest
 *   claim is found by `_id` lookups (highestTaken) rather than a sorted read.
 */
export interface LicenseSequence {
  _id: string;
  /** The highest number given out. */
  last: number;
  /** Numbers given to licenses not named yet. */
  open: { licenseId: string; number: number }[];
}

export const LICENSE_SEQUENCE_ID = 'license-numbers';

export interface NumberRequest {
  /** Licenses that want a number now. */
  want: readonly string[];
  /** Licenses named since the last write: their open numbers are dropped. */
  confirmed?: readonly string[];
  /** Licenses whose open number another license claimed (a sequence behind its claims): they get a new one. */
  refused?: readonly string[];
  /** The highest number known to be claimed: the next number is above it. */
  floor?: number;
}

/**
 * The sequence after handing out numbers: a license with an open number gets it again, the others
 * the next numbers after `last` (and `floor`), in the order asked. `state` is null when nothing
 * changes (every license asking has an open number and nothing was confirmed).
 */
export function allocateNumbers(current: LicenseSequence | null, req: NumberRequest): { state: LicenseSequence | null; numbers: Map<string, number> } {
  const dropped = new Set([...(req.confirmed ?? []), ...(req.refused ?? [])]);
  const open = (current?.open ?? []).filter((o) => !dropped.has(o.licenseId));
  let last = Math.max(current?.last ?? 0, req.floor ?? 0);
  const numbers = new Map<string, number>();
  for (const id of req.want) {
    if (numbers.has(id)) continue;
    const given = open.find((o) => o.licenseId === id);
    if (given) {
      numbers.set(id, given.number);
      continue;
    }
    last += 1;
    open.push({ licenseId: id, number: last });
    numbers.set(id, last);
  }
  const changed = !current || last !== current.last || open.length !== current.open.length || dropped.size > 0;
  return { state: changed ? { _id: LICENSE_SEQUENCE_ID, last, open } : null, numbers };
}

/**
 * The highest taken number (0: none), given that the taken numbers are a prefix 1..n and `from`
 * is taken (or 0): steps doubling from `from`, then halving, one `taken` lookup each (about
 * 2·log2 of the distance in all).
 */
export async function highestTaken(from: number, taken: (n: number) => Promise<boolean>): Promise<number> {
  let low = from;
  let step = 1;
  while (await taken(low + step)) {
    low += step;
    step *= 2;
  }
  // low is taken (or 0), low + step is not
  let high = low + step;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await taken(mid)) low = mid;
    else high = mid;
  }
  return low;
}

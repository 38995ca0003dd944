/**
 * How one partition's batch is handled: records of one key in order, different keys at once,
 * and the offset that may be committed never past a record that has not finished.
 */

/**
 * The batch's records by key, each group in offset order, groups in the order of their first
 * record (so the oldest work starts first and the committable offset moves early). Records
 * without a key form one group: nothing says they may be reordered.
 */
export function groupByKey<M extends { key: Buffer | null }>(messages: readonly M[]): M[][] {
  const groups = new Map<string | null, M[]>();
  for (const m of messages) {
    // latin1 maps each byte to one character: two keys share a group only when their bytes are equal
    const key = m.key === null ? null : m.key.toString('latin1');
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  return [...groups.values()];
}

export interface OffsetWatermark {
  /**
   * Marks the record at `offset` finished. Returns the highest offset up to which every record
   * of the batch has finished when that moved, else undefined.
   */
  finish(offset: string): string | undefined;
}

/** Over the batch's offsets, ascending (they may have gaps: compaction, transaction markers). */
export function createOffsetWatermark(offsets: readonly string[]): OffsetWatermark {
  const finished = new Set<string>();
  let next = 0;
  return {
    finish(offset) {
      finished.add(offset);
      const from = next;
      while (next < offsets.length && finished.delete(offsets[next]!)) next++;
      return next > from ? offsets[next - 1] : undefined;
    },
  };
}

/**
 * Runs `run` for every item: the items of a group one after another, up to `concurrency` groups
 * at once. Nothing new starts once `stopRequested()` or a run has failed; what is running is
 * awaited, then the first failure is thrown. `run` receives that same check, so a run that waits
 * (a retry backoff) can give up instead of holding the batch.
 */
export async function runKeyGroups<T>(
  groups: readonly (readonly T[])[],
  concurrency: number,
  run: (item: T, halted: () => boolean) => Promise<void>,
  stopRequested: () => boolean,
): Promise<void> {
  let failure: { err: unknown } | undefined;
  // latched: a group whose record gave up must not go on to its next record
  let stopped = false;
  const halted = () => (stopped ||= failure !== undefined || stopRequested());
  let nextGroup = 0;
  async function lane(): Promise<void> {
    while (nextGroup < groups.length) {
      for (const item of groups[nextGroup++]!) {
        if (halted()) return;
        try {
          await run(item, halted);
        } catch (err) {
          failure ??= { err };
          return;
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, lane));
  if (failure) throw failure.err;
}

/**
 * Serialises the writes of one aggregate within this process, so that two handlers of one
 * process never race each other to the same revision (the revision condition would make one of
 * them decide again; the lock makes that rare and keeps it off the database). Across processes
 * the revision-conditional write is what holds (see store.ts).
 */
export class DocumentLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.tails.set(id, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(id) === tail) this.tails.delete(id);
    }
  }
}

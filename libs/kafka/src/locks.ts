/**
 * Serialises writes to one document within this process.
 *
 * MongoDB applies every single-document update atomically, and that is all the design relies on.
 * FerretDB 1.24 (the SQLite-backed test database) does not: it reads the document, applies the
 * operators and writes the whole document back, so two concurrent updates of one document can
 * lose one of them. The outbox relay and the handlers of a service both update aggregate
 * documents; taking this lock around each such update keeps them from racing. Anything that
 * must be atomic across replicas (sequences, allowances, leases) uses unique-index inserts.
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

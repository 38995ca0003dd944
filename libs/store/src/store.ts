import type { Connection, Model } from 'mongoose';
import type { Collection, Db, Document } from 'mongodb';
import { RetryableError, sleep, type Logger } from '@lma/core';
import type { OutgoingEvent } from '@lma/kafka';
import { Batcher, insertEach, writeEach, type TimedWrite } from './batch';
import { DocumentLocks } from './locks';
import { toOutboxItem, type OutboxItem } from './outbox';

/**
 * How a write is made conditional on the version it was decided on.
 * - `atomic` (MongoDB): one `replaceOne({ _id, _v })`, checked by its matched count; MongoDB
 *   applies it atomically, against writers in any process.
 * - `claim` (FerretDB 1.24, the embedded default): it hands only a filter that is exactly
 *   `{ _id }` to its index (any other filter decodes the whole collection) and applies a condition
 *   as read, compare, write, not atomically. The next version is claimed instead, by a unique
 *   insert of `<collection>/<id>@<version>` (atomic on both databases); the claimant reads the
 *   version again, and writes by `_id` only if it is still the one it decided on.
 */
export type WriteStrategy = 'atomic' | 'claim';

/** Fields the store keeps in every aggregate document beside its state. */
export interface StoredFields {
  /** The write version, +1 on every write (absent = 0). Not the domain's own revision. */
  _v?: number;
  /** Events written with the state and not yet published (see relay.ts). */
  outbox?: OutboxItem[];
}

/** What `decide` returns: the aggregate's whole new state and its events, or nothing to write. */
export interface Change<S, R = undefined> {
  /** The whole new state (the document is replaced); absent: nothing is written. */
  state?: S;
  events?: OutgoingEvent[];
  /** Returned to the caller as it is. */
  result?: R;
}

export interface Updated<S, R> {
  /** The state as written, or as read when nothing was written (null: no such aggregate). */
  state: S | null;
  result: R | undefined;
  written: boolean;
}

/** The write side of one collection of aggregates. */
export interface Aggregates<S extends { _id: string }> {
  readonly name: string;
  /** The aggregate by `_id`, without the store's fields; null if absent. */
  get(id: string): Promise<S | null>;
  /**
   * Loads the aggregate by `_id`, runs the pure `decide` on it (null when absent) and writes
   * what it returns in one document write, conditional on the version it read, with its events.
   * When another writer got there first, `decide` runs again on the fresh state; after
   * `maxAttempts` lost races it throws a retryable error naming the aggregate.
   */
  update<R = undefined>(id: string, decide: (current: S | null) => Change<S, R> | null | undefined): Promise<Updated<S, R>>;
  /** Inserts the aggregate with its events unless one with its `_id` exists; true if this call inserted it. */
  insertOnce(state: S, events?: OutgoingEvent[]): Promise<boolean>;
}

/** A claim of an aggregate's version (also the relay's marker of unpublished events). */
export interface ClaimRef {
  /** collection */
  c: string;
  /** aggregate id */
  a: string;
  /** version */
  v: number;
}
export interface ClaimDoc extends ClaimRef {
  _id: string;
  at: Date;
  /** Whether the version carries events to publish. */
  ev: boolean;
}

export const CLAIMS_COLLECTION = 'store_claims';
export const claimIdOf = (r: ClaimRef): string => `${r.c}/${r.a}@${r.v}`;

/** A write lost more races than it may try: loud, retryable, with the aggregate named. */
export class ConcurrentWriteError extends RetryableError {
  constructor(collection: string, id: string, attempts: number) {
    super(`${collection} ${id}: ${attempts} concurrent writes won in a row over this one; will retry`);
  }
}

export interface StoreOptions {
  logger: Logger;
  /** Chosen from the database when absent (LMA_STORE_WRITES overrides: atomic | claim). */
  strategy?: WriteStrategy;
  maxAttempts?: number;
  /**
   * A claim older than this whose version was never written is abandoned (its writer died
   * between claim and write) and removed by the relay; a writer never writes on a claim older
   * than half of it.
   */
  claimLeaseMs?: number;
}

/** Ids of recently published versions, so a write need not ask whether its predecessor's events went out. */
class RecentSet {
  private readonly items = new Set<string>();
  constructor(private readonly max: number) {}
  add(id: string): void {
    this.items.add(id);
    if (this.items.size > this.max) this.items.delete(this.items.values().next().value as string);
  }
  has(id: string): boolean {
    return this.items.has(id);
  }
}

const withoutStoredFields = <S>(doc: Document): S => {
  const { _v, outbox, ...state } = doc;
  void _v;
  void outbox;
  return state as S;
};

/**
 * The write side of one service's database (docs/architecture.md, "Consistency without
 * multi-document transactions"): every aggregate is loaded by `_id`, changed by a pure
 * decision and written back in one revision-conditional document write together with its
 * events (the embedded outbox), which the relay then publishes. Every strategy specific to a
 * database lives here.
 */
export class Store {
  readonly claims: Collection<ClaimDoc>;
  readonly published = new RecentSet(50_000);
  private readonly locks = new DocumentLocks();
  private readonly maxAttempts: number;
  readonly claimLeaseMs: number;
  private readonly batchers = new Map<string, { insert: Batcher<Document, true | 'duplicate'>; write: Batcher<TimedWrite, 'written' | 'expired'> }>();
  private hintSink: ((ref: ClaimRef, outbox: OutboxItem[]) => void) | undefined;

  private constructor(
    readonly db: Db,
    readonly strategy: WriteStrategy,
    readonly logger: Logger,
    opts: StoreOptions,
  ) {
    this.claims = db.collection<ClaimDoc>(CLAIMS_COLLECTION);
    this.maxAttempts = opts.maxAttempts ?? 12;
    this.claimLeaseMs = opts.claimLeaseMs ?? 10_000;
  }

  static async open(conn: Connection, opts: StoreOptions): Promise<Store> {
    const db = conn.db;
    if (!db) throw new Error('the database connection is not open');
    const strategy = opts.strategy ?? (await strategyOf(db));
    const store = new Store(db, strategy, opts.logger, opts);
    // the relay's scan of leftovers reads claims oldest first (MongoDB: by this index)
    await store.claims.createIndex({ at: 1 });
    if (strategy === 'claim') opts.logger.info('FerretDB detected: conditional writes claim each version by a unique insert');
    return store;
  }

  /** Single-document inserts and writes by `_id` of one collection, batched across concurrent callers (batch.ts). */
  private batch(name: string) {
    let b = this.batchers.get(name);
    if (!b) {
      const col = this.db.collection<Document>(name);
      // an update command holds a FerretDB connection per statement until it ends: keep it small
      b = { insert: new Batcher((docs) => insertEach(col, docs), 100), write: new Batcher((ops) => writeEach(col, ops), 32) };
      this.batchers.set(name, b);
    }
    return b;
  }

  /** Removes a claim (its version is published, was never written, or carried no events). */
  async dropClaim(id: string): Promise<void> {
    await this.batch(CLAIMS_COLLECTION).write.add({ op: { deleteOne: { filter: { _id: id as never } } } });
  }

  /** The relay of this store's events wants to know of every version written with events, and its outbox as written. */
  onEventsWritten(sink: (ref: ClaimRef, outbox: OutboxItem[]) => void): void {
    this.hintSink = sink;
  }

  aggregates<S extends { _id: string }>(model: Model<never> | Model<S> | string): Aggregates<S> {
    const name = typeof model === 'string' ? model : model.collection.collectionName;
    const col = this.db.collection<Document>(name);
    const update = <R>(id: string, decide: (current: S | null) => Change<S, R> | null | undefined) =>
      this.locks.run(`${name}/${id}`, () => this.updateUnlocked<S, R>(col, name, id, decide));
    return {
      name,
      get: async (id) => {
        const doc = await col.findOne({ _id: id as never }, { projection: { outbox: 0 } });
        return doc ? withoutStoredFields<S>(doc) : null;
      },
      update,
      insertOnce: async (state, events = []) => (await update(state._id, (cur) => (cur ? null : { state, events, result: true }))).result === true,
    };
  }

  /**
   * Takes a unique key (a license number, a weekly allowance, an open-lead slot): true if this
   * call took it, false if it was taken before. Atomic on both databases (a unique `_id` insert).
   */
  async claimKey(collection: string, doc: { _id: string | number } & Record<string, unknown>): Promise<boolean> {
    return (await this.batch(collection).insert.add(doc as Document)) === true;
  }

  private async updateUnlocked<S extends { _id: string }, R>(
    col: Collection<Document>,
    name: string,
    id: string,
    decide: (current: S | null) => Change<S, R> | null | undefined,
  ): Promise<Updated<S, R>> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const loaded = await col.findOne({ _id: id as never });
      const v = (loaded?.['_v'] as number | undefined) ?? 0;
      const current = loaded ? withoutStoredFields<S>(loaded) : null;
      const change = decide(current);
      if (!change?.state) return { state: current, result: change?.result, written: false };
      const events = change.events ?? [];
      const ref = { c: name, a: id, v: v + 1 };
      const carried = loaded ? await this.unpublished(name, id, (loaded['outbox'] as OutboxItem[] | undefined) ?? []) : [];
      const doc: Document = { ...change.state, _id: id, _v: ref.v, outbox: [...carried, ...events.map((e) => toOutboxItem(e, ref.v))] };
      if (await this.write(col, ref, loaded !== null, doc, events.length > 0)) {
        if (events.length) this.hintSink?.(ref, doc['outbox'] as OutboxItem[]);
        return { state: change.state, result: change.result, written: true };
      }
      // another writer got there first: decide again on its state
      await sleep(Math.random() * Math.min(250, 2 ** attempt));
    }
    throw new ConcurrentWriteError(name, id, this.maxAttempts);
  }

  /** One conditional write of version `ref.v` over `ref.v - 1`; false if another writer won. */
  private async write(col: Collection<Document>, ref: ClaimRef, exists: boolean, doc: Document, hasEvents: boolean): Promise<boolean> {
    const id = ref.a;
    const claimed = hasEvents || (this.strategy === 'claim' && exists);
    const claimedAt = Date.now();
    // an event-carrying version is claimed on both databases: the claim is also the relay's
    // marker that it has events to publish, written before them so a crash cannot hide them
    if (claimed && !(await this.takeClaim(ref, hasEvents))) return false;
    const lost = async () => {
      if (claimed) await this.dropClaim(claimIdOf(ref));
      return false;
    };
    try {
      if (!exists) return (await this.batch(col.collectionName).insert.add(doc)) === true ? true : lost();
      if (this.strategy === 'atomic') {
        const r = await col.replaceOne({ _id: id as never, _v: ref.v === 1 ? null : ref.v - 1 }, doc);
        return r.matchedCount > 0 ? true : lost();
      }
      const now = await col.findOne({ _id: id as never }, { projection: { _v: 1 } });
      if (!now || ((now['_v'] as number | undefined) ?? 0) !== ref.v - 1) return lost();
      // past half its lease the relay may take the claim as abandoned and another writer the
      // version: checked as the write leaves for the database (batch.ts), however long it waited
      const sent = await this.batch(col.collectionName).write.add({ op: { replaceOne: { filter: { _id: id as never }, replacement: doc } }, notAfter: claimedAt + this.claimLeaseMs / 2 });
      if (sent === 'expired') {
        // the claim is left for the relay: by now it may be another writer's
        this.logger.warn({ aggregate: `${col.collectionName}/${id}`, version: ref.v }, 'write not sent: its claim outlived half its lease (the process was paused or the database slow); deciding again');
        return false;
      }
    } catch (err) {
      // whether the write landed is unknown: a claim of a version that was not written would
      // hold the aggregate until its lease ends, so it goes now if the document says so
      if (claimed) await this.releaseIfUnwritten(col, ref).catch(() => undefined);
      throw err;
    }
    if (!hasEvents) this.dropClaim(claimIdOf(ref)).catch((err: unknown) => this.logger.debug({ err }, 'claim left for the relay to remove'));
    return true;
  }

  private async releaseIfUnwritten(col: Collection<Document>, ref: ClaimRef): Promise<void> {
    const now = await col.findOne({ _id: ref.a as never }, { projection: { _v: 1 } });
    if (((now?.['_v'] as number | undefined) ?? 0) < ref.v) await this.dropClaim(claimIdOf(ref));
  }

  private async takeClaim(ref: ClaimRef, ev: boolean): Promise<boolean> {
    return (await this.batch(CLAIMS_COLLECTION).insert.add({ _id: claimIdOf(ref), ...ref, at: new Date(), ev })) === true;
  }

  /**
   * The outbox items of earlier versions still to publish (their claim is there), carried into
   * the next write; the rest are published and dropped.
   */
  private async unpublished(c: string, a: string, outbox: OutboxItem[]): Promise<OutboxItem[]> {
    if (!outbox.length) return [];
    const versions = [...new Set(outbox.map((i) => i.v))];
    const pending = new Set<number>();
    await Promise.all(
      versions.map(async (v) => {
        if (typeof v !== 'number') return;
        const id = claimIdOf({ c, a, v });
        if (this.published.has(id)) return;
        if (await this.claims.findOne({ _id: id }, { projection: { _id: 1 } })) pending.add(v);
      }),
    );
    return outbox.filter((i) => pending.has(i.v));
  }
}

async function strategyOf(db: Db): Promise<WriteStrategy> {
  const forced = process.env['LMA_STORE_WRITES'];
  if (forced === 'atomic' || forced === 'claim') return forced;
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? 'claim' : 'atomic';
}

import { Schema, type Model } from 'mongoose';
import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { sleep, type Logger } from '@lma/core';
import type { OutgoingEvent, Publisher } from './publisher';
import type { DocumentLocks } from './locks';
import { activeSpanContext, traceContextOf } from './tracing';

/**
 * Embedded outbox (DESIGN.md): events travel inside the aggregate's own document, written in
 * the same single-document update as the change. The relay publishes them, then removes
 * exactly the items it published. Nothing is published before the write and nothing written
 * is left unpublished after a crash (at-least-once; consumers de-duplicate by ce_id).
 */
export interface OutboxItem {
  id: string;
  topic: string;
  type: string;
  source: string;
  time: string;
  key: string | null;
  /** JSON text of `data`: stored verbatim so BSON never reorders or rewrites it. */
  data: string;
  traceparent?: string;
  tracestate?: string;
}

const OutboxItemSchema = new Schema<OutboxItem>(
  { id: String, topic: String, type: String, source: String, time: String, key: String, data: String, traceparent: String, tracestate: String },
  { _id: false },
);

/** Schema paths of an embedded outbox, for every aggregate that publishes events (the relay's scan uses the index). */
export const outboxPaths = { outbox: { type: [OutboxItemSchema], default: [] }, outboxAt: { type: Date, index: { sparse: true } } };

/** `outboxAt` (oldest pending event) exists only while events are pending; `$min` sets it. */
export interface OutboxFields {
  outbox?: OutboxItem[];
  outboxAt?: Date;
}

/**
 * An event as stored in the outbox. Its trace context is the span active at the write (the
 * handler's process span, the HTTP request), so the relay's later `send <topic>` span is a
 * child of the operation that wrote it; the event's own context when no span is active (a
 * timer, a sweeper).
 */
export function toOutboxItem(e: OutgoingEvent): OutboxItem {
  const active = activeSpanContext();
  const tc = active ? traceContextOf(active, e) : e;
  return {
    id: e.id,
    topic: e.topic,
    type: e.type,
    source: e.source,
    time: e.time,
    key: e.key,
    data: JSON.stringify(e.data),
    ...(tc.traceparent ? { traceparent: tc.traceparent } : {}),
    ...(tc.tracestate ? { tracestate: tc.tracestate } : {}),
  };
}

function fromOutboxItem(i: OutboxItem): OutgoingEvent {
  return {
    id: i.id,
    topic: i.topic,
    type: i.type,
    source: i.source,
    time: i.time,
    key: i.key,
    data: undefined,
    // stored as JSON already: published as stored, never parsed and written again
    encodedData: i.data,
    ...(i.traceparent ? { traceparent: i.traceparent } : {}),
    ...(i.tracestate ? { tracestate: i.tracestate } : {}),
  };
}

/** Update operators that append events to a document's outbox; merge them into the change. */
export function outboxUpdate(events: OutgoingEvent[], now: Date): { $push: { outbox: { $each: OutboxItem[] } }; $min: { outboxAt: Date } } {
  return { $push: { outbox: { $each: events.map(toOutboxItem) } }, $min: { outboxAt: now } };
}

/** Outbox fields for a document being inserted with its first events. */
export function outboxOnInsert(events: OutgoingEvent[], now: Date): OutboxFields {
  return events.length ? { outbox: events.map(toOutboxItem), outboxAt: now } : { outbox: [] };
}

export interface OutboxRelay {
  start(): void;
  /** Wakes the relay now (after a local write) instead of waiting for the next scan. */
  kick(): void;
  /** A document of `collection` now has pending events: relay it by `_id` right away. */
  hint(collection: string, id: string): void;
  stop(): Promise<void>;
  /** False when the relay has failed for longer than `stuckAfterMs`. */
  healthy(): boolean;
  /** Documents with unpublished events and the age of the oldest, as of the last scan, for metrics. */
  backlog(): Promise<{ documents: number; oldestAgeMs: number }>;
}

export interface OutboxRelayOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  models: Model<any>[];
  publisher: Publisher;
  logger: Logger;
  /** The same locks the service's handlers take around their updates of these documents. */
  locks: DocumentLocks;
  /**
   * How often every collection is scanned for pending events. Writes in this process are
   * hinted and relayed at once; the scan catches the rest (a crash between write and publish,
   * another replica's leftovers).
   */
  scanMs?: number;
  batchSize?: number;
  stuckAfterMs?: number;
  /**
   * FerretDB 1.24 (the test database) uses an index only for a filter that is exactly
   * `{ _id }`; anything else scans the collection. It also cannot apply a condition atomically,
   * so the per-process lock is what makes a read-then-write safe there anyway. When set, the
   * relay clears documents with `_id`-only filters under that lock instead of one conditional
   * update (which MongoDB applies atomically, even against writers in other replicas).
   */
  idOnlyFilters?: boolean;
}

/** A scan that took T waits at least this many times T before the next one. */
const SCAN_COST_FACTOR = 10;

/** The idle relay looks for hints this often even when not woken. */
const IDLE_CHECK_MS = 1_000;

/**
 * Documents cleared at once. Each clear is its own small command: FerretDB 1.24 holds one SQLite
 * connection per update statement until a whole command ends, from a pool of 100 per database,
 * so one big bulk write of many statements deadlocks it.
 */
const CLEAR_CONCURRENCY = 16;

interface PendingDoc {
  _id: string;
  outbox: OutboxItem[];
  outboxAt?: Date;
}

export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const scanMs = opts.scanMs ?? 2_000;
  const batchSize = opts.batchSize ?? 500;
  const stuckAfterMs = opts.stuckAfterMs ?? 30_000;
  const log = opts.logger.child({ component: 'outbox-relay' });
  const byName = new Map(opts.models.map((m) => [m.collection.collectionName, m]));
  let hinted = new Map<string, Set<string>>();
  let stopped = true;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let scanWake: (() => void) | undefined;
  let kicked = false;
  let lastOk = Date.now();
  let lastBacklog = { documents: 0, oldestAgeMs: 0 };

  const collectionOf = (model: Model<unknown>) => model.collection as unknown as Collection<PendingDoc>;

  /** Publishes the given documents' pending events, then removes exactly those. */
  async function relay(col: Collection<PendingDoc>, docs: PendingDoc[]): Promise<number> {
    const pending = docs.filter((d) => d.outbox?.length);
    const events = pending.flatMap((d) => d.outbox.map(fromOutboxItem));
    // outside any span: each send span continues its entry's stored trace context
    if (events.length) await context.with(ROOT_CONTEXT, () => opts.publisher.publish(events));
    // per document, under the lock the handlers take too
    const clear = async (d: PendingDoc) => {
      if (opts.idOnlyFilters) {
        await opts.locks.run(String(d._id), async () => {
          if (d.outbox?.length) await col.updateOne({ _id: d._id }, { $pullAll: { outbox: d.outbox } });
          const now = await col.findOne({ _id: d._id }, { projection: { outbox: 1 } });
          if (now && !now.outbox?.length) await col.updateOne({ _id: d._id }, { $unset: { outboxAt: '' } });
        });
        return;
      }
      const ops: AnyBulkWriteOperation<PendingDoc>[] = [
        ...(d.outbox?.length ? [{ updateOne: { filter: { _id: d._id }, update: { $pullAll: { outbox: d.outbox } } } }] : []),
        { updateOne: { filter: { _id: d._id, outbox: { $size: 0 } }, update: { $unset: { outboxAt: '' } } } },
      ];
      await opts.locks.run(String(d._id), () => col.bulkWrite(ops, { ordered: true }));
    };
    for (let i = 0; i < docs.length; i += CLEAR_CONCURRENCY) {
      await Promise.all(docs.slice(i, i + CLEAR_CONCURRENCY).map(clear));
    }
    return events.length;
  }

  /**
   * The pending documents of every collection, oldest first, up to `batchSize` each: hinted, so
   * the relay reads and publishes them by `_id` like local writes. Records the backlog the
   * metrics show.
   */
  async function scan(): Promise<void> {
    const startedAt = Date.now();
    let documents = 0;
    let oldest: Date | undefined;
    for (const model of opts.models) {
      const col = collectionOf(model);
      const docs = await col.find({ outboxAt: { $exists: true } }, { projection: { outboxAt: 1 } }).sort({ outboxAt: 1 }).limit(batchSize).toArray();
      documents += docs.length < batchSize ? docs.length : await col.countDocuments({ outboxAt: { $exists: true } });
      const first = docs[0]?.outboxAt;
      if (first && (!oldest || first < oldest)) oldest = first;
      const name = col.collectionName;
      for (const d of docs) hintDoc(name, String(d._id));
    }
    lastBacklog = { documents, oldestAgeMs: oldest ? startedAt - oldest.getTime() : 0 };
  }

  /**
   * Hinted documents, read by `_id` alone (the one lookup every MongoDB-compatible store indexes).
   * When a cycle fails, its hints are kept for the next one (a document already published then
   * has an empty outbox and is skipped).
   */
  async function relayHinted(): Promise<number> {
    const work = hinted;
    hinted = new Map();
    let published = 0;
    try {
      for (const [name, ids] of work) {
        const model = byName.get(name);
        if (!model) continue;
        const col = collectionOf(model);
        const list = [...ids];
        for (let i = 0; i < list.length; i += CLEAR_CONCURRENCY) {
          const docs = await Promise.all(list.slice(i, i + CLEAR_CONCURRENCY).map((id) => col.findOne({ _id: id }, { projection: { outbox: 1 } })));
          published += await relay(col, docs.filter((d): d is PendingDoc => d !== null && (d.outbox?.length ?? 0) > 0));
        }
      }
    } catch (err) {
      for (const [name, ids] of work) for (const id of ids) hintDoc(name, id);
      throw err;
    }
    return published;
  }

  /** Publishes hinted documents as they come. */
  async function runHinted() {
    let failures = 0;
    while (!stopped) {
      try {
        await relayHinted();
        lastOk = Date.now();
        failures = 0;
      } catch (err) {
        failures++;
        log.error({ err, failures }, 'outbox relay cycle failed: will retry');
        await sleep(Math.min(5_000, 100 * 2 ** failures));
        continue;
      }
      if (!kicked && hinted.size === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, IDLE_CHECK_MS);
        });
        wake = undefined;
      }
      kicked = false;
    }
  }

  /**
   * Scans for leftovers (a crash between a write and its publish, another replica's) every
   * `scanMs`, and never more often than SCAN_COST_FACTOR times its own duration: on FerretDB, where
   * the scan reads every document of the collection, a large collection is scanned less often
   * instead of taking a core. It runs beside the hinted relay, which it never holds up.
   */
  async function runScans() {
    while (!stopped) {
      const startedAt = Date.now();
      try {
        await scan();
      } catch (err) {
        if (stopped) break; // the database closed under a scan that stop() did not wait for
        log.error({ err }, 'outbox scan failed: will retry');
      }
      const pause = Math.max(scanMs, SCAN_COST_FACTOR * (Date.now() - startedAt));
      if (stopped) break;
      await new Promise<void>((resolve) => {
        scanWake = resolve;
        setTimeout(resolve, pause);
      });
      scanWake = undefined;
    }
  }

  function hintDoc(collection: string, id: string) {
    const set = hinted.get(collection) ?? new Set<string>();
    set.add(id);
    hinted.set(collection, set);
    wake?.();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = runHinted();
      void runScans().catch((err: unknown) => log.error({ err }, 'outbox scans stopped'));
    },
    kick() {
      kicked = true;
      wake?.();
    },
    hint: hintDoc,
    /** Waits for the relay's publishing, not for a scan under way (its findings are only hints). */
    async stop() {
      stopped = true;
      wake?.();
      scanWake?.();
      await loop;
    },
    healthy: () => stopped || Date.now() - lastOk < stuckAfterMs,
    backlog: () => Promise.resolve(lastBacklog),
  };
}

/**
 * A mongoose plugin that hints the relay about every document written with pending events, so
 * the relay reads it by `_id` at once instead of waiting for its scan.
 */
export function outboxHintPlugin(sink: { hint(collection: string, id: string): void }) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (schema: any): void => {
    if (!schema.path('outbox')) return;
    schema.post('save', function (this: { _id: unknown; constructor: { collection: { collectionName: string } } }) {
      sink.hint(this.constructor.collection.collectionName, String(this._id));
    });
    schema.post(['updateOne', 'findOneAndUpdate'], function (this: { getFilter(): { _id?: unknown }; model: { collection: { collectionName: string } } }) {
      const id = this.getFilter()._id;
      if (typeof id === 'string') sink.hint(this.model.collection.collectionName, id);
    });
  };
}

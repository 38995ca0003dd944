import type { Model } from 'mongoose';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { sleep, type Logger } from '@lma/core';
import type { OutgoingEvent, Publisher } from './publisher';
import type { DocumentLocks } from './locks';

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

/** `outboxAt` (oldest pending event) exists only while events are pending; `$min` sets it. */
export interface OutboxFields {
  outbox?: OutboxItem[];
  outboxAt?: Date;
}

export function toOutboxItem(e: OutgoingEvent): OutboxItem {
  return {
    id: e.id,
    topic: e.topic,
    type: e.type,
    source: e.source,
    time: e.time,
    key: e.key,
    data: JSON.stringify(e.data),
    ...(e.traceparent ? { traceparent: e.traceparent } : {}),
    ...(e.tracestate ? { tracestate: e.tracestate } : {}),
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
    data: JSON.parse(i.data) as unknown,
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
  /** Wakes the relay now (after a local write) instead of waiting for the next poll. */
  kick(): void;
  stop(): Promise<void>;
  /** False when the relay has failed for longer than `stuckAfterMs`. */
  healthy(): boolean;
  /** Documents with unpublished events and the age of the oldest, for metrics. */
  backlog(): Promise<{ documents: number; oldestAgeMs: number }>;
}

export interface OutboxRelayOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  models: Model<any>[];
  publisher: Publisher;
  logger: Logger;
  /** The same locks the service's handlers take around their updates of these documents. */
  locks: DocumentLocks;
  pollMs?: number;
  batchSize?: number;
  stuckAfterMs?: number;
}

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
  const pollMs = opts.pollMs ?? 200;
  const batchSize = opts.batchSize ?? 500;
  const stuckAfterMs = opts.stuckAfterMs ?? 30_000;
  const log = opts.logger.child({ component: 'outbox-relay' });
  let stopped = true;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let kicked = false;
  let lastOk = Date.now();

  // The native collection, not mongoose: $pullAll must match the stored items byte for byte,
  // and mongoose's casting could rewrite them.
  async function cycleModel(model: Model<unknown>): Promise<number> {
    const col = model.collection as unknown as Collection<PendingDoc>;
    const docs = await col
      .find({ outboxAt: { $exists: true } }, { projection: { outbox: 1 } })
      .sort({ outboxAt: 1 })
      .limit(batchSize)
      .toArray();
    const events = docs.flatMap((d) => (d.outbox ?? []).map(fromOutboxItem));
    if (events.length) await opts.publisher.publish(events);
    // Removes exactly the published items; per document, under the lock the handlers take too.
    const clear = async (d: PendingDoc) => {
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

  async function run() {
    let failures = 0;
    while (!stopped) {
      let published = 0;
      try {
        for (const m of opts.models) published += await cycleModel(m);
        lastOk = Date.now();
        failures = 0;
      } catch (err) {
        failures++;
        log.error({ err, failures }, 'outbox relay cycle failed: will retry');
        await sleep(Math.min(5_000, 100 * 2 ** failures));
        continue;
      }
      if (published === 0 && !kicked) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, pollMs);
        });
        wake = undefined;
      }
      kicked = false;
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = run();
    },
    kick() {
      kicked = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
    healthy: () => stopped || Date.now() - lastOk < stuckAfterMs,
    async backlog() {
      let documents = 0;
      let oldest: Date | undefined;
      for (const m of opts.models) {
        documents += await m.countDocuments({ outboxAt: { $exists: true } });
        const first = (await m.findOne({ outboxAt: { $exists: true } }, { outboxAt: 1 }).sort({ outboxAt: 1 }).lean()) as { outboxAt?: Date } | null;
        if (first?.outboxAt && (!oldest || first.outboxAt < oldest)) oldest = first.outboxAt;
      }
      return { documents, oldestAgeMs: oldest ? Date.now() - oldest.getTime() : 0 };
    },
  };
}

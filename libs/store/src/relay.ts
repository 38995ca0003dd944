import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import type { Document } from 'mongodb';
import { sleep, type Logger } from '@lma/core';
import type { OutgoingEvent, Publisher } from '@lma/kafka';
import { claimIdOf, type ClaimDoc, type ClaimRef, type Store } from './store';
import { fromOutboxItem, type OutboxItem } from './outbox';

export interface OutboxRelay {
  start(): void;
  stop(): Promise<void>;
  /** False when publishing has failed for longer than `stuckAfterMs`. */
  healthy(): boolean;
  /** Versions with unpublished events as of the last scan, and the age of the oldest, for metrics. */
  backlog(): { documents: number; oldestAgeMs: number };
}

export interface OutboxRelayOptions {
  store: Store;
  publisher: Publisher;
  logger: Logger;
  /** How often the claims are scanned for versions nobody here was told of (another replica's, a crash's). */
  scanMs?: number;
  /** A claim is left to the process that wrote it for this long before the scan takes it up. */
  graceMs?: number;
  stuckAfterMs?: number;
}

/** A scan that took T waits at least this many times T before the next one. */
const SCAN_COST_FACTOR = 10;
/** Aggregates read and claims removed at once. */
const CONCURRENCY = 16;
/** Claims read by one scan at most. */
const SCAN_LIMIT = 2_000;

interface Work extends ClaimRef {
  /** When the claim was taken; known for claims found by the scan (abandoned ones are removed). */
  at?: Date;
  ev: boolean;
  /** The outbox as this process wrote it with the version: published without reading the document again. */
  outbox?: OutboxItem[];
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * Publishes the events of written versions and then removes their claims. Every version written
 * with events has a claim (store.ts), taken before the write, so the claims collection holds
 * exactly the pending work: its size is bounded by what is unpublished or in flight, never by
 * history. Writes of this process are relayed at once; a scan of the claims older than
 * `graceMs` takes up the rest (a crash between write and publish, another replica's leftovers,
 * abandoned claims). Events of one aggregate are published in version order.
 */
export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { store, publisher } = opts;
  const scanMs = opts.scanMs ?? 2_000;
  const graceMs = opts.graceMs ?? 5_000;
  const stuckAfterMs = opts.stuckAfterMs ?? 30_000;
  const log = opts.logger.child({ component: 'outbox-relay' });
  let queued = new Map<string, Work>();
  let stopped = true;
  let loop: Promise<void> | undefined;
  let scans: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let scanWake: (() => void) | undefined;
  let lastOk = Date.now();
  let lastBacklog = { documents: 0, oldestAgeMs: 0 };

  const enqueue = (w: Work) => {
    const id = claimIdOf(w);
    if (!queued.has(id)) queued.set(id, w);
    wake?.();
  };
  store.onEventsWritten((ref, outbox) => enqueue({ ...ref, ev: true, outbox }));

  /**
   * One aggregate's claims: its events up to the newest written claimed version, then those claims
   * removed (`done`). Abandoned claims (`abandoned`) are removed too, but their version was never
   * written: a later write of that version has events of its own to publish.
   */
  async function settle(claims: Work[], out: OutgoingEvent[], done: string[], abandoned: string[]): Promise<void> {
    const { c, a } = claims[0]!;
    if (claims.every((w) => w.outbox)) {
      // written here and told so: the outboxes as written hold everything to publish
      const byId = new Map<string, OutboxItem>();
      for (const w of claims) for (const i of w.outbox!) byId.set(`${i.v}/${i.id}`, i);
      const items = [...byId.values()].filter((i) => !store.published.has(claimIdOf({ c, a, v: i.v }))).sort((x, y) => x.v - y.v);
      out.push(...items.map(fromOutboxItem));
      done.push(...claims.map(claimIdOf));
      return;
    }
    const doc = await store.db.collection<Document>(c).findOne({ _id: a as never }, { projection: { _v: 1, outbox: 1 } });
    const written = (doc?.['_v'] as number | undefined) ?? 0;
    const now = Date.now();
    let upTo = 0;
    for (const w of claims) {
      if (w.v <= written) {
        done.push(claimIdOf(w));
        if (w.ev) upTo = Math.max(upTo, w.v);
      } else if (w.at && now - w.at.getTime() > store.claimLeaseMs) {
        // its writer died between claim and write (or gave up): nothing of it was written
        log.warn({ claim: claimIdOf(w) }, 'removing an abandoned claim');
        abandoned.push(claimIdOf(w));
      }
    }
    if (!upTo || !doc) return;
    // earlier versions still in the outbox were carried by a write that saw their claim: pending
    // unless this process published them meanwhile (another process's may go out twice, same ce_id)
    const items = ((doc['outbox'] as OutboxItem[] | undefined) ?? [])
      .filter((i) => i.v <= upTo && !store.published.has(claimIdOf({ c, a, v: i.v })))
      .sort((x, y) => x.v - y.v);
    out.push(...items.map(fromOutboxItem));
  }

  async function relayQueued(): Promise<void> {
    const work = queued;
    queued = new Map();
    try {
      const byAggregate = new Map<string, Work[]>();
      for (const w of work.values()) {
        const k = `${w.c}/${w.a}`;
        byAggregate.set(k, [...(byAggregate.get(k) ?? []), w]);
      }
      const groups = [...byAggregate.values()];
      for (let i = 0; i < groups.length; i += CONCURRENCY * 4) {
        const slice = groups.slice(i, i + CONCURRENCY * 4);
        const events: OutgoingEvent[][] = slice.map(() => []);
        const done: string[][] = slice.map(() => []);
        const abandoned: string[] = [];
        await inBatches(
          slice.map((g, j) => ({ g, j })),
          CONCURRENCY,
          ({ g, j }) => settle(g, events[j]!, done[j]!, abandoned),
        );
        const all = events.flat();
        // outside any span: each send span continues its entry's stored trace context
        if (all.length) await context.with(ROOT_CONTEXT, () => publisher.publish(all));
        const ids = done.flat();
        await inBatches(ids, CONCURRENCY, async (id) => {
          await store.dropClaim(id);
          store.published.add(id);
        });
        await inBatches(abandoned, CONCURRENCY, (id) => store.dropClaim(id));
        for (const g of slice) for (const w of g) work.delete(claimIdOf(w));
      }
    } catch (err) {
      for (const w of work.values()) enqueue(w);
      throw err;
    }
  }

  async function runQueued(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      try {
        await relayQueued();
        lastOk = Date.now();
        failures = 0;
      } catch (err) {
        failures++;
        log.error({ err, failures }, 'outbox relay cycle failed: will retry');
        await sleep(Math.min(5_000, 100 * 2 ** failures));
        continue;
      }
      if (queued.size === 0 && !stopped) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    }
  }

  /** Claims nobody here was told of, oldest first: queued like local writes. */
  async function scan(): Promise<void> {
    const startedAt = Date.now();
    const before = new Date(startedAt - graceMs);
    const docs = await store.claims.find({ at: { $lt: before } }).sort({ at: 1 }).limit(SCAN_LIMIT).toArray();
    for (const d of docs as ClaimDoc[]) enqueue({ c: d.c, a: d.a, v: d.v, ev: d.ev, at: d.at });
    const pendingEvents = docs.filter((d) => d.ev);
    lastBacklog = { documents: pendingEvents.length, oldestAgeMs: pendingEvents[0] ? startedAt - pendingEvents[0].at.getTime() : 0 };
  }

  async function runScans(): Promise<void> {
    while (!stopped) {
      const startedAt = Date.now();
      try {
        await scan();
      } catch (err) {
        if (stopped) break;
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

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = runQueued();
      scans = runScans().catch((err: unknown) => log.error({ err }, 'outbox scans stopped'));
    },
    /** Waits for the relay's publishing and the scan under way. */
    async stop() {
      stopped = true;
      wake?.();
      scanWake?.();
      await loop;
      await scans;
    },
    healthy: () => stopped || queued.size === 0 || Date.now() - lastOk < stuckAfterMs,
    backlog: () => lastBacklog,
  };
}

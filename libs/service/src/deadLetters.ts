import type { Express } from 'express';
import { Schema, type Connection, type Model } from 'mongoose';
import { listServiceDeadLetters, mountRoute, newestFirstPage, type DeadLetterService } from '@lma/api';
import { authenticate, every, type ForwardVerifier, type Logger } from '@lma/core';
import type { DeadLetterDetails, DeadLetterLedger } from '@lma/kafka';
import { storedPaths, type DeclaredQuery, type Store } from '@lma/store';

const COLLECTION = 'dead_letters';
/** Reasons longer than this are cut in the ledger (the dead letter's header keeps the whole). */
const MAX_REASON = 2_000;

/** A dead-lettered record of a consumer group, by group, topic, partition and offset. */
interface DeadLetterNote extends Partial<DeadLetterDetails> {
  /** `<group>|<topic>|<partition>|<offset>` */
  _id: string;
  state: 'sending' | 'sent';
  /** When it was taken (while sending) or sent. */
  at: Date;
  /** The attempt that holds it while sending (absent on notes written before owners). */
  owner?: string;
}

const DeadLetterNoteSchema = new Schema<DeadLetterNote>(
  { _id: String, state: String, at: Date, owner: String, group: String, topic: String, partition: Number, offset: String, eventId: String, type: String, reason: String, field: String, ...storedPaths },
  { versionKey: false, collection: COLLECTION },
);
DeadLetterNoteSchema.index({ at: -1, _id: -1 });

/** The ledger's model (its queries other than by `_id`: the listing and the prune). */
export function registerDeadLetterModel(db: Connection): void {
  if (!db.models['DeadLetterNote']) db.model('DeadLetterNote', DeadLetterNoteSchema);
}
const modelOf = (db: Connection): Model<DeadLetterNote> => db.model<DeadLetterNote>('DeadLetterNote');

/** Every service's queries of its ledger other than by `_id`. */
export const deadLetterQueries: readonly DeclaredQuery[] = [
  {
    collection: COLLECTION,
    fields: ['at', '$and'],
    index: { at: -1, _id: -1 },
    bound: 'the dead letters of the last DEAD_LETTER_RETENTION_DAYS (older ones are pruned): a page an admin asked for (since a time), and the prune of older ones, once an hour',
  },
];

/** How long an attempt holds a record it is dead-lettering before another may take it over. */
export const DEAD_LETTER_LEASE_MS = 60_000;

/**
 * The records the service's consumer groups have dead-lettered, in its database (`dead_letters`,
 * written by `_id` through the store): a record whose offset was not committed before a crash, a
 * rebalance or a broker restart comes back, and is not dead-lettered a second time. One attempt
 * at a time holds a record (its `owner`): another takes it over only once the holder's lease is
 * over (the holder crashed, or was paused longer than a consumer session); the claim is taken
 * right before the send, and renewed while the send lasts. Only a crash between the dead-letter
 * topic's acknowledgement and the note, or a holder paused past the lease between its claim and
 * its send, can still give two.
 * Each note keeps what the dead letter is and why, for the listing; notes older than the
 * retention are pruned.
 */
export function deadLetterLedgerOf(store: Store, opts: { leaseMs?: number; clock?: () => Date } = {}): DeadLetterLedger {
  const notes = store.aggregates<DeadLetterNote>(COLLECTION);
  const leaseMs = opts.leaseMs ?? DEAD_LETTER_LEASE_MS;
  const clock = opts.clock ?? (() => new Date());
  return {
    leaseMs,
    async claim(id, owner, details) {
      const note = { ...details, reason: details.reason.slice(0, MAX_REASON) };
      const now = clock();
      const r = await notes.update<'send' | 'sent' | 'busy'>(id, (n) => {
        if (!n) return { state: { _id: id, state: 'sending', at: now, owner, ...note }, result: 'send' };
        if (n.state === 'sent') return { result: 'sent' };
        if (n.owner === owner) return { state: { ...n, at: now }, result: 'send' };
        if (now.getTime() - n.at.getTime() < leaseMs) return { result: 'busy' };
        return { state: { ...n, owner, at: now }, result: 'send' };
      });
      return r.result!;
    },
    async sent(id) {
      const now = clock();
      await notes.update(id, (n) => (n && n.state !== 'sent' ? { state: { ...n, state: 'sent', at: now } } : null));
    },
  };
}

/** A note as the API shows it; notes written before the ledger kept details are read from their id. */
function viewOf(service: DeadLetterService, n: DeadLetterNote) {
  const [group = '', topic = '', partition = '0', offset = ''] = n._id.split('|');
  return {
    id: n._id,
    service,
    consumerGroup: n.group ?? group,
    topic: n.topic ?? topic,
    partition: n.partition ?? Number(partition),
    offset: n.offset ?? offset,
    eventId: n.eventId ?? null,
    type: n.type ?? null,
    reason: n.reason ?? 'not recorded (dead-lettered before the ledger kept reasons)',
    field: n.field ?? null,
    at: n.at.toISOString(),
  };
}

/**
 * The ledger's listing for the gateway (`/v1/internal/dead-letters`, admins, behind the forwarded
 * token) and its prune, every `pruneMs`, of notes older than `retentionDays` (a first one at once).
 */
export function serveDeadLetters(deps: { db: Connection; service: string; auth: ForwardVerifier; retentionDays: number; pruneMs: number; logger: Logger }) {
  const Notes = modelOf(deps.db);
  const prune = async () => {
    const cutoff = new Date(Date.now() - deps.retentionDays * 86_400_000);
    const r = await Notes.deleteMany({ at: { $lt: cutoff } });
    if (r.deletedCount) deps.logger.info({ pruned: r.deletedCount, before: cutoff.toISOString() }, 'dead-letter ledger pruned');
  };
  const onError = (err: unknown) => deps.logger.warn({ err }, 'dead-letter ledger not pruned: will retry');
  prune().catch(onError);
  const pruning = every(deps.pruneMs, prune, onError);
  return {
    mount(app: Express): void {
      app.use('/v1/internal', authenticate(deps.auth));
      mountRoute(app, listServiceDeadLetters, async ({ query }) => {
        const page = await newestFirstPage<DeadLetterNote>(Notes, { at: { $gte: new Date(query.since) } }, 'at', query);
        return { items: page.items.map((n) => viewOf(deps.service as DeadLetterService, n)), nextCursor: page.nextCursor };
      });
    },
    stop: () => pruning.stop(),
  };
}

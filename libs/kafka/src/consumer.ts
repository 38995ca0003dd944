import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { ZodError } from 'zod';
import { context, trace, type Context, type Span } from '@opentelemetry/api';
import { InvalidEventError, KNOWN_EVENT_TYPES, decodeCloudEvent, dlqTopic, headerString, type CloudEvent } from '@lma/contracts';
import { LmaError, isTransient, sleep, type Logger } from '@lma/core';
import { topicNames, type TopicNames } from './client';
import { createOffsetWatermark, groupByKey, runKeyGroups } from './keyed-batch';
import { fetchConsumerLag, type PartitionLag } from './lag';
import { contextFromHeaders, failSpan, messagingAttributes, startConsumerSpan, startProducerSpan, traceIdsOf } from './tracing';

export interface HandlerContext {
  topic: string;
  partition: number;
  offset: string;
  attempt: number;
  logger: Logger;
  /**
   * Tells the group this consumer is alive. The consumer does so by itself while records run; a
   * handler that keeps the event loop busy for long (a large synchronous loop) calls it now and then.
   */
  heartbeat: () => Promise<void>;
}

export type EventHandler = (event: CloudEvent<unknown>, ctx: HandlerContext) => Promise<void>;

/** Labels of a record's counters: the logical topic, the event type and the consumer group. */
export interface RecordLabels {
  topic: string;
  type: string;
  group: string;
}

/**
 * Why a record was dead-lettered, as a bounded class for metrics (the full reason travels in
 * the record's `lma_dlq_reason` header): `invalid` input (undecodable or failing its schema),
 * `rejected` by a business rule, or `exhausted` its attempts.
 */
export type DeadLetterClass = 'invalid' | 'rejected' | 'exhausted';

/**
 * Optional observer of the consumer (libs/service backs it with Prometheus metrics), so this
 * library does not depend on a metrics client.
 */
export interface ConsumerMetrics {
  /** A record was received (type `unknown` when it could not be decoded). */
  consumed(labels: RecordLabels): void;
  /** A record is done without error (handled, or already handled and skipped). */
  processed(labels: RecordLabels): void;
  /** A handler attempt failed and will be retried. */
  retried(labels: RecordLabels): void;
  /** Duration of one handler attempt, successful or not. */
  handlerDuration(labels: RecordLabels, seconds: number): void;
  deadLettered(labels: RecordLabels & { reason: DeadLetterClass }): void;
}

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  handle: EventHandler;
  /** Attempts for errors that are neither transient nor known-permanent, before dead-lettering. */
  maxAttempts?: number;
  backoff?: { initialMs: number; maxMs: number };
  partitionsConsumedConcurrently?: number;
  /**
   * Records of one partition's batch handled at once, each of a different key (records of one key,
   * and records without a key, run one after another, in offset order). 16 by default; up to
   * `partitionsConsumedConcurrently` batches run at once.
   */
  concurrency?: number;
  fromBeginning?: boolean;
  /**
   * How long the broker waits for this member's heartbeat before it gives the member's partitions
   * to the others (30 s by default; KAFKA_SESSION_TIMEOUT_MS for services). Heartbeats go every
   * third of it, at most every 3 s.
   */
  sessionTimeoutMs?: number;
  /**
   * The event types this group reads. A record of another type (by its `ce_type` header, or
   * without one) is passed over before its value is parsed: it belongs to another group.
   */
  types?: readonly string[];
  /**
   * Whether this group dead-letters a record of `topic` that cannot be read (not a CloudEvent,
   * data failing its schema), `type` being its `ce_type` header if any. One group per record does
   * (the registry's `deadLettersOn`); the others skip it with a warning, so it lands on the
   * dead-letter topic once. Every record by default.
   */
  deadLettersUnreadable?: (topic: string, type: string | undefined) => boolean;
  /**
   * Remembers which records this group has dead-lettered, so a record dead-lettered just before
   * its offset could be committed (a crash, a broker restart) is not dead-lettered again when it
   * comes back. Without one, a dead letter is at least once.
   */
  deadLetterLedger?: DeadLetterLedger;
  /**
   * The group is this process's alone (a read model's: its offsets mean nothing to the next
   * process), so it is deleted when the consumer stops. A process that dies leaves it behind
   * until the broker expires its offsets (`offsets.retention.minutes`, 7 days by default).
   */
  ephemeralGroup?: boolean;
  topicNames?: TopicNames;
  metrics?: ConsumerMetrics;
}

/** A dead-lettered record as the ledger keeps it (the dead letter's `lma_dlq_*` headers). */
export interface DeadLetterDetails {
  group: string;
  topic: string;
  partition: number;
  offset: string;
  eventId: string | null;
  type: string | null;
  reason: string;
  field: string | null;
}

/**
 * Where a consumer group notes the records it has dead-lettered (libs/service keeps it in the
 * service's database), so that a record read again (its offset not committed before a crash, a
 * rebalance or a broker restart) is dead-lettered once. Each attempt to dead-letter a record is an
 * `owner`; one owner at a time holds a record, for a lease.
 */
export interface DeadLetterLedger {
  /** How long an owner holds a record after its last claim (its claims while it holds it renew it). */
  readonly leaseMs: number;
  /**
   * Takes `id` for `owner`, or renews its hold, noting what it is and why: 'send' when this owner
   * holds it (a new note, its own, or one whose owner's lease ran out), 'sent' when it was
   * dead-lettered before, 'busy' while another owner holds it within its lease.
   */
  claim(id: string, owner: string, note: DeadLetterDetails): Promise<'send' | 'sent' | 'busy'>;
  /** Notes that `id` is on the dead-letter topic. */
  sent(id: string): Promise<void>;
}

export interface RunningConsumer {
  readonly groupId: string;
  /** Stops fetching, lets the in-flight records finish, commits what finished, disconnects. */
  stop(): Promise<void>;
  isRunning(): boolean;
  /**
   * Records behind on each partition this consumer holds now (topics by their logical name),
   * from the broker (fetchConsumerLag): none while it holds no partition.
   */
  lag(admin: Admin): Promise<PartitionLag[]>;
}

/** Reason attached to a dead-lettered record, so an operator knows what to fix. */
export function failureReason(err: unknown): { reason: string; field?: string } {
  if (err instanceof InvalidEventError) return { reason: err.message, field: err.field };
  if (err instanceof ZodError) {
    const i = err.issues[0]!;
    const field = ['data', ...i.path].join('.');
    return { reason: `${field}: ${i.message}`, field };
  }
  if (err instanceof LmaError) {
    const first = err.errors[0];
    return first ? { reason: `${first.field}: ${first.reason}`, field: first.field } : { reason: err.message };
  }
  return { reason: err instanceof Error ? err.message : String(err) };
}

/** Invalid input and business-rule rejections never succeed on retry. */
function isPermanent(err: unknown): boolean {
  if (err instanceof InvalidEventError || err instanceof ZodError) return true;
  return err instanceof LmaError && err.kind !== 'retryable';
}

class StopRequested extends Error {}

/**
 * The known event types are the only values of a record's `type` metric label, so a producer
 * sending made-up `ce_type`s cannot create new time series (they count as `unknown`).
 */
export function metricType(type: string | undefined): string {
  return type !== undefined && KNOWN_EVENT_TYPES.has(type) ? type : 'unknown';
}

const AUTO_COMMIT_INTERVAL_MS = 500;
/** How long a dead letter sent keeps trying to note so in its ledger (a database restart takes seconds). */
const SENT_NOTE_PATIENCE_MS = 30_000;

/**
 * Consumes with awaited handlers; a record's offset is resolved only after its handler finished
 * (or after it was dead-lettered) and so did every earlier record of its partition, so nothing
 * unfinished is ever committed. Within a partition's batch, records of different keys run at once
 * (`concurrency`), records of one key in order: topics are keyed so that order matters only per key.
 * Transient failures retry with backoff for as long as they last; permanent ones go to
 * `<topic>.dlq` with the original key, value and headers plus the reason.
 */
export async function startConsumer(opts: ConsumerOptions): Promise<RunningConsumer> {
  const { kafka, groupId, topics, logger, handle, metrics } = opts;
  const maxAttempts = opts.maxAttempts ?? 5;
  const concurrency = opts.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`consumer ${groupId}: concurrency must be a whole number of at least 1, not ${concurrency}`);
  const backoff = opts.backoff ?? { initialMs: 100, maxMs: 5_000 };
  /** The wait before attempt `attempt + 1`: doubling from `initialMs`, at most `maxMs`. */
  const delayAfter = (attempt: number) => Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
  const names = opts.topicNames ?? topicNames();
  const log = logger.child({ consumer: groupId });
  const types = opts.types ? new Set(opts.types) : undefined;
  const ownsUnreadable = opts.deadLettersUnreadable ?? (() => true);
  /** A record this group cannot read: dead-lettered if the topic's unreadable records are its to dead-letter, else left to that group. */
  async function unreadable(topic: string, type: string, partition: number, message: KafkaMessage, err: unknown, attempts: number, halted: () => boolean): Promise<void> {
    if (ownsUnreadable(topic, headerString(message.headers, 'ce_type'))) return await deadLetter(topic, type, partition, message, err, attempts, 'invalid', halted);
    log.warn({ topic, partition, offset: message.offset, reason: failureReason(err).reason, event_id: headerString(message.headers, 'ce_id') }, 'unreadable record skipped: the dead-letter topic gets it from the group that owns the topic');
  }
  const sessionTimeout = opts.sessionTimeoutMs ?? 30_000;
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    retry: { retries: 10, initialRetryTime: 300 },
    allowAutoTopicCreation: false,
  });
  const dlqProducer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  let stopping = false;
  let running = false;
  /** Partitions of each topic (as on the broker) this member holds, as of its last join. */
  let assignment: Record<string, number[]> = {};
  consumer.on(consumer.events.CRASH, (e) => {
    running = false;
    assignment = {};
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    running = true;
    assignment = e.payload.memberAssignment;
  });
  consumer.on(consumer.events.STOP, () => {
    running = false;
    assignment = {};
  });

  await dlqProducer.connect();
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic: names.physical(topic), fromBeginning: opts.fromBeginning ?? true });

  /**
   * Runs `fn` until it answers what `done` accepts, retrying with the consumer's backoff when it
   * fails (its database restarting) or answers too early; stops when `halted` (the record comes
   * back to whoever holds its partition next).
   */
  async function persist<T>(what: string, fn: () => Promise<T>, halted: () => boolean, done: (v: T) => boolean = () => true): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const v = await fn();
        if (done(v)) return v;
      } catch (err) {
        log.warn({ err, attempt }, `${what}: will retry`);
      }
      if (halted()) throw new StopRequested();
      await sleep(delayAfter(attempt));
      if (halted()) throw new StopRequested();
    }
  }

  async function deadLetter(topic: string, type: string, partition: number, message: KafkaMessage, err: unknown, attempts: number, why: DeadLetterClass, halted: () => boolean) {
    const { reason, field } = failureReason(err);
    const headers: IHeaders = { ...(message.headers ?? {}) };
    headers['lma_dlq_reason'] = reason;
    if (field) headers['lma_dlq_field'] = field;
    headers['lma_dlq_topic'] = topic;
    headers['lma_dlq_partition'] = String(partition);
    headers['lma_dlq_offset'] = message.offset;
    headers['lma_dlq_consumer_group'] = groupId;
    headers['lma_dlq_attempts'] = String(attempts);
    headers['lma_dlq_failed_at'] = new Date().toISOString();
    // the record keeps its original headers (traceparent included) for a replay; the span
    // only shows the dead-lettering inside the process span
    const dlq = dlqTopic(topic);
    // the same record of the same group comes back when its offset was not committed: once is
    // enough. The ledger decides who sends it; while it cannot be read (its database restarting)
    // the record waits, as a handler's database call would
    const ledger = opts.deadLetterLedger;
    const ledgerId = `${groupId}|${topic}|${partition}|${message.offset}`;
    const at = { topic, partition, offset: message.offset, event_id: headerString(message.headers, 'ce_id') };
    let renewing: NodeJS.Timeout | undefined;
    if (ledger) {
      const owner = randomUUID();
      const details = { group: groupId, topic, partition, offset: message.offset, eventId: headerString(message.headers, 'ce_id') ?? null, type: headerString(message.headers, 'ce_type') ?? null, reason, field: field ?? null };
      let waited = false;
      const taken = await persist('dead-letter ledger not read', () => ledger.claim(ledgerId, owner, details), halted, (t) => {
        if (t === 'busy' && !waited) log.info(at, 'record held by another attempt at dead-lettering it: waiting for it to finish or its lease to end');
        waited ||= t === 'busy';
        return t !== 'busy';
      });
      if (taken === 'sent') {
        log.info(at, 'record dead-lettered before: not again');
        return;
      }
      if (waited) log.warn(at, 'record taken over from an attempt whose lease ended: dead-lettering it');
      // 'send': this owner holds the record; while the send lasts (the broker restarting) the hold
      // is renewed, so nobody takes over from a sender that is still alive
      renewing = setInterval(() => {
        ledger.claim(ledgerId, owner, details).then(
          (t) => t === 'busy' && log.error(at, 'dead-letter hold lost while sending: the record may be dead-lettered twice'),
          (err: unknown) => log.warn({ ...at, err }, 'dead-letter hold not renewed: will retry'),
        );
      }, ledger.leaseMs / 4);
      renewing.unref();
    }
    const span = startProducerSpan(
      dlq,
      context.active(),
      messagingAttributes({ operation: 'send', destination: names.physical(dlq), key: message.key?.toString('utf8'), messageId: headerString(message.headers, 'ce_id') }),
    );
    try {
      await dlqProducer.send({ topic: names.physical(dlq), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    } catch (e) {
      failSpan(span, e);
      throw e;
    } finally {
      clearInterval(renewing);
      span.end();
    }
    metrics?.deadLettered({ topic, type, group: groupId, reason: why });
    log.warn({ ...at, reason }, 'record dead-lettered');
    // noted even when the batch has ended meanwhile: until it is, a redelivery could send it again
    // (after the lease); bounded, as a stop waits for this
    if (ledger) {
      const giveUp = Date.now() + SENT_NOTE_PATIENCE_MS;
      await persist('dead letter not noted in the ledger', () => ledger.sent(ledgerId), () => Date.now() > giveUp).catch(() =>
        log.error(at, 'dead letter not noted in the ledger: a redelivery after its lease sends it again'),
      );
    }
  }

  /**
   * One record inside its `process <topic>` span, continuing the trace of the record's headers
   * (a new trace when it has none); the handler, its database calls and what it publishes are
   * children of that span.
   */
  async function processTraced(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, halted: () => boolean) {
    const span = startConsumerSpan(
      topic,
      contextFromHeaders(message.headers),
      messagingAttributes({
        operation: 'process',
        destination: names.physical(topic),
        key: message.key?.toString('utf8'),
        messageId: headerString(message.headers, 'ce_id'),
        partition,
        offset: message.offset,
        group: groupId,
      }),
    );
    const ctx = trace.setSpan(context.active(), span);
    try {
      await context.with(ctx, () => processOne(topic, partition, message, heartbeat, halted, span, ctx));
    } catch (err) {
      if (!(err instanceof StopRequested)) failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  async function processOne(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, halted: () => boolean, span: Span, ctx: Context) {
    if (types) {
      const type = headerString(message.headers, 'ce_type');
      if (type === undefined || !types.has(type)) return;
    }
    let event: CloudEvent<unknown>;
    try {
      event = decodeCloudEvent(message);
    } catch (err) {
      metrics?.consumed({ topic, type: 'unknown', group: groupId });
      failSpan(span, err);
      await unreadable(topic, 'unknown', partition, message, err, 1, halted);
      return;
    }
    const labels: RecordLabels = { topic, type: metricType(event.type), group: groupId };
    metrics?.consumed(labels);
    span.setAttribute('lma.event.type', event.type);
    // with the tracing preload the logger's mixin adds the process span's ids to every line;
    // without it, the record's own trace context is the next best thing
    const traced = Object.keys(traceIdsOf(ctx)).length > 0 && trace.getActiveSpan() !== undefined;
    const eventLog = log.child({ event_id: event.id, event_type: event.type, event_key: event.key, topic, ...(traced ? {} : traceIds(event.traceparent)) });
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await handle(event, { topic, partition, offset: message.offset, attempt, logger: eventLog, heartbeat });
        metrics?.handlerDuration(labels, (performance.now() - started) / 1000);
        metrics?.processed(labels);
        eventLog.info({ duration_ms: Math.round((performance.now() - started) * 10) / 10, attempt }, 'event handled');
        return;
      } catch (err) {
        metrics?.handlerDuration(labels, (performance.now() - started) / 1000);
        if (isPermanent(err)) {
          failSpan(span, err);
          if (err instanceof LmaError && err.kind !== 'validation') await deadLetter(topic, labels.type, partition, message, err, attempt, 'rejected', halted);
          else await unreadable(topic, labels.type, partition, message, err, attempt, halted);
          return;
        }
        const transient = isTransient(err);
        if (!transient && attempt >= maxAttempts) {
          failSpan(span, err);
          await deadLetter(topic, labels.type, partition, message, new Error(`failed after ${attempt} attempts: ${failureReason(err).reason}`), attempt, 'exhausted', halted);
          return;
        }
        span.addEvent('retry', { attempt, 'exception.message': err instanceof Error ? err.message : String(err) });
        if (halted()) throw new StopRequested();
        metrics?.retried(labels);
        const delay = delayAfter(attempt);
        eventLog.warn({ err, attempt, delay, transient }, 'handler failed: retrying');
        await sleep(delay);
        if (halted()) throw new StopRequested();
      }
    }
  }

  await consumer.run({
    autoCommit: true,
    autoCommitInterval: AUTO_COMMIT_INTERVAL_MS,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) => {
      const topic = names.logical(batch.topic);
      const watermark = createOffsetWatermark(batch.messages.map((m) => m.offset));
      // kafkajs heartbeats and commits only when called (each call is a no-op until its interval
      // has passed): without this, slow or retrying records could outlast the session timeout,
      // and records finished ahead of a retrying one would stay uncommitted as long as it retries
      let tick: Promise<void> | undefined;
      let tickFailure: { err: unknown } | undefined;
      const ticking = setInterval(() => {
        tick ??= Promise.all([heartbeat(), commitOffsetsIfNecessary()])
          .then(
            () => undefined,
            (err: unknown) => void (tickFailure ??= { err }),
          )
          .finally(() => (tick = undefined));
      }, AUTO_COMMIT_INTERVAL_MS);
      try {
        await runKeyGroups(
          groupByKey(batch.messages),
          concurrency,
          async (message, halted) => {
            try {
              await processTraced(topic, batch.partition, message, heartbeat, halted);
            } catch (err) {
              if (err instanceof StopRequested) return;
              throw err;
            }
            const resolved = watermark.finish(message.offset);
            if (resolved !== undefined) resolveOffset(resolved);
          },
          // a failed heartbeat (a rebalance) or commit ends the batch like a failed record
          () => stopping || !isRunning() || isStale() || tickFailure !== undefined,
        );
      } finally {
        clearInterval(ticking);
        await tick;
      }
      if (tickFailure) throw tickFailure.err;
    },
  });
  running = true;

  const deleteGroup = () => deleteGroupOf(kafka, groupId, log);

  return {
    groupId,
    async stop() {
      stopping = true;
      await consumer.disconnect();
      await dlqProducer.disconnect();
      running = false;
      if (opts.ephemeralGroup) await deleteGroup();
    },
    isRunning: () => running,
    async lag(admin) {
      const lags = await fetchConsumerLag(admin, groupId, assignment, opts.fromBeginning ?? true);
      return lags.map((l) => ({ ...l, topic: names.logical(l.topic) }));
    },
  };
}

/** Best effort: a group left behind costs the broker a little, and is expired in time. */
async function deleteGroupOf(kafka: Kafka, groupId: string, log: Logger): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
    log.info('consumer group deleted');
  } catch (err) {
    log.warn({ err }, 'consumer group not deleted');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** trace_id and the caller's span id from a W3C traceparent, so logs join the install's trace. */
function traceIds(traceparent: string | undefined): { trace_id?: string; parent_span_id?: string } {
  const m = traceparent ? /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/.exec(traceparent) : null;
  return m ? { trace_id: m[1]!, parent_span_id: m[2]! } : {};
}

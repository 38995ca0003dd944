import { generateKeyPairSync } from 'node:crypto';
import { MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, MarketplaceEventType, SnapshotRequestedV1, parseData } from '@lma/contracts';
import { createLogger, signJwt, type Logger } from '@lma/core';
import { createKafka, createPublisher, startConsumer, topicNames, type OutgoingEvent, type Publisher, type RunningConsumer } from '@lma/kafka';
import { Marketplace, SimState } from '@lma/simulator';
import { BenchStack, kafkaClientAuth, type ServiceName, type ServiceProcess } from '@lma/testing';
import { startMailSink, type SunkMail } from './mailsink';

export const SERVICES = ['install-intake', 'lead', 'license', 'notification', 'refresh'] as const satisfies readonly ServiceName[];
export type Service = (typeof SERVICES)[number];

const JWT = { secret: `chaos-${Math.random().toString(36).slice(2)}-0123456789abcdef0123`, issuer: 'lma-chaos' };

/** A marketplace record as it was offered: `sent` its copies on the broker (1, or 3 for every tenth), `uncertain` when a send failed. */
export interface Offered {
  event: OutgoingEvent;
  copies: number;
  uncertain: boolean;
}

/**
 * Publishes for the simulated marketplace and keeps every record it offered; every tenth record
 * goes out three times (same ce_id), as a marketplace retrying after a lost acknowledgement would.
 */
class OfferingPublisher implements Publisher {
  readonly offered: Offered[] = [];
  private n = 0;
  constructor(private readonly inner: Publisher) {}

  async publish(events: OutgoingEvent[]): Promise<void> {
    for (const event of events) {
      const copies = ++this.n % 10 === 0 ? 3 : 1;
      const o: Offered = { event, copies: 0, uncertain: false };
      this.offered.push(o);
      for (let i = 0; i < copies; i++) {
        try {
          await this.inner.publish([event]);
          o.copies++;
        } catch (err) {
          // the broker may or may not have the record: it counts as neither lost nor found
          o.uncertain = true;
          throw err;
        }
      }
    }
  }
  connected(): boolean {
    return this.inner.connected();
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
}

/**
 * Everything a chaos run drives: two replicas of every service and one gateway on the running
 * broker and database (their own topics and databases), an SMTP sink for the alerts, and the
 * simulated marketplace (its events and snapshot answers) in this process.
 */
export class World {
  readonly stack: BenchStack;
  readonly replicas = new Map<Service, ServiceProcess[]>();
  gateway!: ServiceProcess;
  mp!: Marketplace;
  offering!: OfferingPublisher;
  mails: SunkMail[] = [];
  /** Publishes a record to marketplace.events exactly as given (the junk corpus). */
  publishRaw!: (key: string, value: Buffer | string | null, headers: Record<string, string>) => Promise<void>;
  readonly logger: Logger;
  private readonly stops: (() => Promise<void>)[] = [];
  private readonly token = `Bearer ${signJwt({ sub: 'chaos@vendor.example', permissions: ['admin'] }, { ...JWT, expiresInSeconds: 24 * 3600 })}`;

  /**
   * `label` names the run's prefix; `env` adds to (or overrides) every process's settings (a
   * short session timeout); `logLevel` is this process's (CHAOS_LOG_LEVEL wins).
   */
  constructor(opts: { label?: string; env?: Record<string, string>; logLevel?: 'warn' | 'fatal' } = {}) {
    this.logger = createLogger('chaos', (process.env['CHAOS_LOG_LEVEL'] as 'info' | undefined) ?? opts.logLevel ?? 'warn');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.stack = new BenchStack(opts.label ?? 'chaos', {
      LOG_LEVEL: process.env['CHAOS_SERVICE_LOG_LEVEL'] ?? 'warn',
      GATEWAY_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      GATEWAY_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      AUTH_DEV_HS256: 'true',
      AUTH_JWT_SECRET: JWT.secret,
      AUTH_JWT_ISSUER: JWT.issuer,
      // sweeps and scans often, so the quiet after the run comes soon
      SAGA_SWEEP_INTERVAL_MS: '2000',
      NOTIFY_SCAN_INTERVAL_MS: '5000',
      REFRESH_SWEEP_INTERVAL_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...opts.env,
    });
  }

  async start(): Promise<void> {
    await this.stack.connect();
    const sink = await startMailSink();
    this.mails = sink.mails;
    this.stops.push(() => sink.stop());
    const env = (s: Service): Record<string, string> => (s === 'notification' ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_FROM: 'LMA <lma@chaos.example>' } : {});
    // the first replica of every service at once, then the second ones (each service's own database set up by its first)
    for (let round = 0; round < 2; round++) {
      // side by side on a busy machine a start may take longer than a test's minute
      const started = await Promise.all(SERVICES.map((s) => this.stack.startWithin([s], 300_000, env(s))));
      SERVICES.forEach((s, k) => this.replicas.set(s, [...(this.replicas.get(s) ?? []), started[k]![0]!.service]));
    }
    const url = (s: Service) => this.replicas.get(s)![0]!.url;
    const [gateway] = await this.stack.start(['gateway'], {
      INSTALL_INTAKE_URL: url('install-intake'),
      LEAD_URL: url('lead'),
      LICENSE_URL: url('license'),
      NOTIFICATION_URL: url('notification'),
      REFRESH_URL: url('refresh'),
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '100000',
    });
    this.gateway = gateway!;
    await this.startMarketplace();
  }

  private async startMarketplace(): Promise<void> {
    const names = topicNames(this.stack.env['KAFKA_TOPIC_PREFIX']);
    const kafka = createKafka({ brokers: this.stack.infra.KAFKA_BROKERS.split(','), clientId: 'chaos-marketplace', logger: this.logger, ...kafkaClientAuth('marketplace', this.stack.infra.KAFKA_BROKERS) });
    this.offering = new OfferingPublisher(await createPublisher(kafka, names));
    const raw = kafka.producer({ allowAutoTopicCreation: false });
    await raw.connect();
    this.publishRaw = async (key, value, headers) => {
      await raw.send({ topic: names.physical(MARKETPLACE_EVENTS_TOPIC), acks: -1, messages: [{ key, value, headers }] });
    };
    this.mp = new Marketplace(new SimState(), this.offering, { pageSize: 25, drift: 0, faults: { drop: [], duplicate: [] } }, this.logger);
    const answers: RunningConsumer = await startConsumer({
      kafka,
      groupId: `${this.stack.prefix}.marketplace.chaos`,
      topics: [MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC],
      topicNames: names,
      logger: this.logger,
      handle: async (event) => {
        if (event.type === MarketplaceEventType.SnapshotRequested) await this.mp.answerSnapshot(parseData(SnapshotRequestedV1, event.data));
      },
    });
    this.stops.push(async () => {
      await answers.stop();
      await this.offering.stop();
      await raw.disconnect();
    });
  }

  /** A call of the public API through the gateway as an administrator; never throws (status 0: no answer). */
  async api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers | null }> {
    try {
      const res = await fetch(`${this.gateway.url}/api/v1${path}`, {
        method,
        headers: { authorization: this.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { text };
      }
      return { status: res.status, body: parsed, headers: res.headers };
    } catch {
      return { status: 0, body: {}, headers: null };
    }
  }

  /** Every replica of every service, the gateway last. */
  all(): ServiceProcess[] {
    return [...[...this.replicas.values()].flat(), this.gateway];
  }

  /** Kills every process of the run at once (SIGKILL: nothing is left to finish once the checks ran). */
  async kill(): Promise<void> {
    await Promise.all(this.all().filter(Boolean).map((s) => s.kill()));
  }

  async stop(keep: boolean): Promise<void> {
    for (const s of this.stops.splice(0).reverse()) await s().catch(() => undefined);
    // CHAOS_KEEP: the processes stop, the databases and topics stay for a look
    if (keep) await this.stack.stopProcesses();
    else await this.stack.stop();
  }
}

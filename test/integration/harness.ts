import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createLogger, signJwt } from '@lma/core';
import { createKafka, provisionKafka, removeAcls, type AclScope } from '@lma/kafka';
import {
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  type PackageInstalledV1,
  type PackageRegisteredV1,
  type PackageVersionUploadedV1,
} from '@lma/contracts';
import { IdpProcess, ServiceProcess, TestKafka, TestMongo, kafkaClientAuth, forwarded, ids, infraEnv, repoRoot, testGatewayKeys, uniquePrefix, type Db, type ServiceName } from '@lma/testing';

export { forwarded } from '@lma/testing';

export const JWT = { secret: 'integration-test-secret-0123456789abcdef', issuer: 'lma-test' };

/** A user token (HS256) for calls through the gateway, which accepts it in development mode (AUTH_DEV_HS256). */
export const bearer = (permissions: string[], sub = 'tester@example.com'): string =>
  `Bearer ${signJwt({ sub, permissions }, JWT)}`;

/** The gateway's settings for user tokens in development mode (HS256 with the tests' secret). */
const GATEWAY_DEV_AUTH = { AUTH_DEV_HS256: 'true', AUTH_JWT_SECRET: JWT.secret, AUTH_JWT_ISSUER: JWT.issuer };

/**
 * One integration test file's world: its own topic prefix, consumer groups and databases on the
 * shared real broker and database server, and real service processes.
 */
export class Harness {
  readonly prefix: string;
  readonly env: Record<string, string>;
  readonly kafka: TestKafka;
  readonly mongo: TestMongo;
  readonly services = new Map<ServiceName, ServiceProcess>();

  constructor(label: string, extraEnv: Record<string, string> = {}) {
    this.prefix = uniquePrefix(label);
    const infra = infraEnv();
    this.env = {
      ...infra,
      MONGODB_DB_PREFIX: this.prefix,
      KAFKA_GROUP_PREFIX: this.prefix,
      KAFKA_TOPIC_PREFIX: `${this.prefix}.`,
      KAFKA_TOPIC_PARTITIONS: '3',
      // the services verify what the gateway forwards with its public key (the private key: gatewayEnv)
      GATEWAY_PUBLIC_KEY: testGatewayKeys.publicPem,
      SHUTDOWN_TIMEOUT_MS: '20000',
      ...extraEnv,
    };
    this.kafka = new TestKafka(infra.KAFKA_BROKERS, `${this.prefix}.`);
    this.mongo = new TestMongo(infra.MONGODB_URI);
    afterEach((ctx) => {
      if (ctx.task.result?.state === 'fail') this.keepLogs(ctx.task.name);
    });
  }

  /**
   * A failed test keeps every service's full log under .local/test-logs and prints the warnings
   * and errors, so a failure on CI can be understood from its output alone.
   */
  private keepLogs(testName: string): void {
    const dir = path.join(repoRoot, '.local', 'test-logs');
    mkdirSync(dir, { recursive: true });
    for (const [name, service] of this.services) {
      const file = path.join(dir, `${this.prefix}-${name}.log`);
      writeFileSync(file, service.logs.join('\n'));
      const notable = service.logs.filter((l) => /"level":"(warn|error|fatal)"/.test(l)).slice(-15);
      console.error(`[${testName}] ${name}: full log in ${file}${notable.length ? `; last warnings and errors:\n${notable.join('\n')}` : ''}`);
    }
  }

  db(service: ServiceName): Db {
    return this.mongo.db(`${this.prefix}_${service.replace(/-/g, '_')}`);
  }

  private provisioned?: Promise<AclScope | undefined>;

  /**
   * On the local secured broker, this run's topics and ACLs (its topic and group prefix), created
   * by the admin with the provisioning `npm start` runs (libs/kafka acls.ts), once per harness;
   * each service then connects as its own principal. On an unsecured broker the services create
   * their topics themselves.
   */
  provisionKafka(): Promise<AclScope | undefined> {
    this.provisioned ??= (async () => {
      const auth = kafkaClientAuth('admin', this.env['KAFKA_BROKERS']);
      if (!auth.sasl) return undefined;
      const scope = { topicPrefix: `${this.prefix}.`, groupPrefix: this.prefix };
      await provisionKafka(this.adminKafka(), { ...scope, partitions: 3 });
      return scope;
    })();
    return this.provisioned;
  }

  private adminKafka() {
    return createKafka({ brokers: this.env['KAFKA_BROKERS']!.split(','), clientId: `${this.prefix}-admin`, logger: createLogger('harness', 'silent'), ...kafkaClientAuth('admin', this.env['KAFKA_BROKERS']) });
  }

  async start(names: ServiceName[], watch: string[]): Promise<void> {
    await this.mongo.connect();
    await this.provisionKafka();
    for (const n of names) this.services.set(n, await new ServiceProcess(n, this.env).start());
    await this.kafka.watch(watch);
  }

  service(name: ServiceName): ServiceProcess {
    const s = this.services.get(name);
    if (!s) throw new Error(`${name} was not started`);
    return s;
  }

  /**
   * The environment of a gateway in front of this harness's running services (their ports are
   * dynamic). A service that is not running gets a URL nothing listens on (the gateway answers 503).
   */
  gatewayEnv(extraEnv: Record<string, string> = {}): Record<string, string> {
    const url = (n: ServiceName) => this.services.get(n)?.url ?? 'http://127.0.0.1:9';
    return {
      ...this.env,
      ...GATEWAY_DEV_AUTH,
      GATEWAY_SIGNING_KEY: testGatewayKeys.privatePem,
      INSTALL_INTAKE_URL: url('install-intake'),
      LEAD_URL: url('lead'),
      LICENSE_URL: url('license'),
      NOTIFICATION_URL: url('notification'),
      REFRESH_URL: url('refresh'),
      ...extraEnv,
    };
  }

  /** Starts the gateway (after the services it fronts); `api(path)` then addresses it. */
  async startGateway(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const gateway = await new ServiceProcess('gateway', this.gatewayEnv(extraEnv)).start();
    this.services.set('gateway', gateway);
    return gateway;
  }

  /**
   * Starts the local identity provider (tools/idp) for this file; pass its issuer to the gateway
   * as OIDC_ISSUER (the gateway also keeps accepting the tests' HS256 tokens: AUTH_DEV_HS256).
   */
  async startIdp(port = 0): Promise<IdpProcess> {
    this.idp = await new IdpProcess().start(port);
    return this.idp;
  }
  idp?: IdpProcess;

  /** The gateway URL of a public API path: `api('/licenses')` -> `http://127.0.0.1:<port>/api/v1/licenses`. */
  api(path: string): string {
    return `${this.service('gateway').url}/api/v1${path}`;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.stop()));
    await this.idp?.stop();
    await this.kafka.close();
    const acls = await this.provisioned?.catch(() => undefined);
    if (acls) await removeAcls(this.adminKafka(), acls);
    for (const name of this.services.keys()) await this.db(name).dropDatabase();
    await this.mongo.close();
  }

  // --- the marketplace, as tests drive it ---

  async registerPackage(overrides: Partial<PackageRegisteredV1> = {}): Promise<PackageRegisteredV1> {
    const data: PackageRegisteredV1 = {
      packageId: ids.packageId(),
      packageName: 'Test Package',
      developerName: 'Test Developer',
      developerOrgId: ids.developerOrgId(),
      registeredAt: '2026-01-01T00:00:00Z',
      defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 },
      ...overrides,
    };
    await this.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type: MarketplaceEventType.PackageRegistered, key: data.packageId, data });
    return data;
  }

  async uploadVersion(packageId: string, overrides: Partial<PackageVersionUploadedV1> = {}): Promise<PackageVersionUploadedV1> {
    const data: PackageVersionUploadedV1 = {
      packageId,
      packageVersionId: ids.packageVersionId(),
      versionName: 'Release',
      versionNumber: '1.0.0',
      beta: false,
      releasedAt: '2026-01-02T00:00:00Z',
      ...overrides,
    };
    await this.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type: MarketplaceEventType.PackageVersionUploaded, key: packageId, data });
    return data;
  }

  installData(packageId: string, packageVersionId: string, overrides: Partial<PackageInstalledV1> = {}): PackageInstalledV1 {
    return {
      packageId,
      packageVersionId,
      versionNumber: '1.0.0',
      subscriberOrgId: ids.subscriberOrgId(),
      installedAt: '2026-02-10T08:30:00Z',
      installer: { firstName: 'Grace', lastName: 'Hopper', email: `grace.${Math.random().toString(36).slice(2)}@example.com`, company: 'Navy Labs' },
      org: { name: 'Navy Labs', edition: 'Enterprise', status: 'Trial', instance: 'NA42', sandbox: false, trialExpiresOn: '2026-03-10' },
      ...overrides,
    };
  }

  /** An HTTP call straight to a running service, as the gateway forwards one for a user with these permissions. */
  async http(service: Exclude<ServiceName, 'gateway'>, method: string, path: string, body?: unknown, permissions: string[] = ['admin']) {
    const res = await fetch(`${this.service(service).url}${path}`, {
      method,
      headers: { authorization: forwarded(service, permissions), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async install(data: PackageInstalledV1, extra: { id?: string; traceparent?: string } = {}) {
    return await this.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, {
      type: MarketplaceEventType.PackageInstalled,
      key: `${data.packageId}:${data.subscriberOrgId}`,
      data,
      ...extra,
    });
  }
}

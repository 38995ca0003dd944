import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SASLOptions } from 'kafkajs';

export const repoRoot = path.resolve(__dirname, '../../..');

export interface InfraEnv {
  KAFKA_BROKERS: string;
  MONGODB_URI: string;
}

/**
 * The real broker and database the tests talk to: `KAFKA_BROKERS` / `MONGODB_URI` when set,
 * else what `deploy/local/infra.sh up` wrote to `.local/infra.env`.
 */
export function infraEnv(): InfraEnv {
  const fromFile = readEnvFile(infraEnvFile());
  const KAFKA_BROKERS = process.env['KAFKA_BROKERS'] ?? fromFile['KAFKA_BROKERS'];
  const MONGODB_URI = process.env['MONGODB_URI'] ?? fromFile['MONGODB_URI'];
  if (!KAFKA_BROKERS || !MONGODB_URI) {
    throw new Error('No Kafka/MongoDB for integration tests: run `bash deploy/local/infra.sh up` or set KAFKA_BROKERS and MONGODB_URI');
  }
  return { KAFKA_BROKERS, MONGODB_URI };
}

/** The file `deploy/local/infra.sh up` writes in its state directory (LMA_LOCAL_DIR, else .local; LMA_INFRA_ENV names another file). */
export const infraEnvFile = (): string => process.env['LMA_INFRA_ENV'] ?? path.join(process.env['LMA_LOCAL_DIR'] ?? path.join(repoRoot, '.local'), 'infra.env');

function readEnvFile(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  if (!existsSync(file)) return vars;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

/** Where infra.sh keeps the local broker's credentials: `secrets/<principal>.env` beside the infra env file. */
export const kafkaSecretsDir = (): string => path.join(path.dirname(infraEnvFile()), 'secrets');

/**
 * The Kafka credentials of `principal` as environment variables (KAFKA_SASL_MECHANISM,
 * KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD) when `brokers` is the local secured broker
 * infra.sh started (its secrets file exists); none for another broker (containers, or one
 * KAFKA_BROKERS names), which is unsecured unless the environment says otherwise.
 */
export function kafkaCredentialsEnv(principal: string, brokers: string | undefined = process.env['KAFKA_BROKERS']): Record<string, string> {
  const local = readEnvFile(infraEnvFile())['KAFKA_BROKERS'];
  if (!local || (brokers !== undefined && brokers !== local)) return {};
  const creds = readEnvFile(path.join(kafkaSecretsDir(), `${principal}.env`));
  return creds['KAFKA_SASL_MECHANISM'] ? creds : {};
}

/** kafkajs options for `principal` (admin by default: the tests' own clients): `{ sasl }` on the local secured broker, else none. */
export function kafkaClientAuth(principal = 'admin', brokers?: string): { sasl?: SASLOptions } {
  const c = kafkaCredentialsEnv(principal, brokers ?? infraEnv().KAFKA_BROKERS);
  if (!c['KAFKA_SASL_MECHANISM']) return {};
  return { sasl: { mechanism: c['KAFKA_SASL_MECHANISM'], username: c['KAFKA_SASL_USERNAME'] ?? '', password: c['KAFKA_SASL_PASSWORD'] ?? '' } as SASLOptions };
}

/** Whether the tests' broker authenticates clients and authorizes them with ACLs (the local one does; containers do not). */
export const kafkaSecured = (): boolean => Boolean(kafkaClientAuth().sasl);

/** A prefix unique to one test file's run: its topics, consumer groups and databases. */
export function uniquePrefix(label: string): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomAlnum = (n: number) => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');

/** Marketplace ids in the contract's formats, random so tests never collide. */
export const ids = {
  packageId: () => `033${randomAlnum(15)}`,
  packageVersionId: () => `04t${randomAlnum(15)}`,
  developerOrgId: () => `00D${randomAlnum(15)}`,
  subscriberOrgId: () => `00D${randomAlnum(12)}`,
  userId: () => `005${randomAlnum(12)}`,
};

import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

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
  const fromFile: Record<string, string> = {};
  const file = process.env['LMA_INFRA_ENV'] ?? path.join(repoRoot, '.local/infra.env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) fromFile[m[1]!] = m[2]!;
    }
  }
  const KAFKA_BROKERS = process.env['KAFKA_BROKERS'] ?? fromFile['KAFKA_BROKERS'];
  const MONGODB_URI = process.env['MONGODB_URI'] ?? fromFile['MONGODB_URI'];
  if (!KAFKA_BROKERS || !MONGODB_URI) {
    throw new Error('No Kafka/MongoDB for integration tests: run `bash deploy/local/infra.sh up` or set KAFKA_BROKERS and MONGODB_URI');
  }
  return { KAFKA_BROKERS, MONGODB_URI };
}

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

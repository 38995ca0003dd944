import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SASLOptions } from 'kafkajs';

/**
 * The demo plays two parties and uses each one's own principal: the marketplace publishes on
 * `marketplace.events`, a vendor system reads `lma.license.events` (docs/security.md). With
 * KAFKA_SECRETS_DIR (`npm start` sets it to .local/secrets) their credentials are read from
 * `<dir>/marketplace.env` and `<dir>/vendor.env`; else KAFKA_SASL_* serve both; else none (an
 * unsecured broker).
 */
export function kafkaAuthOf(principal: 'marketplace' | 'vendor'): { sasl?: SASLOptions } {
  const dir = process.env['KAFKA_SECRETS_DIR'];
  const vars: Record<string, string | undefined> = { ...process.env };
  const file = dir ? path.join(dir, `${principal}.env`) : undefined;
  if (file) {
    if (!existsSync(file)) throw new Error(`KAFKA_SECRETS_DIR: ${file} does not exist (deploy/local/infra.sh up writes it)`);
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) vars[m[1]!] = m[2]!;
    }
  }
  const mechanism = vars['KAFKA_SASL_MECHANISM'];
  if (!mechanism) return {};
  return { sasl: { mechanism, username: vars['KAFKA_SASL_USERNAME'] ?? '', password: vars['KAFKA_SASL_PASSWORD'] ?? '' } as SASLOptions };
}

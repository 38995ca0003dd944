import type { Express } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { licenseApi, mountRoute } from '@lma/api';
import type { CheckAnswer } from '../domain/check';
import { today, type ApiDeps } from './deps';

type CheckInput = { packageId: string; subscriberOrgId: string; userId: string };

/**
 * Answering validated checks from the in-memory read model (see checkReadModel.ts), with the
 * check metrics: shared by the declared express routes below and the fast path (checkFastPath.ts).
 */
export interface CheckAnswerer {
  single(q: CheckInput): Promise<CheckAnswer>;
  batch(checks: readonly CheckInput[]): Promise<{ results: CheckAnswer[] }>;
}

export function createCheckAnswerer(deps: Pick<ApiDeps, 'checks' | 'clock'>, registry: Registry): CheckAnswerer {
  const checks = new Counter({
    name: 'lma_license_checks_total',
    help: 'License checks answered, by answer: licensed or the reason the user is not licensed.',
    labelNames: ['answer'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lma_license_check_duration_seconds',
    help: 'Time to answer one license check request (single, or a whole batch), excluding HTTP parsing and authentication.',
    labelNames: ['kind'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  const count = (a: CheckAnswer) => checks.inc({ answer: a.reason ?? 'licensed' });
  return {
    async single(q) {
      const end = duration.startTimer({ kind: 'single' });
      const a = await deps.checks.check(q.packageId, q.subscriberOrgId, q.userId, today(deps.clock));
      end();
      count(a);
      return a;
    },
    async batch(list) {
      const end = duration.startTimer({ kind: 'batch' });
      const day = today(deps.clock);
      const results = await Promise.all(list.map((c) => deps.checks.check(c.packageId, c.subscriberOrgId, c.userId, day)));
      end();
      results.forEach(count);
      return { results };
    },
  };
}

/**
 * The license check hot path as declared routes. In the running service most check requests are
 * answered by the fast path in front of express (checkFastPath.ts); these answer what it leaves
 * to express (unusual bodies) and define the behaviour the fast path reproduces.
 */
export function mountChecks(app: Express, answer: CheckAnswerer): void {
  mountRoute(app, licenseApi.checkLicense, ({ query }) => answer.single(query));
  mountRoute(app, licenseApi.checkLicenses, ({ body }) => answer.batch(body.checks));
}

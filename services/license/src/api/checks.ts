import type { Express } from 'express';
import { Counter, Histogram } from 'prom-client';
import { licenseApi, mountRoute } from '@lma/api';
import type { CheckAnswer } from '../domain/check';
import { today, type ApiDeps } from './deps';

/** The license check hot path: answered from the in-memory read model (see checkReadModel.ts). */
export function mountChecks(app: Express, deps: ApiDeps): void {
  const checks = new Counter({
    name: 'lma_license_checks_total',
    help: 'License checks answered, by answer: licensed or the reason the user is not licensed.',
    labelNames: ['answer'] as const,
    registers: [deps.metrics],
  });
  const duration = new Histogram({
    name: 'lma_license_check_duration_seconds',
    help: 'Time to answer one license check request (single, or a whole batch), excluding HTTP parsing and authentication.',
    labelNames: ['kind'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [deps.metrics],
  });
  const count = (a: CheckAnswer) => checks.inc({ answer: a.reason ?? 'licensed' });

  mountRoute(app, licenseApi.checkLicense, async ({ query: q }) => {
    const end = duration.startTimer({ kind: 'single' });
    const a = await deps.checks.check(q.packageId, q.subscriberOrgId, q.userId, today(deps.clock));
    end();
    count(a);
    return a;
  });
  mountRoute(app, licenseApi.checkLicenses, async ({ body }) => {
    const end = duration.startTimer({ kind: 'batch' });
    const day = today(deps.clock);
    const results = await Promise.all(body.checks.map((c) => deps.checks.check(c.packageId, c.subscriberOrgId, c.userId, day)));
    end();
    results.forEach(count);
    return { results };
  });
}

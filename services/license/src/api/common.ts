import type { LicenseV1, TraceContext } from '@lma/contracts';
import { ForbiddenError, NotFoundError, RetryableError, hasPermission, type Principal } from '@lma/core';
import { toLicenseV1, type License } from '../domain/license';
import { loadLicense } from '../infra/licenseChanges';
import type { Models } from '../infra/models';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The W3C trace context of an HTTP request, continued on the events a change publishes. */
export function traceOfHeaders(headers: Record<string, string | string[] | undefined>): TraceContext {
  const tp = headers['traceparent'];
  if (typeof tp !== 'string' || !TRACEPARENT.test(tp)) return {};
  const ts = headers['tracestate'];
  return { traceparent: tp, ...(typeof ts === 'string' && ts.length <= 512 ? { tracestate: ts } : {}) };
}

/** Changing a license needs licenses:edit (the route's permission) and licenses:read. */
export function requireRead(p: Principal): void {
  if (!hasPermission(p, 'licenses:read')) throw new ForbiddenError('licenses:read');
}

/** The license as the API shows it: the contract's view. */
export function licenseView(l: License): LicenseV1 {
  return toLicenseV1(l);
}

/** A named, not deleted license, or 404. */
export async function existingLicense(m: Models, licenseId: string): Promise<License> {
  const l = await loadLicense(m, licenseId);
  if (!l?.licenseName || l.deletedAt) throw new NotFoundError(`License ${licenseId}`);
  return l;
}

/** Retries a locked read-decide-write when another replica wrote the license meanwhile. */
export async function withRetry<T>(f: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (!(err instanceof RetryableError) || i >= attempts) throw err;
    }
  }
}

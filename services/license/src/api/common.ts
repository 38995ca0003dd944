import type { LicenseV1, TraceContext } from '@lma/contracts';
import { ForbiddenError, NotFoundError, hasPermission, type Principal } from '@lma/core';
import { toLicenseV1, type License } from '../domain/license';
import type { LicenseData } from '../infra/aggregates';

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
export async function existingLicense(data: Pick<LicenseData, 'licenses'>, licenseId: string): Promise<License> {
  return namedLicense(licenseId, await data.licenses.get(licenseId));
}

/** The license when it is named and not deleted; 404 otherwise. */
export function namedLicense(licenseId: string, l: License | null): License {
  if (!l?.licenseName || l.deletedAt) throw new NotFoundError(`License ${licenseId}`);
  return l;
}

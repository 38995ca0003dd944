import { z } from 'zod';

/** Identifier formats fixed by the marketplace (docs/events.md, "Wire format"). */
export const PackageId = z.string().regex(/^033[A-Za-z0-9]{15}$/, 'must be 18 alphanumeric characters starting with 033');
export const PackageVersionId = z.string().regex(/^04t[A-Za-z0-9]{15}$/, 'must be 18 alphanumeric characters starting with 04t');
export const DeveloperOrgId = z.string().regex(/^00D[A-Za-z0-9]{15}$/, 'must be 18 alphanumeric characters starting with 00D');
export const SubscriberOrgId = z.string().regex(/^00D[A-Za-z0-9]{12}$/, 'must be 15 alphanumeric characters starting with 00D');
export const UserId = z.string().regex(/^005(?:[A-Za-z0-9]{12}|[A-Za-z0-9]{15})$/, 'must be 15 or 18 alphanumeric characters starting with 005');

/** RFC 3339 timestamp in UTC (`Z`), fractional seconds allowed. */
export const Timestamp = z.string().datetime({ message: 'must be an RFC 3339 UTC timestamp (e.g. 2026-01-31T12:00:00Z)' });

/** Calendar date `YYYY-MM-DD` that exists. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a real calendar date');

export const VersionNumber = z.string().regex(/^\d+(?:\.\d+){1,3}$/, 'must be a version number like 1.4.2');

/** The key of every record about one installation. */
export const installationKey = (packageId: string, subscriberOrgId: string): string => `${packageId}:${subscriberOrgId}`;

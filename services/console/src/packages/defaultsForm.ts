import type { Schemas } from '../api/client';

/** The default license values form while it is typed (numbers as typed, so a half-typed value can be named). */
export interface DefaultsDraft {
  status: 'Trial' | 'Active';
  /** Licenses never expire (the API's `lengthDays: null`). */
  noExpiry: boolean;
  lengthDays: string;
  /** A site license: no seat limit (the API's `seats: null`). */
  siteLicense: boolean;
  seats: string;
  sandboxSiteLicense: boolean;
  reason: string;
}

export type DefaultsErrors = Partial<Record<'lengthDays' | 'seats' | 'reason' | 'form', string>>;

export function defaultsDraftOf(p: Pick<Schemas['Package'], 'defaultLicense' | 'sandboxSiteLicense'>): DefaultsDraft {
  const d = p.defaultLicense;
  return {
    status: d.status,
    noExpiry: d.lengthDays === null,
    lengthDays: d.lengthDays === null ? '' : String(d.lengthDays),
    siteLicense: d.seats === null,
    seats: d.seats === null ? '' : String(d.seats),
    sandboxSiteLicense: p.sandboxSiteLicense,
    reason: '',
  };
}

const MAX_DAYS = 3650;
const MAX_SEATS = 99_000_000;

function whole(value: string, max: number, what: string): { value: number } | { error: string } {
  if (!/^\d+$/.test(value.trim())) return { error: `Enter a whole number of ${what} from 1 to ${max.toLocaleString('en')}` };
  const n = Number(value.trim());
  if (n < 1 || n > max) return { error: `Enter a whole number of ${what} from 1 to ${max.toLocaleString('en')}` };
  return { value: n };
}

/**
 * The PATCH /packages/{id} body the draft stands for (only what changed), or what is wrong with the
 * draft, field by field, as the API would say it.
 */
export function defaultsChange(p: Pick<Schemas['Package'], 'defaultLicense' | 'sandboxSiteLicense'>, d: DefaultsDraft): { body: Schemas['UpdatePackageRequest'] } | { errors: DefaultsErrors } {
  const errors: DefaultsErrors = {};
  let lengthDays: number | null = null;
  let seats: number | null = null;
  if (!d.noExpiry) {
    const r = whole(d.lengthDays, MAX_DAYS, 'days');
    if ('error' in r) errors.lengthDays = r.error;
    else lengthDays = r.value;
  }
  if (!d.siteLicense) {
    const r = whole(d.seats, MAX_SEATS, 'seats');
    if ('error' in r) errors.seats = r.error;
    else seats = r.value;
  }
  const reason = d.reason.trim();
  if (!reason) errors.reason = 'Say why the defaults change (kept in the audit)';
  else if (reason.length > 500) errors.reason = 'At most 500 characters';
  const before = p.defaultLicense;
  const defaultLicense: NonNullable<Schemas['UpdatePackageRequest']['defaultLicense']> = {};
  if (d.status !== before.status) defaultLicense.status = d.status;
  if (!errors.lengthDays && lengthDays !== before.lengthDays) defaultLicense.lengthDays = lengthDays;
  if (!errors.seats && seats !== before.seats) defaultLicense.seats = seats;
  const sandboxChanged = d.sandboxSiteLicense !== p.sandboxSiteLicense;
  if (Object.keys(defaultLicense).length === 0 && !sandboxChanged && !errors.lengthDays && !errors.seats) errors.form = 'Nothing changed yet';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      reason,
      ...(Object.keys(defaultLicense).length > 0 ? { defaultLicense } : {}),
      ...(sandboxChanged ? { sandboxSiteLicense: d.sandboxSiteLicense } : {}),
    },
  };
}

/** A caution that does not stop the change: Trials made from these defaults would outlast what Modify License allows a Trial. */
export function trialCaution(d: DefaultsDraft): string | null {
  if (d.status !== 'Trial') return null;
  if (d.noExpiry) return 'Trial licenses made from these defaults would never expire; Modify License keeps a Trial within 90 days.';
  const n = Number(d.lengthDays);
  return Number.isInteger(n) && n > 90 ? `Trial licenses made from these defaults would run ${n} days; Modify License keeps a Trial within 90 days.` : null;
}

/** The default license in words. */
export function describeDefaults(p: Pick<Schemas['Package'], 'defaultLicense' | 'sandboxSiteLicense'>): string {
  const d = p.defaultLicense;
  const seats = d.seats === null ? 'site license' : `${d.seats} ${d.seats === 1 ? 'seat' : 'seats'}`;
  const length = d.lengthDays === null ? 'does not expire' : `expires after ${d.lengthDays} ${d.lengthDays === 1 ? 'day' : 'days'}`;
  return `${d.status}, ${seats}, ${length}${p.sandboxSiteLicense ? '; sandboxes get a site license' : ''}`;
}

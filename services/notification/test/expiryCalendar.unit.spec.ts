import { describe, expect, it } from 'vitest';
import {
  CALENDAR_BUCKETS,
  alertWindow,
  bucketId,
  bucketIndexOf,
  daysBefore,
  dueOnDay,
  firstAlertDay,
  markedDone,
  mayStillAlert,
  takeScanWindow,
  withBucket,
  withLicense,
  withoutLicense,
} from '../src/domain/expiryCalendar';
import { applyLicenseEvent, reportsRecentChange } from '../src/domain/licenseState';
import type { LicenseV1 } from '@lma/contracts';

const at = (s: string) => new Date(s);

describe('the expiry calendar', () => {
  it('files a license in one bucket of its day, once, the day listing the bucket, and takes it off again', () => {
    const b = bucketIndexOf('lic_1');
    expect(b).toBe(bucketIndexOf('lic_1'));
    const id = bucketId('2026-03-31', b);
    expect(id).toBe(`2026-03-31#${b}`);
    const day = withBucket(null, '2026-03-31', b);
    expect(day).toEqual({ _id: '2026-03-31', buckets: [b], done: [] });
    expect(withBucket(day, '2026-03-31', b)).toBeNull();
    expect(withBucket({ ...day!, done: ['nr_1@1:30'] }, '2026-03-31', (b + 1) % CALENDAR_BUCKETS)).toEqual({ _id: '2026-03-31', buckets: [b, (b + 1) % CALENDAR_BUCKETS], done: ['nr_1@1:30'] });
    const filed = withLicense(null, id, '2026-03-31', 'lic_1');
    expect(filed).toEqual({ _id: id, day: '2026-03-31', licenseIds: ['lic_1'] });
    expect(withLicense(filed, id, '2026-03-31', 'lic_1')).toBeNull();
    expect(withoutLicense(filed, 'lic_1')).toEqual({ _id: id, day: '2026-03-31', licenseIds: [] });
    expect(withoutLicense(filed, 'lic_2')).toBeNull();
  });

  it('spreads the licenses of a busy day over its buckets', () => {
    const used = new Set(Array.from({ length: 400 }, (_, i) => bucketIndexOf(`lic_${i}`)));
    expect(used.size).toBe(CALENDAR_BUCKETS);
  });

  it('given the time, a catch-up of 3 days and a longest stage of 30, then the window is the days that can have a stage due', () => {
    const days = alertWindow(at('2026-03-10T12:00:00Z'), 3, 30);
    // 2026-03-07 passed its cut-off at 2026-03-10T00:00; 2026-04-09 is 30 days ahead
    expect(days[0]).toBe('2026-03-08');
    expect(days.at(-1)).toBe('2026-04-09');
    expect(days).toHaveLength(33);
    expect(firstAlertDay(at('2026-03-10T12:00:00Z'), 3)).toBe('2026-03-08');
    expect(mayStillAlert('2026-03-07', at('2026-03-10T12:00:00Z'), 3)).toBe(false);
    expect(mayStillAlert('2026-03-08', at('2026-03-10T12:00:00Z'), 3)).toBe(true);
    expect(mayStillAlert(null, at('2026-03-10T12:00:00Z'), 3)).toBe(false);
  });

  it('prunes the days before the first kept one, from where the last pruning stopped', () => {
    expect(daysBefore('2026-03-08', null)).toEqual(['2026-03-07']);
    expect(daysBefore('2026-03-08', '2026-03-05')).toEqual(['2026-03-05', '2026-03-06', '2026-03-07']);
    // the clock was set back: nothing before
    expect(daysBefore('2026-03-08', '2026-03-09')).toEqual([]);
  });
});

describe('the scan of an expiration day', () => {
  const rule = { _id: 'nr_1', revision: 2, stages: [30, 7] };
  it('given a stage due, then its marker is to do until marked; a later stage or a changed rule is a new marker', () => {
    const now = at('2026-03-01T10:00:00Z');
    expect(dueOnDay('2026-03-31', [rule], now, 3)).toEqual([{ rule, stage: 30, marker: 'nr_1@2:30' }]);
    expect(dueOnDay('2026-05-31', [rule], now, 3)).toEqual([]);
    const done = markedDone({ _id: '2026-03-31', buckets: [3], done: [] }, '2026-03-31', ['nr_1@2:30']);
    expect(done).toEqual({ _id: '2026-03-31', buckets: [3], done: ['nr_1@2:30'] });
    expect(markedDone(done, '2026-03-31', ['nr_1@2:30'])).toBeNull();
    expect(dueOnDay('2026-03-31', [rule], at('2026-03-25T00:00:00Z'), 3)[0]!.marker).toBe('nr_1@2:7');
    expect(dueOnDay('2026-03-31', [{ ...rule, revision: 3 }], now, 3)[0]!.marker).toBe('nr_1@3:30');
  });

  it('given replicas ticking, then each window is taken once; a clock set back far starts again', () => {
    const now = at('2026-03-01T10:00:00Z');
    const first = takeScanWindow(null, 'scanner', 60_000, 'a', now, 120_000)!;
    expect(first).toMatchObject({ window: 60_000, owner: 'a', calendarFrom: null, backfilled: false });
    expect(takeScanWindow(first, 'scanner', 60_000, 'b', now, 120_000)).toBeNull();
    expect(takeScanWindow(first, 'scanner', 120_000, 'b', now, 120_000)).toMatchObject({ window: 120_000, owner: 'b' });
    // a replica whose clock is one window behind does not scan again
    const later = { ...first, window: 180_000, calendarFrom: '2026-02-26', backfilled: true };
    expect(takeScanWindow(later, 'scanner', 120_000, 'b', now, 120_000)).toBeNull();
    expect(takeScanWindow(later, 'scanner', 60_000, 'b', now, 120_000)).toBeNull();
    expect(takeScanWindow(later, 'scanner', -3_600_000, 'b', now, 120_000)).toMatchObject({ window: -3_600_000, calendarFrom: '2026-02-26', backfilled: true });
  });
});

describe('the license read model', () => {
  const lic = (revision: number, status: LicenseV1['status'] = 'Active'): LicenseV1 =>
    ({ licenseId: 'lic_1', revision, status, expiresOn: '2026-03-31', changedBy: 'x', reason: 'y' }) as unknown as LicenseV1;
  const now = at('2026-03-01T00:00:00Z');

  it('keeps a newer revision, takes the kept one again as a redelivery, and ignores an older one', () => {
    const first = applyLicenseEvent(null, lic(1), now);
    expect(first.changed).toBe(true);
    expect(first.view).toMatchObject({ _id: 'lic_1', revision: 1, uninstalledSince: null, updatedAt: now });
    expect(first.view).not.toHaveProperty('changedBy');
    expect(applyLicenseEvent(first.view, lic(1), now)).toEqual({ view: first.view, changed: false });
    const uninstalled = applyLicenseEvent(first.view, lic(3, 'Uninstalled'), now);
    expect(uninstalled.view).toMatchObject({ revision: 3, uninstalledSince: 3 });
    expect(applyLicenseEvent(uninstalled.view, lic(2), now)).toEqual({ view: null, changed: false });
  });

  it('given an empty read model (a new consumer, a lost store), when a republished license arrives, then it is kept at its revision', () => {
    const republished = { ...lic(7, 'Uninstalled'), reason: 'republish' };
    expect(applyLicenseEvent(null, republished, now)).toMatchObject({ changed: true, view: { revision: 7, uninstalledSince: 7 } });
  });

  it('alerts on an uninstall or suspension only for a recent change, and never for a republish (no change, however recent)', () => {
    const hour = 3_600_000;
    expect(reportsRecentChange(lic(3), new Date(now.getTime() - hour), now, 72 * hour)).toBe(true);
    expect(reportsRecentChange(lic(3), new Date(now.getTime() - 73 * hour), now, 72 * hour)).toBe(false);
    expect(reportsRecentChange({ reason: 'republish' }, now, now, 72 * hour)).toBe(false);
  });
});

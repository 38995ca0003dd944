import { describe, expect, it } from 'vitest';
import { CommandType, InternalTopic, LICENSE_EVENTS_TOPIC, LicenseEventType, LicenseV1, REPUBLISH_REASON, examplePackageInstalled } from '@lma/contracts';
import { auditEntryOf } from '../src/domain/audit';
import { newLicense, type License } from '../src/domain/license';
import { newRepublishRequest, republishCommandOf, republishEventOf, republishedType, withProgress } from '../src/domain/republish';

const now = new Date('2026-05-01T12:00:00Z');
const cmd = { requestId: 'rep_0b7f5a4e-1111-4222-8333-944455556666', requestedBy: 'admin@example.com' };
const license = (over: Partial<License> = {}): License => ({
  ...newLicense({ defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 }, sandboxSiteLicense: true }, examplePackageInstalled, { leadId: 'lead-1', contactId: null }, null, new Date('2026-02-01T10:15:01Z')),
  licenseNumber: 7,
  licenseName: 'L-000007',
  revision: 1,
  ...over,
});
const changedAt = (l: License, type: LicenseEventType, revision: number): License => ({
  ...l,
  revision,
  lastAudit: auditEntryOf(l, { seats: 20 }, revision, { type, changedBy: 'alice', reason: 'renewal' }, now),
});

describe('republishEventOf', () => {
  it('given a license, when published again, then the event carries the whole license at its current revision, reason republish, who asked, and a ce_id of its own', () => {
    const l = changedAt(license(), LicenseEventType.SeatsUsedChanged, 4);
    const e = republishEventOf(l, cmd, now, {})!;
    expect(e).toMatchObject({ topic: LICENSE_EVENTS_TOPIC, type: LicenseEventType.SeatsUsedChanged, key: `${l.packageId}:${l.subscriberOrgId}`, time: now.toISOString() });
    expect(e.id).toBe(`${l._id}:4:republish:${cmd.requestId}`);
    expect(e.id).not.toBe(`${l._id}:4`);
    expect(LicenseV1.parse(e.data)).toMatchObject({ licenseId: l._id, revision: 4, changedBy: cmd.requestedBy, reason: REPUBLISH_REASON });
    expect(e.dataschema).toBe('urn:lma:schema:lma.license.seats-used-changed:v1');
  });

  it('given the same request twice (a redelivered command), when published again, then the ce_id is the same; another request gets another', () => {
    const l = license();
    expect(republishEventOf(l, cmd, now, {})!.id).toBe(republishEventOf(l, cmd, new Date(), {})!.id);
    expect(republishEventOf(l, { ...cmd, requestId: 'rep_other' }, now, {})!.id).not.toBe(republishEventOf(l, cmd, now, {})!.id);
  });

  it('given a license not named yet (never published), when published again, then there is no event', () => {
    expect(republishEventOf(license({ licenseName: null, licenseNumber: null, revision: 0 }), cmd, now, {})).toBeNull();
  });

  it('given the trace of the command, when published again, then the event continues it', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(republishEventOf(license(), cmd, now, { traceparent })!.traceparent).toBe(traceparent);
  });
});

describe('republishedType', () => {
  it('given a license whose last change is recorded, when published again, then it has the type of that change', () => {
    expect(republishedType(changedAt(license(), LicenseEventType.Linked, 3))).toBe(LicenseEventType.Linked);
  });

  it('given a deleted license, when published again, then it is a deletion (it stays deleted for whoever reads it)', () => {
    expect(republishedType(license({ deletedAt: now }))).toBe(LicenseEventType.Deleted);
    expect(republishedType(changedAt(license({ deletedAt: now }), LicenseEventType.Modified, 5))).toBe(LicenseEventType.Deleted);
  });

  it('given a license without a record of its last change, when published again, then its state tells the type', () => {
    expect(republishedType(license())).toBe(LicenseEventType.Created);
    expect(republishedType(license({ revision: 3, status: 'Uninstalled' }))).toBe(LicenseEventType.Uninstalled);
    expect(republishedType(license({ revision: 3 }))).toBe(LicenseEventType.Modified);
    // an audit entry of an older revision says nothing of the last change
    expect(republishedType({ ...changedAt(license(), LicenseEventType.Linked, 2), revision: 3 })).toBe(LicenseEventType.Modified);
  });
});

describe('a republish request', () => {
  it('given a new request, when written, then its command goes to the republish lane keyed by the request, with a stable id', () => {
    const r = newRepublishRequest(cmd.requestId, examplePackageInstalled.packageId, cmd.requestedBy, now);
    expect(r).toMatchObject({ state: 'requested', republished: 0, finishedAt: null });
    const c = republishCommandOf(r, now, {});
    expect(c).toMatchObject({ topic: InternalTopic.LicenseRepublishCommands, type: CommandType.RepublishLicenses, key: r._id, id: `${r._id}:command` });
    expect(c.data).toEqual({ requestId: r._id, packageId: examplePackageInstalled.packageId, requestedBy: cmd.requestedBy });
  });

  it('given progress, when recorded, then it runs until done, and a done request takes no more', () => {
    const r = newRepublishRequest(cmd.requestId, null, cmd.requestedBy, now);
    const running = withProgress(r, 500, false, now)!;
    expect(running).toMatchObject({ state: 'running', republished: 500, finishedAt: null });
    const done = withProgress(running, 812, true, now)!;
    expect(done).toMatchObject({ state: 'done', republished: 812, finishedAt: now });
    expect(withProgress(done, 0, false, now)).toBeNull();
    expect(withProgress(null, 0, false, now)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { examplePackageInstalled, examplePackageUpgraded, exampleUserLicenseChanged, type OrgChangedV1 } from '@lma/contracts';
import { newLicense } from '../src/domain/license';
import type { LicenseChange } from '../src/domain/lifecycle';
import { ORG_CHANGES_KEPT, changesToApply, conversionOf, withOrgChange, withPendingChange, withoutPendingChanges, type OrgChangeLog } from '../src/domain/pending';

const now = new Date('2026-05-01T12:00:00Z');
const licenseId = 'lic_p_o';
const upgrade = (id: string, upgradedAt: string): LicenseChange => ({ kind: 'upgraded', id, data: { ...examplePackageUpgraded, upgradedAt } });
const seat = (id: string, changedAt: string): LicenseChange => ({ kind: 'user-license', id, data: { ...exampleUserLicenseChanged, changedAt } });
const orgChange = (id: string, observedAt: string): Extract<LicenseChange, { kind: 'org-changed' }> => ({
  kind: 'org-changed',
  id,
  data: { subscriberOrgId: 'org-1', observedAt, lifecycle: 'active', edition: 'Unlimited' } satisfies OrgChangedV1,
});
const license = { ...newLicense({ defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 }, sandboxSiteLicense: true }, examplePackageInstalled, { leadId: 'lead-1', contactId: null }, null, now), orgInfoCurrentAsOf: '2026-03-01T00:00:00Z' };

describe('pending changes of a license', () => {
  it('given a change kept, when it is delivered again, then nothing is written', () => {
    const kept = withPendingChange(null, licenseId, upgrade('evt-1', '2026-03-02T00:00:00Z'), now)!;
    expect(kept).toEqual({ _id: licenseId, changes: [{ eventId: 'evt-1', kind: 'upgraded', at: new Date('2026-03-02T00:00:00Z'), data: expect.any(String), receivedAt: now }] });
    expect(withPendingChange(kept, licenseId, upgrade('evt-1', '2026-03-02T00:00:00Z'), now)).toBeNull();
  });

  it('given changes kept, when some were applied, then only those leave; when none of them is kept, nothing is written', () => {
    let kept = withPendingChange(null, licenseId, upgrade('evt-1', '2026-03-02T00:00:00Z'), now);
    kept = withPendingChange(kept, licenseId, seat('evt-2', '2026-03-03T00:00:00Z'), now);
    expect(withoutPendingChanges(kept, ['evt-1'])?.changes.map((c) => c.eventId)).toEqual(['evt-2']);
    expect(withoutPendingChanges(kept, ['evt-9'])).toBeNull();
  });
});

describe('the org change log', () => {
  it('given changes arriving out of order, when logged, then they are kept by observation time, the latest ORG_CHANGES_KEPT, each once', () => {
    let log: OrgChangeLog | null = null;
    for (let i = ORG_CHANGES_KEPT + 2; i >= 1; i--) log = withOrgChange(log, orgChange(`evt-${i}`, `2026-03-${String(i).padStart(2, '0')}T00:00:00Z`)) ?? log;
    expect(log!.changes).toHaveLength(ORG_CHANGES_KEPT);
    expect(log!.changes[0]!.eventId).toBe('evt-3');
    expect(log!.changes.at(-1)!.eventId).toBe(`evt-${ORG_CHANGES_KEPT + 2}`);
    expect(withOrgChange(log, orgChange('evt-5', '2026-03-05T00:00:00Z'))).toBeNull();
  });
});

describe('changesToApply', () => {
  it('given pending changes, org changes and a conversion, when a license is created, then the newer org changes and the rest apply in the order they happened', () => {
    let pending = withPendingChange(null, licenseId, seat('evt-seat', '2026-03-05T00:00:00Z'), now);
    pending = withPendingChange(pending, licenseId, upgrade('evt-up', '2026-03-02T00:00:00Z'), now);
    const log = withOrgChange(withOrgChange(null, orgChange('evt-old', '2026-02-20T00:00:00Z')), orgChange('evt-new', '2026-03-04T00:00:00Z'));
    const conversion = conversionOf(null, { kind: 'lead-converted', id: 'evt-conv', data: { leadId: 'lead-1', accountId: 'acc-1', contactId: 'con-1', convertedAt: '2026-03-03T00:00:00Z' } });
    const list = changesToApply(license, pending, log, conversion);
    expect(list.map((c) => [c.change.id, c.pending])).toEqual([
      ['evt-up', true],
      ['evt-conv', false],
      ['evt-new', false],
      ['evt-seat', true],
    ]);
    expect(list[0]!.change.data).toEqual({ ...examplePackageUpgraded, upgradedAt: '2026-03-02T00:00:00Z' });
  });

  it('given the license is linked to the converted account already, when created, then the conversion does not apply again', () => {
    const conversion = conversionOf(null, { kind: 'lead-converted', id: 'evt-conv', data: { leadId: 'lead-1', accountId: 'acc-1', contactId: 'con-1', convertedAt: '2026-03-03T00:00:00Z' } });
    expect(changesToApply({ ...license, accountId: 'acc-1' }, null, null, conversion)).toEqual([]);
    expect(conversionOf(conversion, { kind: 'lead-converted', id: 'evt-conv', data: { leadId: 'lead-1', accountId: 'acc-1', contactId: 'con-1', convertedAt: '2026-03-03T00:00:00Z' } })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { leadApi, parseRoute } from '@lma/api';
import type { LicenseV1 } from '@lma/contracts';
import { auditEntryId, isRecorded } from '../src/domain/audit';
import { groupLicenses, isNewer, licenseCopy } from '../src/domain/licenses';
import { applyTeamMemberPatch, effectivePermissions, hasLicenseAccess, leadManagerRejection, type TeamMember } from '../src/domain/team';

const now = new Date('2026-02-01T10:15:05Z');
const member = (over: Partial<TeamMember> = {}): TeamMember => ({
  _id: 'lm-ada',
  name: 'Ada',
  email: 'ada@vendor.example',
  active: true,
  roles: ['lead-manager'],
  revision: 1,
  createdAt: now,
  updatedAt: now,
  ...over,
});

describe('team member permissions', () => {
  it('given no explicit permissions, when asked, then they are the union of the roles', () => {
    expect(effectivePermissions(member({ roles: ['sales-rep', 'license-manager'] })).sort()).toEqual(
      ['accounts:read', 'contacts:read', 'leads:edit', 'leads:read', 'licenses:edit', 'licenses:read', 'packages:edit', 'packages:read'].sort(),
    );
    expect(effectivePermissions(member({ roles: [] }))).toEqual([]);
  });

  it('given explicit permissions, when asked, then they replace those of the roles', () => {
    expect(effectivePermissions(member({ roles: ['admin'], permissions: ['leads:read'] }))).toEqual(['leads:read']);
    expect(effectivePermissions(member({ roles: ['sales-rep'], permissions: null }))).toContain('leads:edit');
  });

  it('has access to licenses with licenses:read or admin only', () => {
    expect(hasLicenseAccess(member({ roles: ['lead-manager'] }))).toBe(true);
    expect(hasLicenseAccess(member({ roles: ['sales-rep'] }))).toBe(false);
    expect(hasLicenseAccess(member({ roles: [], permissions: ['admin'] }))).toBe(true);
    expect(hasLicenseAccess(member({ roles: ['lead-manager'], permissions: ['leads:read', 'licenses:edit'] }))).toBe(false);
  });

  it('given a patch of permissions, when applied, then it is a change (and null returns to the roles)', () => {
    const explicit = applyTeamMemberPatch(member(), { permissions: ['leads:read', 'leads:read'] }, now);
    expect(explicit).toMatchObject({ changed: true, next: { permissions: ['leads:read'], revision: 2 } });
    const back = applyTeamMemberPatch(explicit.next, { permissions: null }, now);
    expect(back).toMatchObject({ changed: true, next: { permissions: null, revision: 3 } });
    expect(applyTeamMemberPatch(back.next, { permissions: null }, now).changed).toBe(false);
  });
});

describe('leadManagerRejection', () => {
  it('accepts an active member with access to licenses', () => {
    expect(leadManagerRejection(member())).toBeNull();
  });
  it('names why a member cannot be a lead manager: unknown, inactive, no license access', () => {
    expect(leadManagerRejection(null)).toEqual({ reason: 'unknown', field: 'body.leadManagerId', message: 'names no team member' });
    expect(leadManagerRejection(member({ active: false }))?.reason).toBe('inactive');
    expect(leadManagerRejection(member({ roles: ['sales-rep'] }))).toEqual({
      reason: 'no-license-access',
      field: 'body.leadManagerId',
      message: 'names a team member without access to licenses',
    });
  });
});

const license = (over: Partial<LicenseV1> = {}): LicenseV1 => ({
  licenseId: 'lic_1',
  licenseName: 'L-000002',
  packageId: '033000000000000AAA',
  packageVersionId: '04t000000000000AAA',
  versionNumber: '1.0.0',
  subscriberOrgId: '00D000000000AAA',
  status: 'Trial',
  seats: 10,
  usedLicenses: 0,
  expiresOn: '2026-03-01',
  installDate: '2026-02-01T00:00:00Z',
  orgEdition: 'Enterprise',
  orgStatus: 'Trial',
  orgExpiresOn: null,
  instance: 'NA42',
  sandbox: false,
  leadId: 'lead_1',
  accountId: null,
  contactId: null,
  revision: 3,
  ...over,
});

describe('license read model', () => {
  it('applies only a newer revision (stale and repeated events are dropped)', () => {
    expect(isNewer(null, { revision: 1 })).toBe(true);
    expect(isNewer({ revision: 3 }, { revision: 4 })).toBe(true);
    expect(isNewer({ revision: 3 }, { revision: 3 })).toBe(false);
    expect(isNewer({ revision: 3 }, { revision: 2 })).toBe(false);
  });

  it('groups summaries by owner, by license name, without deleted licenses or unlinked ones', () => {
    const copies = [
      licenseCopy(license({ licenseId: 'b', licenseName: 'L-000009' }), false, now),
      licenseCopy(license({ licenseId: 'a', licenseName: 'L-000001' }), false, now),
      licenseCopy(license({ licenseId: 'gone', licenseName: 'L-000003' }), true, now),
      licenseCopy(license({ licenseId: 'other', leadId: null }), false, now),
    ];
    const byLead = groupLicenses(copies, (l) => l.leadId);
    expect(byLead.get('lead_1')).toEqual([
      { licenseId: 'a', licenseName: 'L-000001', packageId: '033000000000000AAA', subscriberOrgId: '00D000000000AAA', status: 'Trial', seats: 10, expiresOn: '2026-03-01' },
      expect.objectContaining({ licenseId: 'b' }),
    ]);
    expect([...byLead.keys()]).toEqual(['lead_1']);
  });
});

describe('audit visibility', () => {
  const entry = { revision: 2, at: now, action: 'team-member.changed' as const };
  it('shows an entry once the resource reached its revision', () => {
    expect(isRecorded(entry, { revision: 2 })).toBe(true);
    expect(isRecorded(entry, { revision: 5 })).toBe(true);
    expect(isRecorded(entry, { revision: 1 })).toBe(false);
    expect(isRecorded(entry, null)).toBe(false);
  });
  it('shows a creation only for the member created at that moment (a refused one is not)', () => {
    const created = { revision: 1, at: now, action: 'team-member.created' as const };
    expect(isRecorded(created, { revision: 3, createdAt: now })).toBe(true);
    expect(isRecorded(created, { revision: 3, createdAt: new Date(now.getTime() - 1) })).toBe(false);
  });
  it('shows a conversion only when the lead was converted at that moment', () => {
    const converted = { revision: null, at: now, action: 'lead.converted' as const };
    expect(isRecorded(converted, { convertedAt: now })).toBe(true);
    expect(isRecorded(converted, { convertedAt: null })).toBe(false);
    expect(isRecorded(converted, { convertedAt: new Date(now.getTime() + 5) })).toBe(false);
  });
  it('derives entry ids from the resource and the revision', () => {
    expect(auditEntryId('package', '033000000000000AAA', 4)).toBe('package:033000000000000AAA:4');
    expect(auditEntryId('lead', 'lead_1', 'converted')).toBe('lead:lead_1:converted');
  });
});

describe('route schemas', () => {
  const fields = (fn: () => unknown): string[] => {
    try {
      fn();
      return [];
    } catch (err) {
      return ((err as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
    }
  };
  it('rejects operator objects and unknown fields with the field named', () => {
    expect(fields(() => parseRoute(leadApi.setLeadManager, { params: { packageId: '033000000000000AAA' }, query: {}, body: { leadManagerId: { $ne: null } } }))).toEqual([
      'body.leadManagerId',
    ]);
    expect(fields(() => parseRoute(leadApi.listLeads, { params: {}, query: { 'ownerId[$ne]': 'x' }, body: undefined }))).toEqual(['query.ownerId[$ne]']);
    expect(fields(() => parseRoute(leadApi.createTeamMember, { params: {}, query: {}, body: { name: 'A', email: 'a@b.example', permissions: ['root'] } }))).toEqual([
      'body.permissions.0',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { leadApi, parseRoute } from '@lma/api';
import { ReplyType, type LicenseV1 } from '@lma/contracts';
import { auditEntryId, isRecorded } from '../src/domain/audit';
import { answeredCommand } from '../src/domain/commands';
import { groupLicenses, isNewer, licenseCopy, linkChanges, linksOf } from '../src/domain/licenses';
import {
  TEAM_EMAIL_CLAIM_GRACE_MS,
  applyTeamMemberPatch,
  effectivePermissions,
  hasLicenseAccess,
  holdsEmail,
  isStaleTeamEmail,
  leadManagerRejection,
  teamEmailKey,
  type TeamMember,
} from '../src/domain/team';

const now = new Date('2026-02-01T10:15:05Z');
const later = new Date('2026-02-03T09:00:00Z');
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

describe('license links (the licenses of a lead, account or contact, by _id)', () => {
  it('given a license linked to a lead only, when listed, then it belongs under that lead', () => {
    expect(linksOf(licenseCopy(license({ accountId: null, contactId: null }), false, now))).toEqual(['leadId:lead_1']);
  });

  it('given a deleted license, or none, when listed, then it belongs nowhere', () => {
    expect(linksOf(licenseCopy(license(), true, now))).toEqual([]);
    expect(linksOf(null)).toEqual([]);
  });

  it('given a lead converted into an account and contact, when its license follows, then it is added under all three and removed from none', () => {
    const before = licenseCopy(license({ accountId: null, contactId: null }), false, now);
    const after = licenseCopy(license({ accountId: 'account_1', contactId: 'contact_1', revision: 4 }), false, now);
    expect(linkChanges(before, after)).toEqual({ add: ['leadId:lead_1', 'accountId:account_1', 'contactId:contact_1'], remove: [] });
  });

  it('given a license moved to another contact or deleted, when it changes, then it is removed from the owners it left', () => {
    const before = licenseCopy(license({ accountId: 'account_1', contactId: 'contact_1' }), false, now);
    expect(linkChanges(before, licenseCopy(license({ accountId: 'account_1', contactId: 'contact_2' }), false, now))).toEqual({
      add: ['leadId:lead_1', 'accountId:account_1', 'contactId:contact_2'],
      remove: ['contactId:contact_1'],
    });
    expect(linkChanges(before, licenseCopy(license({ accountId: 'account_1', contactId: 'contact_1' }), true, now))).toEqual({
      add: [],
      remove: ['leadId:lead_1', 'accountId:account_1', 'contactId:contact_1'],
    });
  });
});

describe('answered commands', () => {
  it('given a command answered for the first time, when recorded, then one answer; when answered again, then two, with the latest reply', () => {
    const first = answeredCommand(null, { commandId: 'onb:1:resolve-lead:1', sagaId: 'onb:1' }, ReplyType.LeadResolutionParked, now);
    expect(first).toEqual({ _id: 'onb:1:resolve-lead:1', sagaId: 'onb:1', replyType: ReplyType.LeadResolutionParked, answers: 1, answeredAt: now });
    expect(answeredCommand(first, { commandId: 'onb:1:resolve-lead:1', sagaId: 'onb:1' }, ReplyType.LeadResolved, later)).toMatchObject({
      replyType: ReplyType.LeadResolved,
      answers: 2,
      answeredAt: later,
    });
  });
});

describe('team member emails', () => {
  it('given emails differing in case and spaces, when keyed, then one key; a member holds it only while they have that email', () => {
    expect(teamEmailKey(' Ada@Vendor.example')).toBe('ada@vendor.example');
    expect(holdsEmail(member(), 'ada@vendor.example')).toBe(true);
    expect(holdsEmail(member({ email: 'ada.king@vendor.example' }), 'ada@vendor.example')).toBe(false);
    expect(holdsEmail(null, 'ada@vendor.example')).toBe(false);
  });

  it('given an email taken by a member who does not have it, when another asks for it, then it is theirs only once a change under way would have been written', () => {
    const key = { _id: 'ada@vendor.example', holder: 'lm-ada', at: now };
    const justAfter = new Date(now.getTime() + 1_000);
    const muchLater = new Date(now.getTime() + TEAM_EMAIL_CLAIM_GRACE_MS + 1);
    // the member is being created or changed right now
    expect(isStaleTeamEmail(key, null, justAfter)).toBe(false);
    expect(isStaleTeamEmail(key, member({ email: 'old@vendor.example' }), justAfter)).toBe(false);
    // never written, or changed away from it since
    expect(isStaleTeamEmail(key, null, muchLater)).toBe(true);
    expect(isStaleTeamEmail(key, member({ email: 'ada.king@vendor.example' }), muchLater)).toBe(true);
    // the member has it: never stale
    expect(isStaleTeamEmail(key, member(), muchLater)).toBe(false);
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

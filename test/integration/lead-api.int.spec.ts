import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, expressPath, leadRoutes, type ApiRoute } from '@lma/api';
import {
  InternalTopic,
  LICENSE_EVENTS_SOURCE,
  LICENSE_EVENTS_TOPIC,
  LeadEventType,
  LicenseEventType,
  LicenseV1,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  type PackageInstalledV1,
} from '@lma/contracts';
import { eventually, ids } from '@lma/testing';
import { Harness, forwarded } from './harness';

// install-intake + lead + license: installs create leads and licenses through the onboarding saga
const h = new Harness('leadapi');
let lead = '';

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license'], [LICENSE_EVENTS_TOPIC, InternalTopic.LeadEvents]);
  lead = h.service('lead').url;
});
afterAll(async () => {
  await h.stop();
});

const rand = () => randomBytes(4).toString('hex');
/** As the gateway forwards a call of an administrator (signed per call: a forwarded token lives minutes). */
const admin = () => forwarded('lead', ['admin'], 'admin@vendor.example');

interface Res {
  status: number;
  contentType: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}
async function call(method: string, path: string, body?: unknown, authorization = admin()): Promise<Res> {
  const res = await fetch(`${lead}${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

async function member(overrides: Record<string, unknown> = {}, authorization = admin()): Promise<{ id: string; permissions: string[]; createdAt: string }> {
  const r = await call('POST', '/v1/team-members', { id: `tm-${rand()}`, name: 'Lena Manager', email: `lena.${rand()}@vendor.example`, roles: ['lead-manager'], ...overrides }, authorization);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function packageWithVersion() {
  const pkg = await h.registerPackage();
  const version = await h.uploadVersion(pkg.packageId);
  return { packageId: pkg.packageId, packageVersionId: version.packageVersionId };
}

const setLeadManager = (packageId: string, leadManagerId: string | null, authorization = forwarded('lead', ['packages:edit'], 'pat@vendor.example')) =>
  call('PUT', `/v1/packages/${packageId}/lead-manager`, { leadManagerId }, authorization);

const licenseCreated = (packageId: string, orgId: string) => {
  const r = h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (x) => x.key === `${packageId}:${orgId}` && x.event?.type === LicenseEventType.Created)[0];
  return r ? LicenseV1.parse(r.event!.data) : undefined;
};

async function onboarding(packageId: string, orgId: string, until: (d: { state: string; parked: { reason: string } | null; lead: { leadId: string; ownerId: string } | null }) => boolean) {
  return await eventually(`onboarding of ${orgId}`, async () => {
    const r = await h.http('install-intake', 'GET', `/v1/onboardings?packageId=${packageId}&subscriberOrgId=${orgId}`, undefined, ['licenses:read']);
    const d = (r.body['items'] as Parameters<typeof until>[0][] | undefined)?.[0];
    return d && until(d) ? d : undefined;
  }, 30_000);
}

const summary = (l: LicenseV1) => ({
  licenseId: l.licenseId,
  licenseName: l.licenseName,
  packageId: l.packageId,
  subscriberOrgId: l.subscriberOrgId,
  status: l.status,
  seats: l.seats,
  expiresOn: l.expiresOn,
});

describe('lead manager of a package', () => {
  it('accepts an active member with access to licenses, and refuses unknown, inactive and license-less members with 422 naming why', async () => {
    const { packageId } = await packageWithVersion();
    const manager = await member();
    expect(manager.permissions).toContain('licenses:read'); // from the lead-manager role
    const ok = await setLeadManager(packageId, manager.id);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ packageId, leadManagerId: manager.id, contactMatching: true });

    const inactive = await member({ active: false });
    const salesRep = await member({ roles: ['sales-rep'] });
    const cases: [string, string][] = [
      [`nobody-${rand()}`, 'names no team member'],
      [inactive.id, 'names an inactive team member'],
      [salesRep.id, 'names a team member without access to licenses'],
    ];
    for (const [leadManagerId, reason] of cases) {
      const r = await setLeadManager(packageId, leadManagerId);
      expect(r.status, reason).toBe(422);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.body.errors).toEqual([{ field: 'body.leadManagerId', reason }]);
    }
    // the old route applies the same rules
    expect((await call('PUT', `/v1/packages/${packageId}/lead-routing`, { leadManagerId: salesRep.id })).status).toBe(422);
    expect((await call('GET', `/v1/packages/${packageId}/lead-routing`, undefined, forwarded('lead', ['packages:read']))).body.leadManagerId).toBe(manager.id);

    // access to licenses is a property of the member: given explicitly, the sales rep qualifies
    const granted = await call('PATCH', `/v1/team-members/${salesRep.id}`, { permissions: ['leads:read', 'licenses:read'] });
    expect(granted.body).toMatchObject({ permissions: ['leads:read', 'licenses:read'], permissionsFromRoles: false });
    expect((await setLeadManager(packageId, salesRep.id)).body.leadManagerId).toBe(salesRep.id);
    expect((await call('PATCH', `/v1/team-members/${salesRep.id}`, { permissions: null })).body).toMatchObject({ permissionsFromRoles: true });
  });

  it('resumes an onboarding parked on an inactive lead manager when the package gets another one, whose new leads it owns', async () => {
    const { packageId, packageVersionId } = await packageWithVersion();
    const gone = await member();
    const next = await member();
    expect((await setLeadManager(packageId, gone.id)).status).toBe(200);
    expect((await call('PATCH', `/v1/team-members/${gone.id}`, { active: false })).status).toBe(200);
    const install = h.installData(packageId, packageVersionId);
    await h.install(install);
    await onboarding(packageId, install.subscriberOrgId, (d) => d.parked?.reason === 'lead-manager-inactive');

    expect((await setLeadManager(packageId, next.id)).status).toBe(200);
    const routed = await eventually('the routing change', () =>
      h.kafka.recordsOn(InternalTopic.LeadEvents, (r) => r.event?.type === LeadEventType.LeadRoutingChanged && (r.event.data as { packageId: string }).packageId === packageId && (r.event.data as { leadManagerId: string }).leadManagerId === next.id)[0],
    );
    expect(routed.key).toBe(packageId);
    const done = await onboarding(packageId, install.subscriberOrgId, (d) => d.state === 'completed');
    expect(done.lead!.ownerId).toBe(next.id);
    const shown = await call('GET', `/v1/leads/${done.lead!.leadId}`, undefined, forwarded('lead', ['leads:read']));
    expect(shown.body).toMatchObject({ ownerId: next.id, leadSource: 'Package Installation', status: 'Open' });
  });
});

describe('leads, accounts and contacts with their licenses', () => {
  let packageId = '';
  let manager = '';
  const installs: PackageInstalledV1[] = [];
  const licenses = new Map<string, LicenseV1>(); // by subscriber org

  beforeAll(async () => {
    const pkg = await packageWithVersion();
    packageId = pkg.packageId;
    manager = (await member()).id;
    expect((await setLeadManager(packageId, manager)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const install = h.installData(packageId, pkg.packageVersionId, { installer: { firstName: 'Ada', lastName: `Lovelace ${i}`, email: `ada${i}.${rand()}@engines.example`, company: `Engines ${rand()}` } });
      installs.push(install);
      await h.install(install);
    }
    for (const i of installs) licenses.set(i.subscriberOrgId, await eventually(`license of ${i.subscriberOrgId}`, () => licenseCreated(packageId, i.subscriberOrgId), 30_000));
  }, 60_000);

  interface LeadItem {
    leadId: string;
    subscriberOrgId: string;
    ownerId: string;
    leadSource: string;
    createdAt: string;
    licenses: ReturnType<typeof summary>[];
  }
  async function allPages(query: string, limit: number, authorization = forwarded('lead', ['leads:read'])): Promise<{ pages: LeadItem[][] }> {
    const pages: LeadItem[][] = [];
    let cursor: string | null = null;
    do {
      const r: Res = await call('GET', `/v1/leads?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, undefined, authorization);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      pages.push(r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    return { pages };
  }

  it('lists the Package Installation leads of a package page by page (no duplicates, no gaps), newest first, each with its license', async () => {
    const query = `leadSource=${encodeURIComponent('Package Installation')}&packageId=${packageId}`;
    const { pages } = await eventually('every lead with its license', async () => {
      const p = await allPages(query, 2);
      return p.pages.flat().every((l) => l.licenses.length === 1) && p.pages.flat().length === installs.length ? p : undefined;
    });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const items = pages.flat();
    expect(new Set(items.map((l) => l.leadId)).size).toBe(installs.length);
    expect(new Set(items.map((l) => l.subscriberOrgId))).toEqual(new Set(installs.map((i) => i.subscriberOrgId)));
    expect(items.map((l) => l.createdAt)).toEqual(items.map((l) => l.createdAt).sort().reverse());
    for (const l of items) {
      expect(l).toMatchObject({ leadSource: 'Package Installation', ownerId: manager });
      expect(l.licenses).toEqual([summary(licenses.get(l.subscriberOrgId)!)]);
    }
    // oldest first, by owner: the same leads
    const asc = (await allPages(`ownerId=${manager}&order=asc`, 3)).pages.flat();
    expect(asc.map((l) => l.leadId)).toEqual(items.map((l) => l.leadId).reverse());
    // by subscriber org
    const one = await call('GET', `/v1/leads?subscriberOrgId=${installs[0]!.subscriberOrgId}`, undefined, forwarded('lead', ['leads:read']));
    expect(one.body.items.map((l: LeadItem) => l.subscriberOrgId)).toEqual([installs[0]!.subscriberOrgId]);
  });

  it('follows license changes, drops stale license events, and hides deleted licenses', async () => {
    const install = installs[4]!;
    const license = licenses.get(install.subscriberOrgId)!;
    const key = `${packageId}:${install.subscriberOrgId}`;
    await h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, {
      type: MarketplaceEventType.PackageUninstalled,
      key,
      data: { packageId, subscriberOrgId: install.subscriberOrgId, uninstalledAt: '2026-02-20T10:00:00Z' },
    });
    const uninstalled = await eventually('the lead showing the uninstalled license', async () => {
      const r = await call('GET', `/v1/leads/${license.leadId}`, undefined, forwarded('lead', ['leads:read']));
      return r.body.licenses[0]?.status === 'Uninstalled' ? r.body : undefined;
    });
    expect(uninstalled.licenses).toEqual([{ ...summary(license), status: 'Uninstalled' }]);

    // a stale redelivery (revision 1) changes nothing; a second license on the same key, after it, shows it was processed
    await h.kafka.publishEvent(LICENSE_EVENTS_TOPIC, { type: LicenseEventType.Created, key, source: LICENSE_EVENTS_SOURCE, data: license });
    const marker = { ...license, licenseId: `lic_marker_${rand()}`, licenseName: 'L-999999', status: 'Active' as const, revision: 1 };
    await h.kafka.publishEvent(LICENSE_EVENTS_TOPIC, { type: LicenseEventType.Created, key, source: LICENSE_EVENTS_SOURCE, data: marker });
    const both = await eventually('the marker license', async () => {
      const r = await call('GET', `/v1/leads/${license.leadId}`, undefined, forwarded('lead', ['leads:read']));
      return r.body.licenses.length === 2 ? r.body.licenses : undefined;
    });
    expect(both).toEqual([{ ...summary(license), status: 'Uninstalled' }, summary(marker)]);
    await h.kafka.publishEvent(LICENSE_EVENTS_TOPIC, { type: LicenseEventType.Deleted, key, source: LICENSE_EVENTS_SOURCE, data: { ...marker, revision: 2 } });
    await eventually('the deleted license gone', async () => {
      const r = await call('GET', `/v1/leads/${license.leadId}`, undefined, forwarded('lead', ['leads:read']));
      return r.body.licenses.length === 1 ? true : undefined;
    });
  });

  it('shows accounts and contacts with their licenses after a conversion, and audits the conversion', async () => {
    const install = installs[0]!;
    const license = licenses.get(install.subscriberOrgId)!;
    const accountName = `Engines Holdings ${rand()}`;
    const converted = await call('POST', `/v1/leads/${license.leadId}/convert`, { accountName }, forwarded('lead', ['leads:edit'], 'rep@vendor.example'));
    expect(converted.status).toBe(200);
    const { accountId, contactId } = converted.body as { accountId: string; contactId: string };

    const linked = { ...summary(license) };
    const contact = await eventually('the contact with its license', async () => {
      const r = await call('GET', `/v1/contacts?accountId=${accountId}`, undefined, forwarded('lead', ['contacts:read']));
      return r.body.items[0]?.licenses.length === 1 ? r.body.items[0] : undefined;
    });
    expect(contact).toMatchObject({ contactId, accountId, email: install.installer.email.toLowerCase(), leadId: license.leadId, licenses: [linked] });
    const byEmail = await call('GET', `/v1/contacts?email=${encodeURIComponent(install.installer.email.toUpperCase())}`, undefined, forwarded('lead', ['contacts:read']));
    expect(byEmail.body.items.map((c: { contactId: string }) => c.contactId)).toEqual([contactId]);
    const accounts = await call('GET', `/v1/accounts?name=${encodeURIComponent(accountName)}`, undefined, forwarded('lead', ['accounts:read']));
    expect(accounts.body.items).toEqual([expect.objectContaining({ accountId, name: accountName, licenses: [linked] })]);
    expect((await call('GET', `/v1/accounts/${accountId}`, undefined, forwarded('lead', ['accounts:read']))).body.licenses).toEqual([linked]);
    expect((await call('GET', `/v1/contacts/${contactId}`, undefined, forwarded('lead', ['contacts:read']))).body.licenses).toEqual([linked]);

    const audit = await call('GET', `/v1/audit-entries?resourceType=lead&resourceId=${license.leadId}`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        resourceType: 'lead',
        resourceId: license.leadId,
        action: 'lead.converted',
        actor: 'rep@vendor.example',
        at: converted.body.convertedAt,
        before: { status: 'Open', convertedAccountId: null, convertedContactId: null },
        after: { status: 'Converted', convertedAccountId: accountId, convertedContactId: contactId, newAccount: true },
      }),
    ]);
  });
});

describe('audit', () => {
  it('records who changed a team member and a lead manager, when, before and after; only changes that happened', async () => {
    const id = `tm-${rand()}`;
    const created = await member({ id, name: 'Alan Audit' }, forwarded('lead', ['admin'], 'alice@vendor.example'));
    expect((await call('PATCH', `/v1/team-members/${id}`, { active: false, roles: ['lead-manager', 'sales-rep'] }, forwarded('lead', ['admin'], 'bob@vendor.example'))).status).toBe(200);
    // refused changes leave no entry: an id taken, an email taken, nothing changed
    expect((await call('POST', '/v1/team-members', { id, name: 'Copy', email: `copy.${rand()}@vendor.example` })).status).toBe(409);
    const other = await member();
    const otherEmail = (await call('GET', `/v1/team-members/${other.id}`)).body.email as string;
    expect((await call('PATCH', `/v1/team-members/${id}`, { email: otherEmail })).status).toBe(409);
    expect((await call('PATCH', `/v1/team-members/${id}`, { active: false })).status).toBe(200);
    // an entry whose change never happened (crash between the two writes) stays hidden
    await h.db('lead').collection('audit_entries').insertOne({
      _id: `team-member:${id}:3`,
      resourceType: 'team-member',
      resourceId: id,
      action: 'team-member.changed',
      actor: 'mallory@vendor.example',
      at: new Date(),
      revision: 3,
      before: null,
      after: {},
    } as never);

    const entries = (await call('GET', `/v1/audit-entries?resourceType=team-member&resourceId=${id}`)).body.items;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ action: 'team-member.created', actor: 'alice@vendor.example', at: created.createdAt, before: null, after: { id, name: 'Alan Audit', active: true, roles: ['lead-manager'] } });
    expect(entries[1]).toMatchObject({
      action: 'team-member.changed',
      actor: 'bob@vendor.example',
      before: { active: true, roles: ['lead-manager'] },
      after: { active: false, roles: ['lead-manager', 'sales-rep'], permissionsFromRoles: true },
    });
    expect(Date.parse(entries[1].at)).toBeGreaterThanOrEqual(Date.parse(entries[0].at));

    const { packageId } = await packageWithVersion();
    const first = await member();
    const second = await member();
    await setLeadManager(packageId, first.id, forwarded('lead', ['packages:edit'], 'pat@vendor.example'));
    await setLeadManager(packageId, second.id, forwarded('lead', ['packages:edit'], 'quinn@vendor.example'));
    await setLeadManager(packageId, `nobody-${rand()}`); // refused: no entry
    const routing = (await call('GET', `/v1/audit-entries?resourceType=package&resourceId=${packageId}&limit=1`)).body;
    expect(routing.items).toEqual([
      expect.objectContaining({ action: 'lead-routing.changed', actor: 'pat@vendor.example', before: { leadManagerId: null, contactMatching: true }, after: { leadManagerId: first.id, contactMatching: true } }),
    ]);
    const page2 = (await call('GET', `/v1/audit-entries?resourceType=package&resourceId=${packageId}&limit=1&cursor=${routing.nextCursor}`)).body;
    expect(page2.items).toEqual([
      expect.objectContaining({ actor: 'quinn@vendor.example', before: { leadManagerId: first.id, contactMatching: true }, after: { leadManagerId: second.id, contactMatching: true } }),
    ]);
    expect(page2.nextCursor).toBeNull();

    const denied = await call('GET', `/v1/audit-entries?resourceType=package&resourceId=${packageId}`, undefined, forwarded('lead', ['team:read', 'packages:read']));
    expect(denied.status).toBe(403);
    expect(denied.body.missingPermission).toBe('admin');
  });
});

describe('permissions', () => {
  const samples: Record<string, string> = {
    teamMemberId: 'someone',
    packageId: ids.packageId(),
    leadId: `lead_${'0'.repeat(24)}`,
    accountId: `account_${'0'.repeat(24)}`,
    contactId: `contact_${'0'.repeat(24)}`,
  };
  const bodies: Record<string, unknown> = {
    createTeamMember: { name: 'X', email: 'x@vendor.example' },
    updateTeamMember: { active: false },
    setLeadManager: { leadManagerId: null },
    putLeadRouting: { contactMatching: true },
    convertLead: {},
  };
  const queries: Record<string, string> = { listAuditEntries: '?resourceType=lead&resourceId=x' };
  const request = (route: ApiRoute, authorization: string) =>
    call(route.method.toUpperCase(), `/v1${expressPath(route.path).replace(/:(\w+)/g, (_, p: string) => samples[p]!)}${queries[route.operationId] ?? ''}`, bodies[route.operationId], authorization);

  it('allows each route with its permission (or admin) and denies it with everything else, 403 naming the permission', async () => {
    expect(leadRoutes.length).toBe(15);
    for (const route of leadRoutes) {
      const permission = route.permission as string;
      const others = ALL_PERMISSIONS.filter((p) => p !== permission && p !== 'admin');
      const denied = await request(route, forwarded('lead', others));
      expect(denied.status, `${route.operationId} denied`).toBe(403);
      expect(denied.body.missingPermission).toBe(permission);
      for (const token of [forwarded('lead', [permission]), admin()]) {
        const allowed = await request(route, token);
        expect([200, 201, 404, 409], `${route.operationId} allowed: ${JSON.stringify(allowed.body)}`).toContain(allowed.status);
      }
    }
    const anonymous = await fetch(`${lead}/v1/leads`);
    expect(anonymous.status).toBe(401);
  });
});

describe('bad input', () => {
  it('answers 400 naming the field for every malformed or injected input, and stores nothing', async () => {
    const packageId = ids.packageId();
    const existing = await member();
    const members = await h.db('lead').collection('team_members').countDocuments();
    const audits = await h.db('lead').collection('audit_entries').countDocuments();
    const badCursor = Buffer.from(JSON.stringify(['not-a-date', 'lead_x'])).toString('base64url');
    const corpus: [string, string, unknown, string][] = [
      ['POST', '/v1/team-members', { name: { $gt: '' }, email: 'a@vendor.example' }, 'body.name'],
      ['POST', '/v1/team-members', { name: 'X', email: { $ne: null } }, 'body.email'],
      ['POST', '/v1/team-members', { name: 'X', email: 'x@vendor.example', $where: 'sleep(1000)' }, 'body.$where'],
      ['POST', '/v1/team-members', { name: 'X', email: 'x@vendor.example', 'roles.0': 'admin' }, 'body.roles.0'],
      ['POST', '/v1/team-members', { name: 'X', email: 'x@vendor.example', permissions: ['root'] }, 'body.permissions.0'],
      ['POST', '/v1/team-members', { name: 'X', email: 'x@vendor.example', permissions: 'admin' }, 'body.permissions'],
      ['POST', '/v1/team-members', { name: 'X', email: 'x@vendor.example', active: 'true' }, 'body.active'],
      ['POST', '/v1/team-members', { name: 'X'.repeat(201), email: 'x@vendor.example' }, 'body.name'],
      ['POST', '/v1/team-members', { id: '$gt', name: 'X', email: 'x@vendor.example' }, 'body.id'],
      ['PATCH', `/v1/team-members/${existing.id}`, { $set: { active: false } }, 'body.$set'],
      ['PATCH', `/v1/team-members/${existing.id}`, { roles: { $each: ['admin'] } }, 'body.roles'],
      ['PATCH', `/v1/team-members/${encodeURIComponent('{"$ne":null}')}`, { active: false }, 'path.teamMemberId'],
      ['PUT', `/v1/packages/${packageId}/lead-manager`, { leadManagerId: { $ne: null } }, 'body.leadManagerId'],
      ['PUT', `/v1/packages/${packageId}/lead-manager`, {}, 'body.leadManagerId'],
      ['PUT', `/v1/packages/${packageId}/lead-manager`, { leadManagerId: existing.id, contactMatching: false }, 'body.contactMatching'],
      ['PUT', `/v1/packages/${packageId}/lead-manager`, [existing.id], 'body'],
      ['PUT', `/v1/packages/${encodeURIComponent('033$gt')}/lead-manager`, { leadManagerId: existing.id }, 'path.packageId'],
      ['PUT', `/v1/packages/${packageId}/lead-routing`, { contactMatching: 'yes' }, 'body.contactMatching'],
      ['GET', '/v1/leads?ownerId[$ne]=x', undefined, 'query.ownerId[$ne]'],
      ['GET', '/v1/leads?leadSource=a&leadSource=b', undefined, 'query.leadSource'],
      ['GET', '/v1/leads?status=Closed', undefined, 'query.status'],
      ['GET', '/v1/leads?limit=0', undefined, 'query.limit'],
      ['GET', '/v1/leads?limit=201', undefined, 'query.limit'],
      ['GET', '/v1/leads?limit=ten', undefined, 'query.limit'],
      ['GET', `/v1/leads?cursor=${encodeURIComponent('{"$gt":""}')}`, undefined, 'query.cursor'],
      ['GET', `/v1/leads?cursor=${badCursor}`, undefined, 'query.cursor'],
      ['GET', '/v1/leads?order=sideways', undefined, 'query.order'],
      ['GET', '/v1/leads?packageId=033', undefined, 'query.packageId'],
      ['GET', '/v1/leads?subscriberOrgId=00D%24ne', undefined, 'query.subscriberOrgId'],
      ['GET', `/v1/leads/${encodeURIComponent('{"$gt":""}')}`, undefined, 'path.leadId'],
      ['GET', '/v1/contacts?email=not-an-email', undefined, 'query.email'],
      ['GET', '/v1/contacts?accountId[$exists]=true', undefined, 'query.accountId[$exists]'],
      ['GET', '/v1/accounts?name=', undefined, 'query.name'],
      ['GET', '/v1/team-members?active=yes', undefined, 'query.active'],
      ['GET', '/v1/audit-entries?resourceType=wizard&resourceId=x', undefined, 'query.resourceType'],
      ['GET', '/v1/audit-entries?resourceType=lead&resourceId=%24where', undefined, 'query.resourceId'],
      ['POST', `/v1/leads/lead_${'0'.repeat(24)}/convert`, { accountId: { $gt: '' } }, 'body.accountId'],
      ['POST', `/v1/leads/lead_${'0'.repeat(24)}/convert`, { accountName: 'A', owner: 'x' }, 'body.owner'],
    ];
    for (const [method, path, body, field] of corpus) {
      const r = await call(method, path, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.body.errors.map((e: { field: string }) => e.field), `${method} ${path}`).toContain(field);
      expect(r.body.errors.every((e: { reason: string }) => typeof e.reason === 'string' && e.reason.length > 0)).toBe(true);
    }
    expect(await h.db('lead').collection('team_members').countDocuments()).toBe(members);
    expect(await h.db('lead').collection('audit_entries').countDocuments()).toBe(audits);
    expect(await h.db('lead').collection('package_settings').findOne({ _id: packageId } as never)).toBeNull();
    expect((await call('GET', `/v1/team-members/${existing.id}`)).body).toMatchObject({ active: true, roles: ['lead-manager'] });
  });
});

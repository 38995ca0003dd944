import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandType,
  InternalTopic,
  LICENSE_EVENTS_TOPIC,
  LeadEventType,
  LicenseEventType,
  LicenseV1,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  ReplyType,
  newEventId,
  type CreateLicenseV1,
  type DefaultLicense,
  type LeadConvertedV1,
  type OrgChangedV1,
  type PackageInstalledV1,
  type PackageUninstalledV1,
  type PackageUpgradedV1,
  type UserLicenseChangedV1,
} from '@lma/contracts';
import { eventually, ids } from '@lma/testing';
import { assertModifiable } from '../../services/license/src/domain/lifecycle';
import type { License } from '../../services/license/src/domain/license';
import { Harness, forwarded } from './harness';

/**
 * What happens to a license after it was created: marketplace upgrades, uninstalls, reinstalls,
 * org changes and seat changes (through install-intake, as the marketplace publishes them) and
 * lead conversions. Licenses are created by CreateLicense commands, as the onboarding saga sends
 * them, so these tests do not depend on the saga's other steps; one install goes through the
 * whole saga (hence the lead service).
 */
const h = new Harness('lifecycle');

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license'], [LICENSE_EVENTS_TOPIC, InternalTopic.SagaReplies]);
});
afterAll(async () => {
  await h.stop();
});

interface PublishedLicenseEvent {
  id: string;
  type: string;
  raw: Record<string, unknown>;
  license: LicenseV1;
}

const licenses = () => h.db('license').collection<License>('licenses');
const byId = (collection: string) => h.db('license').collection<{ _id: string }>(collection);
const stored = async (licenseId: string) => (await licenses().findOne({ _id: licenseId }))!;
/** The ce_ids of the changes kept for a license until it exists or is reinstalled (one document per license). */
const pendingOf = async (licenseId: string) =>
  ((await h.db('license').collection<{ _id: string; changes: { eventId: string }[] }>('pending_changes').findOne({ _id: licenseId }))?.changes ?? []).map((c) => c.eventId);

/** The license events of one license, one per ce_id (delivery is at-least-once), by revision. */
function eventsOf(licenseId: string): PublishedLicenseEvent[] {
  const unique = new Map<string, PublishedLicenseEvent>();
  for (const r of h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.headers['ce_id']?.startsWith(`${licenseId}:`) ?? false)) {
    const raw = JSON.parse(r.value!) as Record<string, unknown>;
    unique.set(r.headers['ce_id']!, { id: r.headers['ce_id']!, type: r.headers['ce_type']!, raw, license: LicenseV1.parse(raw) });
  }
  return [...unique.values()].sort((a, b) => a.license.revision - b.license.revision);
}

/** Waits for the event of `revision` and checks the whole chain: one event per revision, 1..n, ce_id `<licenseId>:<revision>`. */
async function eventAt(licenseId: string, revision: number): Promise<PublishedLicenseEvent> {
  const events = await eventually(`revision ${revision} of ${licenseId}`, () => {
    const e = eventsOf(licenseId);
    return e.some((x) => x.license.revision === revision) ? e : undefined;
  });
  expect(events.map((e) => e.license.revision)).toEqual(events.map((_, i) => i + 1));
  for (const e of events) expect(e.id).toBe(`${licenseId}:${e.license.revision}`);
  return events[revision - 1]!;
}

/** The stored license as the contract publishes it (without who and why). */
function contractView(l: License): Omit<LicenseV1, 'changedBy' | 'reason'> {
  const keys = Object.keys(LicenseV1.shape).filter((k) => k !== 'changedBy' && k !== 'reason' && k !== 'licenseId');
  return { licenseId: l._id, ...Object.fromEntries(keys.map((k) => [k, l[k as keyof License]])) } as Omit<LicenseV1, 'changedBy' | 'reason'>;
}

/** The event carries the whole license exactly as stored after the change. */
async function expectWholeLicense(e: PublishedLicenseEvent) {
  const { changedBy: _by, reason: _why, ...published } = e.license;
  expect(published).toEqual(contractView(await stored(e.license.licenseId)));
}

async function registeredPackage(defaultLicense: DefaultLicense = { status: 'Trial', lengthDays: 30, seats: 10 }) {
  const pkg = await h.registerPackage({ defaultLicense });
  const version = await h.uploadVersion(pkg.packageId);
  await knownVersion(version.packageVersionId);
  return { pkg, version };
}

async function knownVersion(packageVersionId: string) {
  await eventually('the version known to the license service', async () => (await byId('package_versions').countDocuments({ _id: packageVersionId })) === 1);
}

/** Sends the onboarding saga's CreateLicense command; returns its ids. */
async function sendCreateLicense(install: PackageInstalledV1, opts: { leadId?: string; sagaId?: string; commandId?: string } = {}) {
  const sagaId = opts.sagaId ?? `onb:test-${newEventId()}`;
  const data: CreateLicenseV1 = { sagaId, commandId: opts.commandId ?? `${sagaId}:create-license:1`, install, leadId: opts.leadId ?? null, contactId: null };
  await h.kafka.publishEvent(InternalTopic.LicenseCommands, {
    type: CommandType.CreateLicense,
    key: `${install.packageId}:${install.subscriberOrgId}`,
    data,
    source: 'lma/install-intake',
  });
  return data;
}

async function replyTo(commandId: string) {
  return await eventually(`the reply to ${commandId}`, () => {
    const r = h.kafka.recordsOn(InternalTopic.SagaReplies, (r) => (r.event?.data as { commandId?: string } | undefined)?.commandId === commandId)[0];
    return r && { type: r.event!.type, data: r.event!.data as Record<string, unknown> };
  });
}

/** A license created from the package defaults (revision 1). */
async function createdLicense(opts: { install?: Partial<PackageInstalledV1>; leadId?: string; defaults?: DefaultLicense } = {}) {
  const { pkg, version } = await registeredPackage(opts.defaults);
  const install = h.installData(pkg.packageId, version.packageVersionId, opts.install);
  const cmd = await sendCreateLicense(install, opts.leadId ? { leadId: opts.leadId } : {});
  const reply = await replyTo(cmd.commandId);
  expect(reply.type).toBe(ReplyType.LicenseCreated);
  const licenseId = reply.data['licenseId'] as string;
  const created = await eventAt(licenseId, 1);
  expect(created.type).toBe(LicenseEventType.Created);
  return { pkg, version, install, licenseId, created: created.license };
}

const key = (l: { packageId: string; subscriberOrgId: string }) => `${l.packageId}:${l.subscriberOrgId}`;
const publishMarketplace = (type: string, k: string, data: object, id?: string) =>
  h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type, key: k, data, ...(id ? { id } : {}) });

const upgraded = (install: PackageInstalledV1, packageVersionId: string, versionNumber: string, upgradedAt: string): PackageUpgradedV1 => ({
  packageId: install.packageId,
  subscriberOrgId: install.subscriberOrgId,
  packageVersionId,
  versionNumber,
  upgradedAt,
});
const seatChange = (install: PackageInstalledV1, userId: string, action: 'assigned' | 'revoked', changedAt: string): UserLicenseChangedV1 => ({
  packageId: install.packageId,
  subscriberOrgId: install.subscriberOrgId,
  userId,
  action,
  changedAt,
});
const orgChanged = (subscriberOrgId: string, observedAt: string, change: Partial<OrgChangedV1>): OrgChangedV1 => ({
  subscriberOrgId,
  observedAt,
  lifecycle: 'active',
  ...change,
});
/** The users holding a seat of a license, as GET /licenses/{id}/seats lists them. */
async function seatHolders(licenseId: string): Promise<string[]> {
  const res = await fetch(`${h.service('license').url}/v1/licenses/${licenseId}/seats`, { headers: { authorization: forwarded('license', ['licenses:read']) } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { userId: string }[] }).items.map((s) => s.userId);
}
const getLicense = (l: { packageId: string; subscriberOrgId: string }) =>
  fetch(`${h.service('license').url}/v1/licenses/lic_${l.packageId}_${l.subscriberOrgId}`, {
    headers: { authorization: forwarded('license', ['licenses:read']) },
  });

describe('marketplace changes to a license', () => {
  it('an upgrade moves the same license to the new version: lma.license.upgraded with the whole license at revision 2', async () => {
    const { install, licenseId, created } = await createdLicense();
    const v2 = await h.uploadVersion(install.packageId, { versionNumber: '1.1.0', releasedAt: '2026-02-20T00:00:00Z' });
    await publishMarketplace(MarketplaceEventType.PackageUpgraded, key(install), upgraded(install, v2.packageVersionId, '1.1.0', '2026-02-21T10:00:00Z'));

    const e = await eventAt(licenseId, 2);
    expect(e.type).toBe(LicenseEventType.Upgraded);
    expect(e.license).toEqual({ ...created, packageVersionId: v2.packageVersionId, versionNumber: '1.1.0', revision: 2, changedBy: 'marketplace', reason: 'package upgraded' });
    await expectWholeLicense(e);
    expect(await licenses().countDocuments({ packageId: install.packageId })).toBe(1);
  });

  it('an uninstall clears the seats in use and makes the license read-only; a reinstall brings the same license back at the default status', async () => {
    const { pkg, install, licenseId, created } = await createdLicense({ defaults: { status: 'Active', lengthDays: null, seats: 10 } });
    await publishMarketplace(MarketplaceEventType.UserLicenseChanged, key(install), seatChange(install, ids.userId(), 'assigned', '2026-02-11T09:00:00Z'));
    expect((await eventAt(licenseId, 2)).license.usedLicenses).toBe(1);

    const uninstall: PackageUninstalledV1 = { packageId: install.packageId, subscriberOrgId: install.subscriberOrgId, uninstalledAt: '2026-03-01T00:00:00Z' };
    await publishMarketplace(MarketplaceEventType.PackageUninstalled, key(install), uninstall);
    const gone = await eventAt(licenseId, 3);
    expect(gone.type).toBe(LicenseEventType.Uninstalled);
    expect(gone.license).toMatchObject({ status: 'Uninstalled', usedLicenses: null, seats: 10, revision: 3, changedBy: 'marketplace', reason: 'package uninstalled' });
    await expectWholeLicense(gone);
    // the assignments are reset: nobody holds a seat of the uninstalled license
    expect(await seatHolders(licenseId)).toEqual([]);
    const storedUninstalled = await stored(licenseId);
    expect(() => assertModifiable(storedUninstalled)).toThrow("Uninstalled licenses can't be modified");
    const api = await getLicense(install);
    expect(api.status).toBe(200);
    expect(((await api.json()) as LicenseV1).status).toBe('Uninstalled');

    // the same package installed again in the same org: the saga sends CreateLicense again
    const v2 = await h.uploadVersion(pkg.packageId, { versionNumber: '2.0.0', releasedAt: '2026-03-05T00:00:00Z' });
    await knownVersion(v2.packageVersionId);
    const again = { ...install, packageVersionId: v2.packageVersionId, versionNumber: '2.0.0', installedAt: '2026-03-10T12:00:00Z', org: { ...install.org, edition: 'Unlimited' } };
    const cmd = await sendCreateLicense(again);
    const back = await eventAt(licenseId, 4);
    expect(back.type).toBe(LicenseEventType.Reinstalled);
    expect(back.license).toEqual({
      ...created,
      status: 'Active',
      usedLicenses: 0,
      packageVersionId: v2.packageVersionId,
      versionNumber: '2.0.0',
      orgEdition: 'Unlimited',
      revision: 4,
      changedBy: 'marketplace',
      reason: 'package reinstalled',
    });
    expect(back.license.licenseId).toBe(created.licenseId);
    expect(back.license.licenseName).toBe(created.licenseName);
    await expectWholeLicense(back);
    const reply = await replyTo(cmd.commandId);
    expect(reply).toEqual({ type: ReplyType.LicenseCreated, data: { sagaId: cmd.sagaId, commandId: cmd.commandId, licenseId, licenseName: created.licenseName, existing: true } });
    const storedBack = await stored(licenseId);
    expect(() => assertModifiable(storedBack)).not.toThrow();

    // the same command again (a re-send) reinstalls nothing; a later command for the same
    // installation (same partition, so handled after it) proves it was handled
    await sendCreateLicense(again, { sagaId: cmd.sagaId, commandId: cmd.commandId });
    const later = await sendCreateLicense({ ...again, installedAt: '2026-03-10T12:00:00Z' });
    expect((await replyTo(later.commandId)).data['existing']).toBe(true);
    expect(eventsOf(licenseId)).toHaveLength(4);
    expect(await licenses().countDocuments({ packageId: install.packageId })).toBe(1);
  });

  it('an upgrade newer than the uninstall waits for the reinstall, then applies after it', async () => {
    const { pkg, install, licenseId } = await createdLicense();
    await publishMarketplace(MarketplaceEventType.PackageUninstalled, key(install), { packageId: install.packageId, subscriberOrgId: install.subscriberOrgId, uninstalledAt: '2026-03-01T00:00:00Z' });
    expect((await eventAt(licenseId, 2)).type).toBe(LicenseEventType.Uninstalled);
    // the marketplace saw a reinstall (03-10) and then an upgrade (03-20); the upgrade comes first
    const late = await publishMarketplace(MarketplaceEventType.PackageUpgraded, key(install), upgraded(install, ids.packageVersionId(), '3.0.0', '2026-03-20T00:00:00Z'));
    await eventually('the upgrade kept for after the reinstall', async () => (await pendingOf(licenseId)).includes(late.id));
    expect(eventsOf(licenseId)).toHaveLength(2);

    const v2 = await h.uploadVersion(pkg.packageId, { versionNumber: '2.0.0' });
    await knownVersion(v2.packageVersionId);
    await sendCreateLicense({ ...install, packageVersionId: v2.packageVersionId, versionNumber: '2.0.0', installedAt: '2026-03-10T00:00:00Z' });
    const back = await eventAt(licenseId, 3);
    expect(back.type).toBe(LicenseEventType.Reinstalled);
    expect(back.license.versionNumber).toBe('2.0.0');
    const up = await eventAt(licenseId, 4);
    expect(up.type).toBe(LicenseEventType.Upgraded);
    expect(up.license).toMatchObject({ status: 'Trial', versionNumber: '3.0.0' });
    await expectWholeLicense(up);
  });

  it('seat assignments count exactly: assigning a user twice counts once, a revoke counts down', async () => {
    const { install, licenseId } = await createdLicense();
    const [ada, bob] = [ids.userId(), ids.userId()];
    await publishMarketplace(MarketplaceEventType.UserLicenseChanged, key(install), seatChange(install, ada, 'assigned', '2026-02-11T09:00:00Z'));
    await publishMarketplace(MarketplaceEventType.UserLicenseChanged, key(install), seatChange(install, ada, 'assigned', '2026-02-11T09:05:00Z'));
    await publishMarketplace(MarketplaceEventType.UserLicenseChanged, key(install), seatChange(install, bob, 'assigned', '2026-02-11T09:10:00Z'));
    await publishMarketplace(MarketplaceEventType.UserLicenseChanged, key(install), seatChange(install, ada, 'revoked', '2026-02-11T09:15:00Z'));

    const last = await eventAt(licenseId, 4);
    const events = eventsOf(licenseId);
    expect(events.map((e) => e.type)).toEqual([LicenseEventType.Created, ...Array(3).fill(LicenseEventType.SeatsUsedChanged)]);
    expect(events.map((e) => e.license.usedLicenses)).toEqual([0, 1, 2, 1]);
    expect(last.license).toMatchObject({ usedLicenses: 1, changedBy: 'marketplace', reason: 'seat assignments changed' });
    await expectWholeLicense(last);
    expect(await seatHolders(licenseId)).toEqual([bob]);
  });

  it('the same marketplace event delivered twice changes the license once', async () => {
    const { install, licenseId } = await createdLicense();
    const v2 = ids.packageVersionId();
    const first = upgraded(install, v2, '1.1.0', '2026-02-21T10:00:00Z');
    const sent = await publishMarketplace(MarketplaceEventType.PackageUpgraded, key(install), first);
    await publishMarketplace(MarketplaceEventType.PackageUpgraded, key(install), first, sent.id);
    // and past install-intake's de-duplication, straight to the license service, twice
    for (let i = 0; i < 2; i++) {
      await h.kafka.publishEvent(InternalTopic.MarketplaceAccepted, { id: sent.id, type: MarketplaceEventType.PackageUpgraded, key: key(install), data: first });
    }
    // a later upgrade on the same installation key is handled after all of them
    await publishMarketplace(MarketplaceEventType.PackageUpgraded, key(install), upgraded(install, ids.packageVersionId(), '1.2.0', '2026-02-22T10:00:00Z'));

    const last = await eventAt(licenseId, 3);
    expect(last.license.versionNumber).toBe('1.2.0');
    const events = eventsOf(licenseId);
    expect(events.map((e) => [e.type, e.license.versionNumber])).toEqual([
      [LicenseEventType.Created, '1.0.0'],
      [LicenseEventType.Upgraded, '1.1.0'],
      [LicenseEventType.Upgraded, '1.2.0'],
    ]);
    expect((await stored(licenseId)).appliedEventIds).toContain(sent.id);
  });

  it('an upgrade that arrives before the license exists is kept and applied right after the license is created', async () => {
    const { pkg, version } = await registeredPackage();
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const early = await publishMarketplace(MarketplaceEventType.PackageUpgraded, key(install), upgraded(install, ids.packageVersionId(), '1.3.0', '2026-02-12T00:00:00Z'));
    await eventually('the upgrade kept as pending', async () => (await pendingOf(`lic_${install.packageId}_${install.subscriberOrgId}`)).includes(early.id));

    const cmd = await sendCreateLicense(install);
    const licenseId = (await replyTo(cmd.commandId)).data['licenseId'] as string;
    expect((await eventAt(licenseId, 1)).license.versionNumber).toBe('1.0.0');
    const e = await eventAt(licenseId, 2);
    expect(e.type).toBe(LicenseEventType.Upgraded);
    expect(e.license.versionNumber).toBe('1.3.0');
    await expectWholeLicense(e);
    await eventually('the pending change removed', async () => (await pendingOf(licenseId)).length === 0);
  });
});

describe('org changes', () => {
  it('an org change observed before a license of that org is created (its install waited) applies to it right after creation', async () => {
    const a = await createdLicense();
    const org = a.install.subscriberOrgId;
    await publishMarketplace(MarketplaceEventType.OrgChanged, org, orgChanged(org, '2026-03-01T00:00:00Z', { edition: 'Unlimited' }));
    await eventAt(a.licenseId, 2);

    const b = await createdLicense({ install: { subscriberOrgId: org, installedAt: '2026-02-10T08:30:00Z' } });
    expect(b.created.orgEdition).toBe('Enterprise');
    const e = await eventAt(b.licenseId, 2);
    expect(e.type).toBe(LicenseEventType.Modified);
    expect(e.license).toMatchObject({ orgEdition: 'Unlimited', reason: 'org changed' });
    await expectWholeLicense(e);
  });

  it('apply to every license of the org: lma.license.modified "org changed", and the time they are current as of', async () => {
    const a = await createdLicense();
    const b = await createdLicense({ install: { subscriberOrgId: a.install.subscriberOrgId } });
    const org = a.install.subscriberOrgId;
    await publishMarketplace(MarketplaceEventType.OrgChanged, org, orgChanged(org, '2026-03-01T00:00:00Z', { edition: 'Unlimited', status: 'Active', instance: 'NA99' }));

    for (const l of [a, b]) {
      const e = await eventAt(l.licenseId, 2);
      expect(e.type).toBe(LicenseEventType.Modified);
      expect(e.license).toEqual({ ...l.created, orgEdition: 'Unlimited', orgStatus: 'Active', orgExpiresOn: null, instance: 'NA99', revision: 2, changedBy: 'marketplace', reason: 'org changed' });
      expect(e.raw).not.toHaveProperty('orgInfoCurrentAsOf');
      await expectWholeLicense(e);
      expect((await stored(l.licenseId)).orgInfoCurrentAsOf).toBe('2026-03-01T00:00:00Z');
    }

    // observed again, unchanged: only "current as of" moves, no event
    await publishMarketplace(MarketplaceEventType.OrgChanged, org, orgChanged(org, '2026-03-08T00:00:00Z', { edition: 'Unlimited' }));
    for (const l of [a, b]) {
      await eventually('current as of the newer observation', async () => (await stored(l.licenseId)).orgInfoCurrentAsOf === '2026-03-08T00:00:00Z');
      expect(eventsOf(l.licenseId)).toHaveLength(2);
    }
  });

  it('a locked org locks its licenses against changes; active again unlocks them', async () => {
    const { install, licenseId } = await createdLicense();
    const org = install.subscriberOrgId;
    await publishMarketplace(MarketplaceEventType.OrgChanged, org, orgChanged(org, '2026-03-01T00:00:00Z', { lifecycle: 'locked' }));
    const locked = await eventAt(licenseId, 2);
    expect(locked.type).toBe(LicenseEventType.Modified);
    expect(locked.license.reason).toBe('org locked');
    await expectWholeLicense(locked);
    expect((await stored(licenseId)).orgLocked).toBe(true);
    const storedLocked = await stored(licenseId);
    expect(() => assertModifiable(storedLocked)).toThrow('the subscriber org is locked');

    await publishMarketplace(MarketplaceEventType.OrgChanged, org, orgChanged(org, '2026-03-02T00:00:00Z', { lifecycle: 'active' }));
    const unlocked = await eventAt(licenseId, 3);
    expect(unlocked.type).toBe(LicenseEventType.Modified);
    expect(unlocked.license.reason).toBe('org unlocked');
    await expectWholeLicense(unlocked);
    const storedUnlocked = await stored(licenseId);
    expect(storedUnlocked.orgLocked).toBe(false);
    expect(() => assertModifiable(storedUnlocked)).not.toThrow();
  });

  it('a deleted org deletes its licenses: lma.license.deleted with the whole license, and the API no longer finds it', async () => {
    const { install, licenseId, created } = await createdLicense();
    const org = install.subscriberOrgId;
    await publishMarketplace(MarketplaceEventType.OrgChanged, org, orgChanged(org, '2026-03-01T00:00:00Z', { lifecycle: 'deleted' }));
    const e = await eventAt(licenseId, 2);
    expect(e.type).toBe(LicenseEventType.Deleted);
    expect(e.license).toEqual({ ...created, revision: 2, changedBy: 'marketplace', reason: 'org deleted' });
    await expectWholeLicense(e);
    expect((await stored(licenseId)).deletedAt).toBeInstanceOf(Date);
    const res = await getLicense(install);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');

    // an install of the deleted org that arrives later can never get its license
    const cmd = await sendCreateLicense({ ...install, installedAt: '2026-03-05T00:00:00Z' });
    expect(await replyTo(cmd.commandId)).toEqual({
      type: ReplyType.LicenseCreationFailed,
      data: { sagaId: cmd.sagaId, commandId: cmd.commandId, reason: `license ${created.licenseName} was deleted with its subscriber org` },
    });
    expect(eventsOf(licenseId)).toHaveLength(2);
  });
});

describe('the version check and lead conversion', () => {
  it('a version not uploaded yet parks the saga step with version-not-uploaded and creates nothing; once uploaded, a new attempt creates the license', async () => {
    const pkg = await h.registerPackage();
    await eventually('the package known to the license service', async () => (await byId('packages').countDocuments({ _id: pkg.packageId })) === 1);
    const versionId = ids.packageVersionId();
    const install = h.installData(pkg.packageId, versionId);
    const cmd = await sendCreateLicense(install);
    const reply = await replyTo(cmd.commandId);
    expect(reply.type).toBe(ReplyType.LicenseCreationParked);
    expect(reply.data).toMatchObject({ sagaId: cmd.sagaId, commandId: cmd.commandId, reason: 'version-not-uploaded' });
    expect(reply.data['detail']).toContain(versionId);
    expect(await licenses().countDocuments({ packageId: pkg.packageId })).toBe(0);

    await h.uploadVersion(pkg.packageId, { packageVersionId: versionId });
    await knownVersion(versionId);
    const retry = await sendCreateLicense(install, { sagaId: cmd.sagaId, commandId: `${cmd.sagaId}:create-license:2` });
    expect((await replyTo(retry.commandId)).type).toBe(ReplyType.LicenseCreated);
    expect(await licenses().countDocuments({ packageId: pkg.packageId })).toBe(1);
  });

  it('an install of a version not uploaded yet parks its onboarding with version-not-uploaded, and no license is created', async () => {
    const pkg = await h.registerPackage();
    await eventually('the package known to the license service', async () => (await byId('packages').countDocuments({ _id: pkg.packageId })) === 1);
    const versionId = ids.packageVersionId();
    const install = h.installData(pkg.packageId, versionId);
    await h.install(install);
    const saga = await eventually('the parked onboarding', async () => {
      const s = await h.db('install-intake').collection('onboardings').findOne({ packageId: pkg.packageId, subscriberOrgId: install.subscriberOrgId });
      return s?.['state'] === 'parked' ? s : undefined;
    }, 30_000);
    expect(saga['parkedReason']).toBe('version-not-uploaded');
    expect(saga['step']).toBe('create-license');
    expect(await licenses().countDocuments({ packageId: pkg.packageId })).toBe(0);
  });

  it('a converted lead links each of its licenses to the account and contact: one lma.license.linked per license', async () => {
    const leadId = `lead-${newEventId()}`;
    const first = await createdLicense({ leadId });
    const second = await createdLicense({ leadId });
    const other = await createdLicense({ leadId: `lead-${newEventId()}` });
    expect(first.created).toMatchObject({ leadId, accountId: null, contactId: null });

    const conversion: LeadConvertedV1 = { leadId, accountId: 'acc-0001', contactId: 'con-0001', convertedAt: '2026-03-01T00:00:00Z' };
    await h.kafka.publishEvent(InternalTopic.LeadEvents, { type: LeadEventType.LeadConverted, key: leadId, data: conversion, source: 'lma/lead' });
    for (const l of [first, second]) {
      const e = await eventAt(l.licenseId, 2);
      expect(e.type).toBe(LicenseEventType.Linked);
      expect(e.license).toEqual({ ...l.created, accountId: 'acc-0001', contactId: 'con-0001', revision: 2, changedBy: 'lead-conversion', reason: `lead ${leadId} converted` });
      await expectWholeLicense(e);
    }
    expect(eventsOf(other.licenseId)).toHaveLength(1);

    // a license of that lead created after the conversion is linked right away
    const late = await createdLicense({ leadId });
    const e = await eventAt(late.licenseId, 2);
    expect(e.type).toBe(LicenseEventType.Linked);
    expect(e.license).toMatchObject({ leadId, accountId: 'acc-0001', contactId: 'con-0001' });
  });
});

import { createHash } from 'node:crypto';
import {
  InternalTopic,
  LicenseEventType,
  MarketplaceEventType,
  NotificationInputType,
  ReplyType,
  formatLicenseName,
  installationKey,
  eventOf,
  licenseEventKey,
  type DefaultLicense,
  type PackageInstalledV1,
  type PackageRegisteredV1,
  type PackageVersionUploadedV1,
  type TopicEvent,
} from '@lma/contracts';
import type { Db } from '@lma/testing';

/**
 * History for the onboarding benchmark: N installs that went through the whole onboarding saga
 * long ago, written straight into the benchmark's own databases, as each service stores them once
 * everything was relayed. Going through the pipeline would take hours at today's speed, and the
 * point is to measure the pipeline *with* this history, not to build it.
 *
 * Every document shape lives in this file, in the `*Doc` builders below; `seedInstallIntake`,
 * `seedLead` and `seedLicense` each fill one service's database. When a service changes what it
 * stores (the aggregate store's `_v`, key documents for the duplicate rules, an installations
 * collection), change the builder of that document here; the benchmark compares each seeded
 * document with one the services wrote during the run and prints any difference (`compareShapes`).
 */

/** What every seeded install shares: the one package they were installed from. */
export interface SeedPackage {
  registered: PackageRegisteredV1;
  version: PackageVersionUploadedV1;
  /** ce_ids of the two marketplace events above. */
  registeredEventId: string;
  versionEventId: string;
  registeredReceivedAt: Date;
}

export interface SeedPlan {
  count: number;
  pkg: SeedPackage;
  /** The first install's time; the others follow `spacingMs` apart. */
  firstInstallAt: Date;
  spacingMs: number;
  /** Documents per insertMany, and insertMany calls in flight per collection. */
  batch: number;
  parallel: number;
  /** Makes ids unique to one plan, so two plans never share an event id. */
  salt: string;
}

/** Seeded install n (1-based): ids and times every database agrees on, derived, never stored in between. */
export interface SeededInstall {
  n: number;
  installEventId: string;
  sagaId: string;
  leadId: string;
  licenseId: string;
  install: PackageInstalledV1;
  /** The saga's steps, as a fast pipeline would have timed them. */
  receivedAt: Date;
  leadCreatedAt: Date;
  leadResolvedAt: Date;
  licenseCreatedAt: Date;
}

const sha = (s: string, algo = 'sha256'): string => createHash(algo).update(s).digest('hex');

/** A version-4-shaped UUID derived from a string, like the marketplace's random ce_ids. */
function uuidOf(s: string): string {
  const h = sha(s, 'sha1');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// The services' id derivations (services/install-intake/src/domain/onboarding.ts,
// services/lead/src/domain/lead.ts, services/license/src/domain/license.ts): a redelivered
// command for a seeded install must find the seeded documents.
const sagaIdFor = (installEventId: string): string => `onb:${installEventId}`;
const commandIdFor = (sagaId: string, step: 'resolve-lead' | 'create-license', attempt: number): string => `${sagaId}:${step}:${attempt}`;
const leadIdFor = (sagaId: string): string => `lead_${sha(sagaId).slice(0, 24)}`;
const licenseIdFor = (packageId: string, subscriberOrgId: string): string => `lic_${packageId}_${subscriberOrgId}`;
const openKeyFor = (email: string, company: string): string => `${email.trim().toLowerCase()}|${company.trim().toLowerCase()}`;
/** The lead owner when a package has no lead manager (services/lead/src/domain/lead.ts). */
const LMA_OWNER_ID = 'lma';

/** 15 characters, `00D` + a marker + n: never equal to the random ids the run's installs get from `ids.subscriberOrgId()` in practice. */
const seededOrgId = (n: number): string => `00DS${n.toString(36).toUpperCase().padStart(11, '0')}`;

export function seededInstall(plan: SeedPlan, n: number): SeededInstall {
  const installEventId = uuidOf(`${plan.salt}:install:${n}`);
  const sagaId = sagaIdFor(installEventId);
  const subscriberOrgId = seededOrgId(n);
  const installedAt = new Date(plan.firstInstallAt.getTime() + (n - 1) * plan.spacingMs);
  const at = (ms: number) => new Date(installedAt.getTime() + ms);
  const { packageId, packageVersionId, versionNumber } = plan.pkg.version;
  return {
    n,
    installEventId,
    sagaId,
    leadId: leadIdFor(sagaId),
    licenseId: licenseIdFor(packageId, subscriberOrgId),
    install: {
      packageId,
      packageVersionId,
      versionNumber,
      subscriberOrgId,
      installedAt: installedAt.toISOString(),
      installer: { firstName: 'Seed', lastName: `User${n}`, email: `seed.${n}@example.com`, company: `Seed Co ${n}` },
      org: { name: `Seed Co ${n}`, edition: 'Enterprise', status: 'Active', instance: 'NA42', sandbox: false },
    },
    receivedAt: at(40),
    leadCreatedAt: at(120),
    leadResolvedAt: at(200),
    licenseCreatedAt: at(300),
  };
}

// ---------------------------------------------------------------------------------------------
// Document shapes. One builder per stored document, each as the service's write path leaves it
// at rest, every event long published.
// ---------------------------------------------------------------------------------------------

/** An event in an aggregate's embedded outbox, tagged with the version that wrote it (libs/store/src/outbox.ts). */
interface OutboxItem {
  v: number;
  id: string;
  topic: string;
  type: string;
  source: string;
  time: string;
  key: string | null;
  dataschema?: string;
  data: string;
  traceparent?: string;
}

/** The trace context a handler's span gives the events it writes (one trace per install). */
const traceparentOf = (s: SeededInstall, step: string): string => `00-${sha(`${s.installEventId}:trace`).slice(0, 32)}-${sha(`${s.installEventId}:${step}`).slice(0, 16)}-01`;

function outboxItem(v: number, e: TopicEvent): OutboxItem {
  return {
    v,
    id: e.id,
    topic: e.topic,
    type: e.type,
    source: e.source,
    time: e.time,
    key: e.key ?? null,
    ...(e.dataschema ? { dataschema: e.dataschema } : {}),
    data: JSON.stringify(e.data),
    ...(e.traceparent ? { traceparent: e.traceparent } : {}),
  };
}

/**
 * An aggregate as the store leaves it (libs/store, docs/store.md): `_v` counts its writes, and
 * `outbox` keeps the events of its last write even after they were published (the claims in
 * `store_claims` say what is unpublished, and the next write drops what was published).
 */
const stored = <T extends object>(doc: T, v: number, outbox: OutboxItem[] = []): T & { _v: number; outbox: OutboxItem[] } => ({ ...doc, _v: v, outbox });

/** install-intake `inbound_events`: each accepted marketplace record by ce_id, its forward to `lma.marketplace.accepted` in its outbox (handlers/onMarketplaceEvent.ts). */
export function inboundEventDoc(e: { id: string; type: string; key: string; time: string; receivedAt: Date; data: object; traceparent: string }) {
  const source = 'marketplace/bench';
  // forwarded as received: same id, source and type; the bench's records carry no ce_dataschema
  const accepted = outboxItem(1, { id: e.id, topic: InternalTopic.MarketplaceAccepted, type: e.type, source, time: e.time, key: e.key, data: e.data, traceparent: e.traceparent });
  return stored({ _id: e.id, type: e.type, source, key: e.key, time: e.time, receivedAt: e.receivedAt, data: JSON.stringify(e.data) }, 1, [accepted]);
}

/** install-intake `onboardings`: a saga completed with a new lead and a new license in three writes (domain/onboarding.ts, infra/sagaStore.ts). */
export function onboardingDoc(s: SeededInstall, licenseNumber: number) {
  const lead = { leadId: s.leadId, contactId: null, accountId: null, created: true, ownerId: LMA_OWNER_ID, matchedBy: 'new-lead' };
  const leadCmd = commandIdFor(s.sagaId, 'resolve-lead', 1);
  const licenseCmd = commandIdFor(s.sagaId, 'create-license', 1);
  const licenseName = formatLicenseName(licenseNumber);
  return stored(
    {
      _id: s.sagaId,
      installEventId: s.installEventId,
      packageId: s.install.packageId,
      subscriberOrgId: s.install.subscriberOrgId,
      install: s.install,
      state: 'completed',
      step: null,
      pendingCommandId: null,
      sends: 1,
      stepAttempts: { 'resolve-lead': 1, 'create-license': 1 },
      commandSentAt: null,
      lead,
      licenseId: s.licenseId,
      licenseName,
      parkedReason: null,
      parkedSince: null,
      parkedRetryAt: null,
      failedReason: null,
      failedStep: null,
      steps: [
        { step: 'resolve-lead', outcome: 'requested', at: s.receivedAt, commandId: leadCmd },
        { step: 'resolve-lead', outcome: 'succeeded', at: s.leadResolvedAt, commandId: leadCmd, detail: `lead ${s.leadId} (new-lead)` },
        { step: 'create-license', outcome: 'requested', at: s.leadResolvedAt, commandId: licenseCmd },
        { step: 'create-license', outcome: 'succeeded', at: s.licenseCreatedAt, commandId: licenseCmd, detail: licenseName },
      ],
      createdAt: s.receivedAt,
      updatedAt: s.licenseCreatedAt,
      completedAt: s.licenseCreatedAt,
    },
    3,
  );
}

/** install-intake `installation_onboardings`: the sagas of one installation, a key document written before the saga (infra/models.ts). */
export const installationOnboardingsDoc = (s: SeededInstall) => ({
  _id: installationKey(s.install.packageId, s.install.subscriberOrgId),
  packageId: s.install.packageId,
  subscriberOrgId: s.install.subscriberOrgId,
  sagaIds: [s.sagaId],
});

/** install-intake `saga_counts`: ended sagas, kept for /metrics (infra/sagaCounts.ts). */
export const sagaTotalsDoc = (completed: number) => stored({ _id: 'ended', completed, failed: 0 }, 1);

/** install-intake `migrations`: the one-off backfill of saga timers and installation keys ran when the service first started, over no sagas (infra/backfill.ts). */
export const sagaBackfillDoc = (at: Date) => stored({ _id: 'saga-timers-and-installation-keys', doneAt: at, sagas: 0 }, 1);

/** The lead an install created, without the store's fields (domain/lead.ts newLead). */
function newLead(s: SeededInstall) {
  const { installer } = s.install;
  const email = installer.email.trim().toLowerCase();
  return {
    _id: s.leadId,
    firstName: installer.firstName,
    lastName: installer.lastName,
    company: installer.company,
    email,
    phone: null,
    country: null,
    state: null,
    leadSource: 'Package Installation',
    ownerId: LMA_OWNER_ID,
    status: 'Open',
    packageId: s.install.packageId,
    subscriberOrgId: s.install.subscriberOrgId,
    orgName: s.install.org.name,
    createdBySagaId: s.sagaId,
    openKey: openKeyFor(email, installer.company),
    convertedAccountId: null,
    convertedContactId: null,
    convertedAt: null,
    withdrawnAt: null,
    withdrawnReason: null,
    createdAt: s.leadCreatedAt,
    updatedAt: s.leadCreatedAt,
  };
}

/** The events a new lead is inserted with: the saga's reply and `lma.lead.created` (handlers/onResolveLead.ts, infra/events.ts). */
function leadEvents(s: SeededInstall): TopicEvent[] {
  const lead = newLead(s);
  const time = s.leadCreatedAt;
  const traceparent = traceparentOf(s, 'resolve-lead');
  const commandId = commandIdFor(s.sagaId, 'resolve-lead', 1);
  const installation = installationKey(s.install.packageId, s.install.subscriberOrgId);
  return [
    eventOf(
      ReplyType.LeadResolved,
      { sagaId: s.sagaId, commandId, leadId: s.leadId, contactId: null, accountId: null, created: true, ownerId: LMA_OWNER_ID, matchedBy: 'new-lead' },
      { id: `${commandId}:${ReplyType.LeadResolved}`, key: installation, time, traceparent },
    ),
    eventOf(
      NotificationInputType.LeadCreated,
      {
        leadId: s.leadId,
        packageId: lead.packageId,
        subscriberOrgId: lead.subscriberOrgId,
        ownerId: lead.ownerId,
        company: lead.company,
        firstName: lead.firstName,
        lastName: lead.lastName,
        email: lead.email,
        leadSource: lead.leadSource,
        createdAt: time.toISOString(),
      },
      { id: `${s.leadId}:created`, key: s.leadId, time, traceparent },
    ),
  ];
}

/** lead `leads`: the Open lead an install created, inserted with its two events. */
export const leadDoc = (s: SeededInstall) => stored(newLead(s), 1, leadEvents(s).map((e) => outboxItem(1, e)));

/**
 * lead `open_lead_keys`: "one open lead per email and company", the key taken before the lead is
 * inserted; it keeps the insert it stood for (domain/keys.ts, handlers/onResolveLead.ts).
 */
export const openLeadKeyDoc = (s: SeededInstall) => {
  const lead = newLead(s);
  return { _id: lead.openKey, holder: s.leadId, pending: { lead, events: leadEvents(s) } };
};

/** Terms from the package defaults (services/license/src/domain/license.ts termsFromDefaults). */
function terms(d: DefaultLicense, installedAt: string) {
  const expiresOn = d.lengthDays === null ? null : new Date(new Date(installedAt).getTime() + d.lengthDays * 86_400_000).toISOString().slice(0, 10);
  return { status: d.status, expiresOn, seats: d.seats, usedLicenses: 0 };
}

/** lead `licenses`: its copy of each license from `lma.license.created` (domain/licenses.ts licenseCopy). */
export function leadLicenseCopyDoc(s: SeededInstall, licenseNumber: number, d: DefaultLicense) {
  const { status, seats, expiresOn } = terms(d, s.install.installedAt);
  return stored(
    {
      _id: s.licenseId,
      licenseName: formatLicenseName(licenseNumber),
      packageId: s.install.packageId,
      subscriberOrgId: s.install.subscriberOrgId,
      status,
      seats,
      expiresOn,
      leadId: s.leadId,
      accountId: null,
      contactId: null,
      revision: 1,
      deleted: false,
      updatedAt: s.licenseCreatedAt,
    },
    1,
  );
}

/** lead `license_links` and license `license_keys`: the licenses of a lead (or org), a key document by `<field>:<value>`. */
export const licenseKeyDoc = (field: 'leadId' | 'subscriberOrgId', value: string, licenseId: string) => stored({ _id: `${field}:${value}`, ids: [licenseId] }, 1);

/** The license as named, revision 1, without the store's fields (domain/license.ts newLicense, infra/licenseNames.ts). */
function namedLicense(s: SeededInstall, licenseNumber: number, d: DefaultLicense) {
  const { install } = s;
  return {
    _id: s.licenseId,
    licenseNumber,
    licenseName: formatLicenseName(licenseNumber),
    packageId: install.packageId,
    packageVersionId: install.packageVersionId,
    versionNumber: install.versionNumber,
    subscriberOrgId: install.subscriberOrgId,
    ...terms(d, install.installedAt),
    installDate: install.installedAt,
    orgEdition: install.org.edition,
    orgStatus: install.org.status,
    orgExpiresOn: null,
    instance: install.org.instance,
    sandbox: install.org.sandbox,
    leadId: s.leadId,
    accountId: null,
    contactId: null,
    revision: 1,
    createdFor: { sagaId: s.sagaId, commandId: commandIdFor(s.sagaId, 'create-license', 1) },
    createdAt: s.licenseCreatedAt,
    updatedAt: s.licenseCreatedAt,
    orgLocked: false,
    orgInfoCurrentAsOf: install.installedAt,
    deletedAt: null,
    presenceAt: install.installedAt,
    versionAt: install.installedAt,
    appliedEventIds: [],
    everActive: d.status === 'Active',
    seatEpoch: 0,
    seatsAssigned: 0,
    seatSeq: 0,
    seatWrite: null,
    lastAudit: null,
  };
}

/** license `licenses`: inserted, then named (version 2) with `lma.license.created` and the saga's reply (handlers/onCreateLicense.ts, infra/licenseNames.ts). */
export function licenseDoc(s: SeededInstall, licenseNumber: number, d: DefaultLicense) {
  const l = namedLicense(s, licenseNumber, d);
  const time = s.licenseCreatedAt;
  const key = licenseEventKey(l);
  const traceparent = traceparentOf(s, 'create-license');
  const { createdFor } = l;
  const licenseV1 = {
    licenseId: l._id,
    licenseName: l.licenseName,
    packageId: l.packageId,
    packageVersionId: l.packageVersionId,
    versionNumber: l.versionNumber,
    subscriberOrgId: l.subscriberOrgId,
    status: l.status,
    seats: l.seats,
    usedLicenses: l.usedLicenses,
    expiresOn: l.expiresOn,
    installDate: l.installDate,
    orgEdition: l.orgEdition,
    orgStatus: l.orgStatus,
    orgExpiresOn: l.orgExpiresOn,
    instance: l.instance,
    sandbox: l.sandbox,
    leadId: l.leadId,
    accountId: l.accountId,
    contactId: l.contactId,
    revision: l.revision,
  };
  return stored(l, 2, [
    outboxItem(2, eventOf(LicenseEventType.Created, licenseV1, { id: `${s.licenseId}:1`, key, time, traceparent })),
    outboxItem(
      2,
      eventOf(
        ReplyType.LicenseCreated,
        { sagaId: s.sagaId, commandId: createdFor.commandId, licenseId: s.licenseId, licenseName: l.licenseName, existing: false },
        { id: `${createdFor.commandId}:${ReplyType.LicenseCreated}`, key, time, traceparent },
      ),
    ),
  ]);
}

/** license `license_numbers`: the claim that reserved the number (infra/licenseNames.ts). */
export const licenseNumberDoc = (s: SeededInstall, licenseNumber: number) => ({ _id: licenseNumber, licenseId: s.licenseId, claimedAt: s.licenseCreatedAt });

/** license `license_sequence`: the last number given; a new license continues after it (infra/licenseNames.ts). */
export const licenseSequenceDoc = (last: number) => stored({ _id: 'license-numbers', last, open: [] }, last + 1);

/** license `packages`, as the registration and the latest-version link leave it (handlers/onPackageEvent.ts). */
export function packageDoc(p: SeedPackage) {
  const r = p.registered;
  return stored(
    {
      _id: r.packageId,
      packageName: r.packageName,
      developerName: r.developerName,
      developerOrgId: r.developerOrgId,
      registeredAt: r.registeredAt,
      defaultLicense: r.defaultLicense,
      sandboxSiteLicense: true,
      leadManagerId: null,
      ownerId: null,
      latestVersionId: p.version.packageVersionId,
      latestVersionNumber: p.version.versionNumber,
      latestReleasedAt: p.version.releasedAt,
      registrationEventId: p.registeredEventId,
      updatedAt: p.registeredReceivedAt,
      revision: 0,
      lastAudit: null,
    },
    2,
  );
}

/** license `package_versions` (handlers/onPackageEvent.ts). */
export function packageVersionDoc(p: SeedPackage) {
  const v = p.version;
  return stored({ _id: v.packageVersionId, packageId: v.packageId, versionName: v.versionName, versionNumber: v.versionNumber, beta: v.beta, releasedAt: v.releasedAt }, 1);
}

/** license `latest_versions`: a package's latest released version, by package id (handlers/onPackageEvent.ts). */
export function latestVersionDoc(p: SeedPackage) {
  const v = p.version;
  return stored({ _id: v.packageId, packageVersionId: v.packageVersionId, versionNumber: v.versionNumber, releasedAt: v.releasedAt }, 1);
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/**
 * Creates the collection before the parallel inserts: concurrent implicit creations of one
 * collection can fail on FerretDB, and an explicit one makes the seeded and the empty run start
 * from the same set of collections the services then index.
 */
async function ensureCollection(db: Db, name: string): Promise<void> {
  try {
    await db.createCollection(name);
  } catch (err) {
    if ((err as { codeName?: string }).codeName !== 'NamespaceExists') throw err;
  }
}

/** Inserts docs 1..count of one collection in batches, `parallel` insertMany calls at a time. */
async function insertAll(db: Db, name: string, plan: SeedPlan, docOf: (n: number) => object): Promise<number> {
  await ensureCollection(db, name);
  const col = db.collection(name);
  let next = 1;
  const worker = async () => {
    while (next <= plan.count) {
      const from = next;
      const to = Math.min(plan.count, from + plan.batch - 1);
      next = to + 1;
      const docs: object[] = [];
      for (let n = from; n <= to; n++) docs.push(docOf(n));
      await col.insertMany(docs as never[], { ordered: false });
    }
  };
  await Promise.all(Array.from({ length: plan.parallel }, worker));
  return plan.count;
}

async function insertSome(db: Db, name: string, docs: object[]): Promise<number> {
  await ensureCollection(db, name);
  await db.collection(name).insertMany(docs as never[]);
  return docs.length;
}

/** Collection -> documents written, per service database. */
export type SeedCounts = Record<string, number>;

/** Seeded licenses are numbered 1..count in install order, so the next license is count + 1. */
const numberOf = (n: number): number => n;

/** install-intake: the package's two registration events; each install's event, completed saga and installation key. */
export async function seedInstallIntake(db: Db, plan: SeedPlan): Promise<SeedCounts> {
  const { pkg } = plan;
  const trace = (id: string) => `00-${sha(`${id}:trace`).slice(0, 32)}-${sha(id).slice(0, 16)}-01`;
  const registrations = await insertSome(db, 'inbound_events', [
    inboundEventDoc({ id: pkg.registeredEventId, type: MarketplaceEventType.PackageRegistered, key: pkg.registered.packageId, time: pkg.registered.registeredAt, receivedAt: pkg.registeredReceivedAt, data: pkg.registered, traceparent: trace(pkg.registeredEventId) }),
    inboundEventDoc({ id: pkg.versionEventId, type: MarketplaceEventType.PackageVersionUploaded, key: pkg.version.packageId, time: pkg.version.releasedAt, receivedAt: pkg.registeredReceivedAt, data: pkg.version, traceparent: trace(pkg.versionEventId) }),
  ]);
  const [events, sagas, installations, totals, migrations] = await Promise.all([
    insertAll(db, 'inbound_events', plan, (n) => {
      const s = seededInstall(plan, n);
      const key = installationKey(s.install.packageId, s.install.subscriberOrgId);
      return inboundEventDoc({ id: s.installEventId, type: MarketplaceEventType.PackageInstalled, key, time: s.install.installedAt, receivedAt: s.receivedAt, data: s.install, traceparent: traceparentOf(s, 'intake') });
    }),
    insertAll(db, 'onboardings', plan, (n) => onboardingDoc(seededInstall(plan, n), numberOf(n))),
    insertAll(db, 'installation_onboardings', plan, (n) => installationOnboardingsDoc(seededInstall(plan, n))),
    insertSome(db, 'saga_counts', [sagaTotalsDoc(plan.count)]),
    insertSome(db, 'migrations', [sagaBackfillDoc(pkg.registeredReceivedAt)]),
  ]);
  return { inbound_events: events + registrations, onboardings: sagas, installation_onboardings: installations, saga_counts: totals, migrations };
}

/** lead: each install's lead and its open-lead key, the copy of its license and the lead's license link. */
export async function seedLead(db: Db, plan: SeedPlan): Promise<SeedCounts> {
  const d = plan.pkg.registered.defaultLicense;
  const [leads, keys, copies, links] = await Promise.all([
    insertAll(db, 'leads', plan, (n) => leadDoc(seededInstall(plan, n))),
    insertAll(db, 'open_lead_keys', plan, (n) => openLeadKeyDoc(seededInstall(plan, n))),
    insertAll(db, 'licenses', plan, (n) => leadLicenseCopyDoc(seededInstall(plan, n), numberOf(n), d)),
    insertAll(db, 'license_links', plan, (n) => {
      const s = seededInstall(plan, n);
      return licenseKeyDoc('leadId', s.leadId, s.licenseId);
    }),
  ]);
  return { leads, open_lead_keys: keys, licenses: copies, license_links: links };
}

/** license: the package, its version and latest version; each install's named license, its number claim and its keys by lead and org; the number sequence. */
export async function seedLicense(db: Db, plan: SeedPlan): Promise<SeedCounts> {
  const d = plan.pkg.registered.defaultLicense;
  const [packages, versions, latest, sequence, licenses, claims, byLead, byOrg] = await Promise.all([
    insertSome(db, 'packages', [packageDoc(plan.pkg)]),
    insertSome(db, 'package_versions', [packageVersionDoc(plan.pkg)]),
    insertSome(db, 'latest_versions', [latestVersionDoc(plan.pkg)]),
    insertSome(db, 'license_sequence', [licenseSequenceDoc(numberOf(plan.count))]),
    insertAll(db, 'licenses', plan, (n) => licenseDoc(seededInstall(plan, n), numberOf(n), d)),
    insertAll(db, 'license_numbers', plan, (n) => licenseNumberDoc(seededInstall(plan, n), numberOf(n))),
    // one collection, two keys per license: the second batch of inserts continues where the first ends
    insertAll(db, 'license_keys', plan, (n) => {
      const s = seededInstall(plan, n);
      return licenseKeyDoc('leadId', s.leadId, s.licenseId);
    }),
    insertAll(db, 'license_keys', plan, (n) => {
      const s = seededInstall(plan, n);
      return licenseKeyDoc('subscriberOrgId', s.install.subscriberOrgId, s.licenseId);
    }),
  ]);
  return { packages, package_versions: versions, latest_versions: latest, license_sequence: sequence, licenses, license_numbers: claims, license_keys: byLead + byOrg };
}

export type SeededService = 'install-intake' | 'lead' | 'license';

/** One document of each seeded collection, by `_id`: compared with one the services wrote. */
export interface ShapeSample {
  service: SeededService;
  collection: string;
  /** What the document is, when a collection holds several kinds (registrations, installs). */
  kind: string;
  id: string | number;
}

/** The first seeded install's documents and the package's (collections of one document are the services' own after they start). */
export function seededSamples(plan: SeedPlan): ShapeSample[] {
  const s = seededInstall(plan, 1);
  return samples({
    registeredEventId: plan.pkg.registeredEventId,
    packageId: plan.pkg.registered.packageId,
    packageVersionId: plan.pkg.version.packageVersionId,
    installEventId: s.installEventId,
    subscriberOrgId: s.install.subscriberOrgId,
    installer: s.install.installer,
    licenseNumber: numberOf(1),
  });
}

/** The same documents of an install and a package that went through the services. */
export const writtenSamples = (w: SampleIds): ShapeSample[] => samples(w);

export interface SampleIds {
  registeredEventId: string;
  packageId: string;
  packageVersionId: string;
  installEventId: string;
  subscriberOrgId: string;
  installer: { email: string; company: string };
  licenseNumber: number;
}

function samples(w: SampleIds): ShapeSample[] {
  const sagaId = sagaIdFor(w.installEventId);
  const leadId = leadIdFor(sagaId);
  const licenseId = licenseIdFor(w.packageId, w.subscriberOrgId);
  return [
    { service: 'install-intake', collection: 'inbound_events', kind: 'registration', id: w.registeredEventId },
    { service: 'install-intake', collection: 'inbound_events', kind: 'install', id: w.installEventId },
    { service: 'install-intake', collection: 'onboardings', kind: 'saga', id: sagaId },
    { service: 'install-intake', collection: 'installation_onboardings', kind: 'installation key', id: installationKey(w.packageId, w.subscriberOrgId) },
    { service: 'lead', collection: 'leads', kind: 'lead', id: leadId },
    { service: 'lead', collection: 'open_lead_keys', kind: 'open lead key', id: openKeyFor(w.installer.email, w.installer.company) },
    { service: 'lead', collection: 'licenses', kind: 'license copy', id: licenseId },
    { service: 'lead', collection: 'license_links', kind: 'licenses of a lead', id: `leadId:${leadId}` },
    { service: 'license', collection: 'packages', kind: 'package', id: w.packageId },
    { service: 'license', collection: 'package_versions', kind: 'version', id: w.packageVersionId },
    { service: 'license', collection: 'latest_versions', kind: 'latest version', id: w.packageId },
    { service: 'license', collection: 'licenses', kind: 'license', id: licenseId },
    { service: 'license', collection: 'license_numbers', kind: 'number claim', id: w.licenseNumber },
    { service: 'license', collection: 'license_keys', kind: 'licenses of a lead', id: `leadId:${leadId}` },
    { service: 'license', collection: 'license_keys', kind: 'licenses of an org', id: `subscriberOrgId:${w.subscriberOrgId}` },
  ];
}

export { licenseIdFor };

// ---------------------------------------------------------------------------------------------
// Checking the shapes against what the services write
// ---------------------------------------------------------------------------------------------

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Date) return 'date';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Every field path of a document with its type; arrays by their first element (`steps[].at`). */
export function shapeOf(doc: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (doc === null || typeof doc !== 'object' || doc instanceof Date) return out;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (k === '_id' && prefix === '') continue;
    const p = prefix ? `${prefix}.${k}` : k;
    out.set(p, typeOf(v));
    if (Array.isArray(v)) {
      if (v.length) shapeOf(v[0], `${p}[]`, out);
    } else shapeOf(v, p, out);
  }
  return out;
}

/** Paths of empty arrays: what their elements hold is unknown, so it is not compared. */
const emptyArrays = (s: Map<string, string>): string[] =>
  [...s].filter(([p, t]) => t === 'array' && ![...s.keys()].some((k) => k.startsWith(`${p}[]`))).map(([p]) => p);

/**
 * The differences between a seeded document and one a service wrote: fields it writes that the
 * seed lacks, fields the seed has that it does not write, and fields of another type (null
 * matches any type).
 */
export function compareShapes(seeded: unknown, written: unknown): string[] {
  const a = shapeOf(seeded);
  const b = shapeOf(written);
  const skip = [...emptyArrays(a), ...emptyArrays(b)];
  const skipped = (p: string) => skip.some((q) => p.startsWith(`${q}[]`));
  const out: string[] = [];
  for (const [p, t] of b) {
    if (skipped(p)) continue;
    if (!a.has(p)) out.push(`${p} written (${t}) but not seeded`);
    // null against a value is one field with another value (a saga parked once keeps parkedSince)
    else if (a.get(p) !== t && a.get(p) !== 'null' && t !== 'null') out.push(`${p} seeded as ${a.get(p)}, written as ${t}`);
  }
  for (const [p, t] of a) if (!b.has(p) && !skipped(p)) out.push(`${p} seeded (${t}) but not written`);
  return out;
}

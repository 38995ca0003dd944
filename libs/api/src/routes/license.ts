import { z } from 'zod';
import { CalendarDate, DefaultLicense, LicenseStatus, LicenseV1, PackageId, PackageVersionId, SubscriberOrgId, UserId } from '@lma/contracts';
import { PageQuery, pageOf } from '../pagination';
import { Permission } from '../permissions';
import { defineRoute, type ApiRoute } from '../route';

/** `lic_<packageId>_<subscriberOrgId>`: one license per package and subscriber org. */
export const LicenseId = z.string().regex(/^lic_033[A-Za-z0-9]{15}_00D[A-Za-z0-9]{12}$/, 'must be a license id (lic_<packageId>_<subscriberOrgId>)');
const Reason = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
const BoolString = z.enum(['true', 'false']).transform((v) => v === 'true');
const Iso = z.string().datetime();
const Tags = ['Licenses'];
const PackageTags = ['Packages'];

/** The license as the contract publishes it (lma.license.events), without who and why of the last change. */
export const LicenseView = LicenseV1.omit({ changedBy: true, reason: true });

const LicensePath = z.object({ licenseId: LicenseId });

export const listLicenses = defineRoute({
  operationId: 'listLicenses',
  method: 'get',
  path: '/licenses',
  service: 'license',
  permission: Permission.LicensesRead,
  summary: 'List licenses',
  description: 'Filters combine (AND). Sorted by `sort` (then by id), `order` asc or desc; cursor pagination.',
  tags: Tags,
  query: z.object({
    ...PageQuery,
    packageId: PackageId.optional(),
    packageVersionId: PackageVersionId.optional(),
    status: LicenseStatus.optional(),
    subscriberOrgId: SubscriberOrgId.optional(),
    expiringBefore: CalendarDate.optional().describe('Licenses with an expiration date before this date'),
    leadId: z.string().regex(/^lead_[0-9a-f]{24}$/, 'must be a lead id').optional(),
    accountId: z.string().regex(/^account_[0-9a-f]{24}$/, 'must be an account id').optional(),
    contactId: z.string().regex(/^contact_[0-9a-f]{24}$/, 'must be a contact id').optional(),
    sandbox: BoolString.optional(),
    sort: z.enum(['licenseName', 'expiresOn', 'installDate', 'updatedAt']).default('licenseName'),
    order: z.enum(['asc', 'desc']).default('asc'),
  }),
  responses: { 200: { description: 'A page of licenses', schema: pageOf(LicenseView) } },
});

export const getLicense = defineRoute({
  operationId: 'getLicense',
  method: 'get',
  path: '/licenses/{licenseId}',
  service: 'license',
  permission: Permission.LicensesRead,
  summary: 'Read a license',
  description: 'The ETag is the license revision (`"<revision>"`): send it as `If-Match` to make a change conditional.',
  tags: Tags,
  params: LicensePath,
  problems: ['not-found'],
  etag: true,
  responses: { 200: { description: 'The license', schema: LicenseView } },
});

export const modifyLicense = defineRoute({
  operationId: 'modifyLicense',
  method: 'patch',
  path: '/licenses/{licenseId}',
  service: 'license',
  permission: Permission.LicensesEdit,
  summary: 'Modify License: expiration, seats, status (needs licenses:read and licenses:edit)',
  description:
    'The only way to change a license by hand. A Trial must expire within 90 days; a license that has been Active never goes back to Trial (422). ' +
    'Uninstalled licenses and licenses of a locked org cannot be modified (409). Seats may go below the seats in use. ' +
    'Optional optimistic concurrency: `If-Match` with the ETag of the license (`"<revision>"`) makes the change conditional (412 when the license has moved on); ' +
    '`revision` in the body does the same with a 409. ' +
    'Each accepted change publishes one lma.license.modified or lma.license.status-changed event; a change to the same values publishes nothing.',
  tags: Tags,
  params: LicensePath,
  problems: ['not-found', 'license-not-modifiable', 'revision-conflict', 'license-rule-violated'],
  etag: true,
  ifMatch: true,
  body: z.object({
    reason: Reason,
    expiresOn: CalendarDate.nullable().optional().describe('null: does not expire'),
    seats: z.number().int().min(1).max(99_000_000).nullable().optional().describe('null: site license'),
    status: z.enum(['Trial', 'Active', 'Suspended']).optional(),
    revision: z.number().int().min(1).optional().describe('The revision the change is based on (409 when the license has moved on)'),
  }),
  responses: { 200: { description: 'The license after the change', schema: LicenseView } },
});

export const AuditEntryView = z.object({
  entryId: z.string(),
  revision: z.number().int(),
  at: Iso,
  eventType: z.string(),
  changedBy: z.string(),
  reason: z.string(),
  before: z.record(z.unknown()),
  after: z.record(z.unknown()),
});

export const listLicenseAudit = defineRoute({
  operationId: 'listLicenseAudit',
  method: 'get',
  path: '/licenses/{licenseId}/audit',
  service: 'license',
  permission: Permission.LicensesRead,
  summary: 'Changes of a license: who, when, why, values before and after (newest first)',
  tags: Tags,
  params: LicensePath,
  problems: ['not-found'],
  query: z.object({ ...PageQuery }),
  responses: { 200: { description: 'A page of audit entries', schema: pageOf(AuditEntryView) } },
});

// --- seats ---

export const SeatView = z.object({ userId: z.string(), assignedAt: Iso });
const SeatPath = z.object({ licenseId: LicenseId, userId: UserId });
const SeatBody = z.object({ reason: Reason.optional() }).optional();
export const SeatChangeView = z.object({ userId: z.string(), assigned: z.boolean(), changed: z.boolean(), license: LicenseView });

export const listSeats = defineRoute({
  operationId: 'listSeats',
  method: 'get',
  path: '/licenses/{licenseId}/seats',
  service: 'license',
  permission: Permission.LicensesRead,
  summary: 'Users holding a seat of a license (by user id)',
  tags: Tags,
  params: LicensePath,
  problems: ['not-found'],
  query: z.object({ ...PageQuery }),
  responses: { 200: { description: 'A page of seat holders', schema: pageOf(SeatView) } },
});

export const assignSeat = defineRoute({
  operationId: 'assignSeat',
  method: 'put',
  path: '/licenses/{licenseId}/seats/{userId}',
  service: 'license',
  permission: Permission.LicensesEdit,
  summary: 'Give a user a seat (needs licenses:read and licenses:edit)',
  description: '409 when every seat is taken (unless site license), the license is uninstalled or its org locked. Assigning again changes nothing.',
  tags: Tags,
  params: SeatPath,
  problems: ['not-found', 'license-not-modifiable', 'no-seat-available'],
  body: SeatBody,
  responses: { 200: { description: 'The seat and the license', schema: SeatChangeView } },
});

export const revokeSeat = defineRoute({
  operationId: 'revokeSeat',
  method: 'delete',
  path: '/licenses/{licenseId}/seats/{userId}',
  service: 'license',
  permission: Permission.LicensesEdit,
  summary: "Take a user's seat back (needs licenses:read and licenses:edit); revoking again changes nothing",
  tags: Tags,
  params: SeatPath,
  problems: ['not-found', 'license-not-modifiable'],
  body: SeatBody,
  responses: { 200: { description: 'The seat and the license', schema: SeatChangeView } },
});

// --- license checks ---

export const CHECK_BATCH_MAX = 100;
const CheckInput = z.object({ packageId: PackageId, subscriberOrgId: SubscriberOrgId, userId: UserId });
export const CheckAnswerView = z.object({
  licensed: z.boolean(),
  reason: z.enum(['not-installed', 'uninstalled', 'org-locked', 'suspended', 'expired', 'no-seat']).nullable(),
  licenseId: z.string().nullable(),
  status: LicenseStatus.nullable(),
  expiresOn: z.string().nullable(),
  siteLicense: z.boolean().nullable(),
  revision: z.number().int().nullable(),
});

export const CheckResultsView = z.object({ results: z.array(CheckAnswerView) });

export const checkLicense = defineRoute({
  operationId: 'checkLicense',
  method: 'get',
  path: '/license-checks',
  service: 'license',
  permission: Permission.LicensesRead,
  summary: 'Is this user of this org licensed for this package? (hot path, from memory)',
  description: 'reason: null when licensed; otherwise the first of not-installed, uninstalled, org-locked, suspended, expired, no-seat. A site license licenses every user of the org.',
  tags: Tags,
  query: CheckInput,
  responses: { 200: { description: 'The answer', schema: CheckAnswerView } },
  rateLimit: 'check',
});

export const checkLicenses = defineRoute({
  operationId: 'checkLicenses',
  method: 'post',
  path: '/license-checks',
  service: 'license',
  permission: Permission.LicensesRead,
  summary: `Many license checks in one request (at most ${CHECK_BATCH_MAX})`,
  tags: Tags,
  body: z.object({ checks: z.array(CheckInput).min(1).max(CHECK_BATCH_MAX) }),
  responses: { 200: { description: 'One answer per check, in order', schema: CheckResultsView } },
  rateLimit: 'check',
});

// --- publishing licenses again ---

export const RepublishRequestId = z.string().regex(/^rep_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a republish request id (rep_<uuid>)');
export const RepublishRequestView = z.object({
  requestId: RepublishRequestId,
  packageId: z.string().nullable().describe('null: every package'),
  requestedBy: z.string(),
  requestedAt: Iso,
  state: z.enum(['requested', 'running', 'done']),
  republished: z.number().int().describe('Licenses published again so far'),
  finishedAt: Iso.nullable(),
});

export const requestLicenseRepublish = defineRoute({
  operationId: 'requestLicenseRepublish',
  method: 'post',
  path: '/license-republish-requests',
  service: 'license',
  permission: Permission.Admin,
  summary: 'Publish the current state of every license of a package (or of every package) on lma.license.events again',
  description:
    'For consumers that lost their copy of the licenses. Each license is published as its last event (its type, its current revision) with `reason: republish`, ' +
    '`changedBy` the caller and a ce_id of its own (`<licenseId>:<revision>:republish:<requestId>`): a consumer that has that revision drops it, one that lacks it takes it. ' +
    'The work is done in the background: the answer (202) is the request, to follow with GET. `packageId: null` asks for every package; an unknown package is 404.',
  tags: Tags,
  body: z.object({ packageId: PackageId.nullable().describe('The package whose licenses to publish again; null: every package') }),
  problems: ['not-found'],
  responses: { 202: { description: 'The request, accepted', schema: RepublishRequestView } },
});

export const getLicenseRepublishRequest = defineRoute({
  operationId: 'getLicenseRepublishRequest',
  method: 'get',
  path: '/license-republish-requests/{requestId}',
  service: 'license',
  permission: Permission.Admin,
  summary: 'How far a republish request is',
  tags: Tags,
  params: z.object({ requestId: RepublishRequestId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The request', schema: RepublishRequestView } },
});

// --- packages and versions ---

export const PackageView = z.object({
  packageId: z.string(),
  packageName: z.string(),
  developerName: z.string(),
  developerOrgId: z.string(),
  registeredAt: z.string(),
  defaultLicense: DefaultLicense,
  sandboxSiteLicense: z.boolean(),
  leadManagerId: z.string().nullable(),
  ownerId: z.string().nullable(),
  latestVersionId: z.string().nullable(),
  latestVersionNumber: z.string().nullable(),
  latestReleasedAt: z.string().nullable(),
  revision: z.number().int().describe('Grows with every change of the package as shown here (its ETag is `"<revision>"`)'),
});
export const PackageVersionView = z.object({
  packageVersionId: z.string(),
  packageId: z.string(),
  versionName: z.string(),
  versionNumber: z.string(),
  beta: z.boolean(),
  releasedAt: z.string(),
});
const PackagePath = z.object({ packageId: PackageId });

export const listPackages = defineRoute({
  operationId: 'listPackages',
  method: 'get',
  path: '/packages',
  service: 'license',
  permission: Permission.PackagesRead,
  summary: 'List packages (by name)',
  tags: PackageTags,
  query: z.object({ ...PageQuery }),
  responses: { 200: { description: 'A page of packages', schema: pageOf(PackageView) } },
});

export const getPackage = defineRoute({
  operationId: 'getPackage',
  method: 'get',
  path: '/packages/{packageId}',
  service: 'license',
  permission: Permission.PackagesRead,
  summary: 'Read a package',
  tags: PackageTags,
  params: PackagePath,
  problems: ['not-found'],
  etag: true,
  responses: { 200: { description: 'The package', schema: PackageView } },
});

export const updatePackage = defineRoute({
  operationId: 'updatePackage',
  method: 'patch',
  path: '/packages/{packageId}',
  service: 'license',
  permission: Permission.PackagesEdit,
  summary: "Change a package's default license values (every other field is the marketplace's, read-only)",
  description:
    'New licenses get these defaults; existing licenses do not change. Audited. `If-Match` with the ETag of the package makes the change conditional (412 when the package has changed).',
  tags: PackageTags,
  params: PackagePath,
  problems: ['not-found'],
  etag: true,
  ifMatch: true,
  body: z.object({
    reason: Reason,
    defaultLicense: DefaultLicense.partial().optional(),
    sandboxSiteLicense: z.boolean().optional().describe('Sandbox installs get a site license'),
  }),
  responses: { 200: { description: 'The package after the change', schema: PackageView } },
});

export const listPackageVersions = defineRoute({
  operationId: 'listPackageVersions',
  method: 'get',
  path: '/packages/{packageId}/versions',
  service: 'license',
  permission: Permission.PackagesRead,
  summary: 'Versions of a package, newest release first (read-only)',
  tags: PackageTags,
  params: PackagePath,
  query: z.object({ ...PageQuery }),
  responses: { 200: { description: 'A page of versions', schema: pageOf(PackageVersionView) } },
});

export const getPackageVersion = defineRoute({
  operationId: 'getPackageVersion',
  method: 'get',
  path: '/package-versions/{packageVersionId}',
  service: 'license',
  permission: Permission.PackagesRead,
  summary: 'Read a package version (read-only)',
  tags: PackageTags,
  params: z.object({ packageVersionId: PackageVersionId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The version', schema: PackageVersionView } },
});

/** Public operations served by the license service (see route.ts). */
export const licenseRoutes: ApiRoute[] = [
  listLicenses,
  getLicense,
  modifyLicense,
  listLicenseAudit,
  listSeats,
  assignSeat,
  revokeSeat,
  checkLicense,
  checkLicenses,
  listPackages,
  getPackage,
  updatePackage,
  listPackageVersions,
  getPackageVersion,
  requestLicenseRepublish,
  getLicenseRepublishRequest,
];

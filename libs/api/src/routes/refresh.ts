import { z } from 'zod';
import { DriftField, PackageId } from '@lma/contracts';
import { PageQuery, pageOf } from '../pagination';
import { Permission } from '../permissions';
import { defineRoute, type ApiRoute } from '../route';

export const RefreshJobId = z.string().regex(/^rj_033[A-Za-z0-9]{15}_\d{1,9}$/, 'must be a refresh job id (rj_<packageId>_<n>)');

export const RefreshJobState = z.enum(['requested', 'running', 'finalizing', 'completed', 'incomplete']);
export const RefreshKind = z.enum(['weekly', 'grant', 'retry']);

export const RefreshSummary = z.object({
  created: z.number().int().describe('Installations without a license: onboarding sagas started (the saga creates lead and license)'),
  corrected: z.number().int().describe('Licenses corrected (one license event each, reason refresh)'),
  correctedByField: z.record(DriftField, z.number().int()).describe('Corrected licenses per drifted field (a license may count under several)'),
  unchanged: z.number().int(),
  onboardingUnderway: z.number().int().describe('Installations without a license whose onboarding was already under way'),
  missingUpstream: z.number().int().describe('Licenses of the package the marketplace no longer lists (reported, not deleted)'),
  failed: z.number().int(),
});

export const RefreshJobView = z.object({
  jobId: z.string(),
  packageId: z.string(),
  kind: RefreshKind.describe('weekly: the package allowance; grant: an administrator grant; retry: of an incomplete job'),
  grantId: z.string().nullable(),
  retryOf: z.string().nullable(),
  retriedBy: z.string().nullable(),
  requestedBy: z.string(),
  acceptedAt: z.string().datetime(),
  state: RefreshJobState,
  finishedAt: z.string().datetime().nullable(),
  progress: z.object({
    pagesReceived: z.number().int(),
    pagesDone: z.number().int(),
    lastPage: z.number().int().nullable().describe('Number of pages, once the last one arrived'),
    installations: z.number().int().describe('Installations received so far'),
  }),
  summary: RefreshSummary,
  missingUpstreamLicenses: z.array(z.object({ licenseId: z.string(), licenseName: z.string().nullable(), subscriberOrgId: z.string() })),
  failures: z.array(z.object({ subscriberOrgId: z.string(), reason: z.string() })),
  incomplete: z.object({ reason: z.string(), missingPages: z.array(z.number().int()) }).nullable(),
});

export const RefreshStatusView = z.object({
  packageId: z.string(),
  lastRefresh: RefreshJobView.nullable(),
  availableNow: z.boolean(),
  nextAvailableAt: z.string().datetime().describe('When the weekly allowance is next available (now or later)'),
  grantsAvailable: z.number().int().describe('Unused administrator grants'),
});

export const RefreshGrantView = z.object({
  grantId: z.string(),
  packageId: z.string(),
  grantedBy: z.string(),
  grantedAt: z.string().datetime(),
  reason: z.string(),
  usedByJobId: z.string().nullable(),
  usedAt: z.string().datetime().nullable(),
});

const PackageParams = z.object({ packageId: PackageId });
const JobParams = z.object({ jobId: RefreshJobId });

export const requestRefresh = defineRoute({
  operationId: 'requestRefresh',
  method: 'post',
  path: '/packages/{packageId}/refresh',
  service: 'refresh',
  permission: Permission.PackagesEdit,
  summary: "Reconcile a package's licenses with the marketplace",
  description:
    'At most once per 7 days per package (plus administrator grants): 429 with Retry-After (seconds) and nextAvailableAt otherwise. ' +
    'Asks the marketplace for every installation of the package, creates missing licenses through the onboarding saga and corrects drifted ones.',
  tags: ['Refresh'],
  params: PackageParams,
  problems: ['refresh-allowance-used'],
  responses: { 202: { description: 'Accepted: the job', schema: RefreshJobView } },
});

export const getRefreshStatus = defineRoute({
  operationId: 'getRefreshStatus',
  method: 'get',
  path: '/packages/{packageId}/refresh',
  service: 'refresh',
  permission: Permission.PackagesRead,
  summary: "A package's last refresh and when the next one is available",
  tags: ['Refresh'],
  params: PackageParams,
  responses: { 200: { description: 'The refresh status', schema: RefreshStatusView } },
});

export const listRefreshJobs = defineRoute({
  operationId: 'listRefreshJobs',
  method: 'get',
  path: '/packages/{packageId}/refresh-jobs',
  service: 'refresh',
  permission: Permission.PackagesRead,
  summary: "A package's refresh jobs, newest first",
  tags: ['Refresh'],
  params: PackageParams,
  query: z.object(PageQuery),
  responses: { 200: { description: 'The jobs', schema: pageOf(RefreshJobView) } },
});

export const getRefreshJob = defineRoute({
  operationId: 'getRefreshJob',
  method: 'get',
  path: '/refresh-jobs/{jobId}',
  service: 'refresh',
  permission: Permission.PackagesRead,
  summary: 'One refresh job: progress while it runs, summary after',
  tags: ['Refresh'],
  params: JobParams,
  problems: ['not-found'],
  responses: { 200: { description: 'The job', schema: RefreshJobView } },
});

export const retryRefreshJob = defineRoute({
  operationId: 'retryRefreshJob',
  method: 'post',
  path: '/refresh-jobs/{jobId}/retry',
  service: 'refresh',
  permission: Permission.PackagesEdit,
  summary: 'Run an incomplete refresh again, without using the allowance',
  description: 'Only an incomplete job, and only once (409 otherwise). The new job asks the marketplace again; corrections already made are not repeated.',
  tags: ['Refresh'],
  params: JobParams,
  problems: ['not-found', 'refresh-not-retryable'],
  responses: { 202: { description: 'Accepted: the new job', schema: RefreshJobView } },
});

export const grantRefresh = defineRoute({
  operationId: 'grantRefresh',
  method: 'post',
  path: '/packages/{packageId}/refresh-grants',
  service: 'refresh',
  permission: Permission.Admin,
  summary: 'Grant one extra refresh to a package (administrators)',
  description: 'Used by the next refresh request refused by the weekly allowance. Audited: who, when and why.',
  tags: ['Refresh'],
  params: PackageParams,
  body: z.object({ reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(500) }),
  responses: { 201: { description: 'The grant', schema: RefreshGrantView } },
});

export const listRefreshGrants = defineRoute({
  operationId: 'listRefreshGrants',
  method: 'get',
  path: '/packages/{packageId}/refresh-grants',
  service: 'refresh',
  permission: Permission.Admin,
  summary: "A package's refresh grants (the audit), newest first",
  tags: ['Refresh'],
  params: PackageParams,
  query: z.object(PageQuery),
  responses: { 200: { description: 'The grants', schema: pageOf(RefreshGrantView) } },
});

/** Public operations served by the refresh service (see route.ts). */
export const refreshRoutes: ApiRoute[] = [
  requestRefresh,
  getRefreshStatus,
  listRefreshJobs,
  getRefreshJob,
  retryRefreshJob,
  grantRefresh,
  listRefreshGrants,
];

import type { DeclaredQuery } from '@lma/store';

/**
 * Every query of the license service other than by `_id` (libs/store/src/queries.ts): pages of the
 * API a person asked for, one pass over a package's licenses per refresh job, and one pass per
 * republish an administrator asked for. Every other
 * read (a license, a seat record, a package, pending changes, the org's and lead's licenses, a
 * license check) is by `_id`; the key documents that make that possible are listed in
 * infra/aggregates.ts.
 */
export const licenseQueries: readonly DeclaredQuery[] = [
  // GET /licenses: a page of at most 200, by one of the sort indexes (models.ts); the broad
  // filters have an index per sort, the selective ones a single-field index
  ...(['licenseName', 'expiresOn', 'installDate', 'updatedAt'] as const).flatMap((sort) => [
    listLicenses({ [sort]: 1, _id: 1 }),
    ...(['packageId', 'status', 'sandbox'] as const).map((f) => listLicenses({ [f]: 1, [sort]: 1, _id: 1 })),
  ]),
  ...(['subscriberOrgId', 'leadId', 'accountId', 'contactId', 'packageVersionId'] as const).map((f) => listLicenses({ [f]: 1 })),
  {
    collection: 'licenses',
    fields: ['packageId'],
    index: { packageId: 1, licenseName: 1, _id: 1 },
    bound:
      "a refresh job's one pass over its package's licenses (the job's digest, or its report of unseen licenses when this process lacks the digest): at most one job per package per week (the refresh allowance), streamed in batches",
  },
  {
    collection: 'licenses',
    fields: ['packageId'],
    index: { packageId: 1, licenseName: 1, _id: 1 },
    bound: "an administrator's republish of a package's licenses (POST /license-republish-requests): one pass per request, streamed in batches",
  },
  {
    collection: 'licenses',
    fields: [],
    index: { _id: 1 },
    bound: "an administrator's republish of every license (POST /license-republish-requests without a package): one pass per request, streamed in batches",
  },
  {
    collection: 'license_audit',
    fields: ['licenseId', 'revision', '$and'],
    index: { licenseId: 1, revision: -1 },
    bound: "GET /licenses/{id}/audit: a page of at most 200 of one license's audit entries",
  },
  {
    collection: 'seat_assignments',
    fields: ['licenseId', 'epoch', 'assigned', '$and'],
    index: { licenseId: 1, epoch: 1, assigned: 1, _id: 1 },
    bound: "GET /licenses/{id}/seats: a page of at most 200 of one license's seat holders",
  },
  {
    collection: 'packages',
    fields: [],
    index: { packageName: 1, _id: 1 },
    bound: 'GET /packages, first page: at most 200 packages in name order (the index), of a vendor with a few dozen',
  },
  {
    collection: 'packages',
    fields: ['$or'],
    index: { packageName: 1, _id: 1 },
    bound: 'GET /packages, next pages: at most 200 packages after the cursor in name order',
  },
  {
    collection: 'package_versions',
    fields: ['packageId', '$and'],
    index: { packageId: 1, releasedAt: -1, _id: -1 },
    bound: "GET /packages/{id}/versions: a page of at most 200 of one package's versions",
  },
  {
    collection: 'refresh_reconciled_pages',
    fields: ['jobId'],
    index: { jobId: 1 },
    bound: "the pages of refresh jobs in flight (a job's are removed once its unseen licenses are reported): read and removed once per job",
  },
];

function listLicenses(index: Record<string, 1 | -1>): DeclaredQuery {
  return {
    collection: 'licenses',
    fields: ['licenseName', 'deletedAt', 'packageId', 'packageVersionId', 'status', 'subscriberOrgId', 'leadId', 'accountId', 'contactId', 'sandbox', 'expiresOn', '$and'],
    index,
    bound: 'GET /licenses: a page of at most 200 a person asked for, in the order of a sort index (the filters narrow it further)',
  };
}

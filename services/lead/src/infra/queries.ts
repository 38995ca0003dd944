import type { DeclaredQuery } from '@lma/store';

/**
 * Every query of the lead service other than by `_id` (libs/store/src/queries.ts): the list pages
 * of its API, nothing else. The duplicate rules, the team directory's emails and the licenses of a
 * lead, account or contact are read through key documents by `_id` (infra/keys.ts).
 *
 * A list page is a keyset page (libs/api pagination): the first page filters on the route's
 * fields (or on nothing), later ones add the cursor as `$and`/`$or` on the sort field and `_id`.
 * It reads at most `limit` (≤ 200) documents in the order of an index that starts with the
 * filtered field, because a person asked for that page; nothing on a per-install path lists.
 */
const PAGE = 'one page (limit ≤ 200) of a list a person asked for, read in the order of this index';
const byCreation = (collection: string, fields: readonly string[]): DeclaredQuery[] => [
  { collection, fields: [], index: { createdAt: 1, _id: 1 }, bound: `${PAGE} (unfiltered, first page)` },
  { collection, fields: ['$or'], index: { createdAt: 1, _id: 1 }, bound: `${PAGE} (unfiltered, after a cursor)` },
  ...fields.map((f) => ({ collection, fields: [f, '$and'], index: { [f]: 1, createdAt: 1, _id: 1 } as const, bound: `${PAGE} (filtered by ${f})` })),
];

export const LEAD_QUERIES: readonly DeclaredQuery[] = [
  ...byCreation('leads', ['leadSource', 'status', 'ownerId', 'packageId', 'subscriberOrgId']),
  {
    collection: 'leads',
    fields: ['leadSource', 'status', 'ownerId', 'packageId', 'subscriberOrgId', '$and'],
    index: { status: 1, createdAt: 1, _id: 1 },
    bound: `${PAGE} (filters combined: one field's index, the others matched within it)`,
  },
  ...byCreation('contacts', ['email', 'accountId', 'ownerId']),
  {
    collection: 'contacts',
    fields: ['email', 'accountId', 'ownerId', '$and'],
    index: { accountId: 1, createdAt: 1, _id: 1 },
    bound: `${PAGE} (filters combined: one field's index, the others matched within it)`,
  },
  ...byCreation('accounts', ['ownerId', 'name']),
  {
    collection: 'accounts',
    fields: ['ownerId', 'name', '$and'],
    index: { name: 1, createdAt: 1, _id: 1 },
    bound: `${PAGE} (filters combined: one field's index, the others matched within it)`,
  },
  { collection: 'team_members', fields: [], index: { _id: 1 }, bound: `${PAGE}; the partner's team, people rather than installs (unfiltered, first page)` },
  { collection: 'team_members', fields: ['_id'], index: { _id: 1 }, bound: `${PAGE}; the partner's team (unfiltered, after a cursor)` },
  { collection: 'team_members', fields: ['active', '$and'], index: { active: 1, _id: 1 }, bound: `${PAGE}; the partner's team (by activity)` },
  { collection: 'team_members', fields: ['roles', 'active', '$and'], index: { roles: 1, _id: 1 }, bound: `${PAGE}; the partner's team (by role, and activity)` },
  {
    collection: 'audit_entries',
    fields: ['resourceType', 'resourceId', '$and'],
    index: { resourceType: 1, resourceId: 1, at: 1, _id: 1 },
    bound: `${PAGE}: the changes of one resource, in time order`,
  },
];

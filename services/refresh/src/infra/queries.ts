import type { DeclaredQuery } from '@lma/store';

/**
 * Every query of the refresh service other than by `_id` (libs/store/src/queries.ts). Jobs,
 * pages and a package's record (its jobs as numbered, its grants) are read by `_id`; lists of a
 * package's jobs are read by their numbers.
 */
export const refreshQueries: readonly DeclaredQuery[] = [
  {
    collection: 'refresh_jobs_in_flight',
    fields: ['since'],
    index: { since: 1 },
    bound: 'the jobs in flight (removed when a job ends): at most a few per package, one accepted per week plus grants and retries',
  },
];

import type { DeclaredQuery } from '@lma/store';

/**
 * Every query of install-intake other than by `_id` (libs/store/src/queries.ts). Everything else
 * (sagas, inbound events, installation keys, handled commands, counts) is read by `_id` only.
 */
export const installIntakeQueries: readonly DeclaredQuery[] = [
  {
    collection: 'saga_timers',
    fields: ['dueAt'],
    index: { dueAt: 1 },
    bound: 'one timer per saga that has not ended (deleted when it completes or fails): the sweeper reads the due ones, at most 500 a sweep',
  },
  {
    collection: 'saga_timers',
    fields: ['state', 'packageId', 'parkedReason'],
    index: { state: 1, packageId: 1, parkedReason: 1 },
    bound: 'the same timers of sagas not ended: parked sagas of a package or reason (resume triggers), and counts of pending sagas by state for /metrics, once a sweep',
  },
  {
    collection: 'onboarding_attention',
    fields: [],
    index: { since: -1, _id: -1 },
    bound: 'a page (at most 200) of the onboardings parked (pending work) or failed within the attention window (ONBOARDING_ATTENTION_DAYS, pruned), newest first',
  },
  {
    collection: 'onboarding_attention',
    fields: ['$or'],
    index: { since: -1, _id: -1 },
    bound: 'the same page after a cursor',
  },
  {
    collection: 'onboarding_attention',
    fields: ['state', 'since', '$and'],
    index: { state: 1, since: -1, _id: -1 },
    bound: 'a page of the parked or of the failed ones (after a cursor), and the prune of failed ones older than the window, once a minute',
  },
];

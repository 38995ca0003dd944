import type { DeclaredQuery } from '@lma/store';

/**
 * Every query of the notification service other than by `_id` (libs/store/src/queries.ts), with
 * the index that serves it on MongoDB and why what it reads stays bounded. The expiry scan reads
 * the calendar by `_id`, the deliverer the pending deliveries, the alerts their rules.
 */
export const notificationQueries: readonly DeclaredQuery[] = [
  {
    collection: 'rules',
    fields: ['kind', 'enabled'],
    index: { kind: 1, enabled: 1 },
    bound: "configuration: the rules the partner's team wrote (tens, not growing with installs); read per license, lead or onboarding event and per scan",
  },
  {
    collection: 'rules',
    fields: ['kind', 'packageId', 'deletedAt', '_id'],
    index: { packageId: 1, _id: 1 },
    bound: 'a page (at most 200) of the rules a person asked for; rules are configuration',
  },
  {
    collection: 'team_members',
    fields: ['roles', 'active'],
    index: { roles: 1, active: 1 },
    bound: "the team directory: bounded by the partner's team size; read when an alert names roles",
  },
  {
    collection: 'parked_onboardings',
    fields: ['parkedSince'],
    index: { parkedSince: 1 },
    bound: 'onboardings parked now (removed when they go on or fail): pending work; at most 1000 read per scan',
  },
  {
    collection: 'pending_deliveries',
    fields: ['nextAttemptAt'],
    index: { nextAttemptAt: 1 },
    bound: 'notifications awaiting delivery (removed once sent or given up): pending work; 20 read at a time',
  },
  {
    collection: 'notifications',
    fields: ['licenseId', 'packageId', 'ruleId', 'status', 'sortKey', '$or'],
    // the filtered pages use { licenseId | packageId | ruleId | status: 1, sortKey: -1, _id: -1 }
    index: { sortKey: -1, _id: -1 },
    bound: 'a page (at most 200) of the history a person asked for, newest first (never periodic)',
  },
  {
    collection: 'licenses',
    fields: ['expiresOn'],
    index: { expiresOn: 1 },
    bound: 'once per database: the first scan after the expiry calendar was introduced files the licenses kept before it',
  },
  {
    collection: 'notifications',
    fields: ['status'],
    index: { status: 1, sortKey: -1, _id: -1 },
    bound: 'once per database: the first scan after the pending deliveries were introduced files the notifications awaiting delivery then',
  },
];

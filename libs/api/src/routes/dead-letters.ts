import { z } from 'zod';
import { PageQuery, pageOf } from '../pagination';
import { Permission } from '../permissions';
import { defineRoute, type ApiRoute } from '../route';

/** Services whose consumer groups dead-letter records, each with its own ledger (`dead_letters` of its database). */
export const DEAD_LETTER_SERVICES = ['install-intake', 'lead', 'license', 'notification', 'refresh'] as const;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

/** A record a consumer group could not use and sent to its topic's `.dlq`, as its service's ledger keeps it. */
export const DeadLetterView = z.object({
  id: z.string().describe('`<consumer group>|<topic>|<partition>|<offset>`: one record of one group'),
  service: z.enum(DEAD_LETTER_SERVICES),
  consumerGroup: z.string(),
  topic: z.string().describe('The topic it was read from (its dead letter is on `<topic>.dlq`)'),
  partition: z.number().int(),
  offset: z.string(),
  eventId: z.string().nullable().describe('Its `ce_id` header, when it had one'),
  type: z.string().nullable().describe('Its `ce_type` header, when it had one'),
  reason: z.string().describe('Why it was dead-lettered (`lma_dlq_reason`)'),
  field: z.string().nullable().describe('The field at fault, when one is (`lma_dlq_field`)'),
  at: z.string().datetime().describe('When it was dead-lettered'),
});

const DeadLetterQuery = z.object({
  since: z
    .string()
    .datetime({ offset: true, message: 'must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z' })
    .optional()
    .describe('Dead letters at or after this time; 24 hours ago by default. The ledgers keep `DEAD_LETTER_RETENTION_DAYS` (7 by default).'),
  ...PageQuery,
});

export const DeadLetterPage = pageOf(DeadLetterView).extend({
  unavailable: z.array(z.enum(DEAD_LETTER_SERVICES)).describe('Services that did not answer: their dead letters are missing from this page'),
});

export const listDeadLetters = defineRoute({
  operationId: 'listDeadLetters',
  method: 'get',
  path: '/dead-letters',
  service: 'gateway',
  permission: Permission.Admin,
  summary: 'Records dead-lettered by any service since a time, newest first',
  description:
    "The gateway asks every service's ledger for the same page (each reads only its ledger, which holds the last `DEAD_LETTER_RETENTION_DAYS`) and merges them. " +
    'A service that does not answer is named in `unavailable` instead of failing the list. Admins only: reasons can quote the record.',
  tags: ['Operations'],
  query: DeadLetterQuery,
  responses: { 200: { description: 'A page of dead letters', schema: DeadLetterPage } },
});

/**
 * The same page of one service's ledger, called by the gateway on each service (`/v1/internal/dead-letters`,
 * not routed from outside: it is in no public route list).
 */
export const listServiceDeadLetters = defineRoute({
  operationId: 'listServiceDeadLetters',
  method: 'get',
  path: '/internal/dead-letters',
  service: 'gateway',
  permission: Permission.Admin,
  summary: "One service's dead letters since a time, newest first",
  tags: ['Operations'],
  query: z.object({ since: z.string().datetime({ offset: true }), ...PageQuery }),
  responses: { 200: { description: 'A page of dead letters', schema: pageOf(DeadLetterView) } },
});

/** Public operations on dead letters (answered by the gateway). */
export const deadLetterRoutes: ApiRoute[] = [listDeadLetters];

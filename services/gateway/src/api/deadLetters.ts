import { DEAD_LETTER_SERVICES, decodeCursor, encodeCursor, type DeadLetterService, type DeadLetterView } from '@lma/api';
import type { Logger } from '@lma/core';
import type { z } from 'zod';
import type { Caller } from './authenticate';
import type { Proxy } from './proxy';

type DeadLetter = z.infer<typeof DeadLetterView>;
export interface DeadLetterQuery {
  since?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Newest first, then by id (descending): the order every service's page has, so pages merge. */
const newestFirst = (a: DeadLetter, b: DeadLetter): number => (a.at === b.at ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.at < b.at ? 1 : -1);
const DAY_MS = 86_400_000;

/**
 * `GET /dead-letters`: the same keyset page asked of every service's ledger
 * (`/v1/internal/dead-letters`, each bounded by its retention and the page size), merged. Each
 * service's page starts after the same cursor and is ordered alike, so the first `limit` of the
 * merge are the page and the last of them is the next cursor. A service that does not answer is
 * named in `unavailable`.
 */
export function deadLetterList(deps: { proxy: Proxy; logger: Logger; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return async (q: DeadLetterQuery, caller: Caller, requestId: string) => {
    if (q.cursor) decodeCursor(q.cursor); // a bad cursor is the caller's 400, not five services' answers
    const since = q.since ? new Date(q.since).toISOString() : new Date(now() - DAY_MS).toISOString();
    const query = new URLSearchParams({ since, limit: String(q.limit), ...(q.cursor ? { cursor: q.cursor } : {}) });
    const answers = await Promise.all(
      DEAD_LETTER_SERVICES.map(async (service) => {
        try {
          const a = await deps.proxy.forward({ service, method: 'GET', url: `/internal/dead-letters?${query}`, headers: {}, token: caller.forwardToken(service), requestId, body: undefined });
          if (a.status !== 200) throw new Error(`answered ${a.status}: ${a.body.toString('utf8').slice(0, 300)}`);
          return { service, page: JSON.parse(a.body.toString('utf8')) as { items: DeadLetter[]; nextCursor: string | null } };
        } catch (err) {
          deps.logger.warn({ err, service }, 'dead letters of a service not listed');
          return { service, page: null };
        }
      }),
    );
    const merged = answers.flatMap((a) => a.page?.items ?? []).sort(newestFirst);
    const items = merged.slice(0, q.limit);
    const last = items[items.length - 1];
    const more = merged.length > q.limit || answers.some((a) => a.page?.nextCursor);
    return {
      items,
      nextCursor: more && last ? encodeCursor(last.at, last.id) : null,
      unavailable: answers.filter((a) => a.page === null).map((a) => a.service) as DeadLetterService[],
    };
  };
}

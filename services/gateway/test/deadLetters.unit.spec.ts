import { describe, expect, it } from 'vitest';
import { createLogger } from '@lma/core';
import { decodeCursor } from '@lma/api';
import { deadLetterList } from '../src/api/deadLetters';
import type { Caller } from '../src/api/authenticate';
import type { ForwardRequest, Proxy } from '../src/api/proxy';

const caller: Caller = { principal: { subject: 'ada', permissions: new Set(['admin']) }, id: 'user:ada', forwardToken: (s) => `token-for-${s}` };
const letter = (service: string, id: string, at: string) => ({
  id,
  service,
  consumerGroup: `lma.${service}`,
  topic: 'marketplace.events',
  partition: 0,
  offset: id,
  eventId: id,
  type: null,
  reason: 'bad',
  field: null,
  at,
});

/** A proxy whose services answer these pages (absent: cannot be reached), noting what was asked. */
function fakeProxy(pages: Record<string, { items: ReturnType<typeof letter>[]; nextCursor: string | null } | number>) {
  const asked: ForwardRequest[] = [];
  const proxy = {
    async forward(r: ForwardRequest) {
      asked.push(r);
      const page = pages[r.service];
      if (page === undefined) throw new Error('connect ECONNREFUSED');
      if (typeof page === 'number') return { status: page, headers: {}, body: Buffer.from('{"title":"nope"}') };
      return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(page)) };
    },
  } as unknown as Proxy;
  return { proxy, asked };
}

const logger = createLogger('test', 'silent');

describe('GET /dead-letters across services', () => {
  it('asks every service for the same page with its own token, merges newest first, and names those that did not answer', async () => {
    const { proxy, asked } = fakeProxy({
      'install-intake': { items: [letter('install-intake', 'a', '2026-02-01T10:00:03Z'), letter('install-intake', 'b', '2026-02-01T10:00:01Z')], nextCursor: null },
      lead: { items: [letter('lead', 'c', '2026-02-01T10:00:02Z')], nextCursor: null },
      license: { items: [], nextCursor: null },
      notification: 500,
    });
    const list = deadLetterList({ proxy, logger, now: () => Date.parse('2026-02-02T00:00:00Z') });
    const page = await list({ limit: 2 }, caller, 'req-1');
    expect(page.items.map((d) => d.id)).toEqual(['a', 'c']);
    expect(page.unavailable).toEqual(['notification', 'refresh']);
    // the third one is on the next page, after the last one shown
    expect(decodeCursor(page.nextCursor!)).toEqual({ sortValue: '2026-02-01T10:00:02Z', id: 'c' });
    expect(asked.map((r) => [r.service, r.token])).toContainEqual(['lead', 'token-for-lead']);
    expect(asked[0]!.url).toBe(`/internal/dead-letters?since=${encodeURIComponent('2026-02-01T00:00:00.000Z')}&limit=2`);
  });

  it('has no next page when no service has more and the merge fits', async () => {
    const { proxy } = fakeProxy({ 'install-intake': { items: [letter('install-intake', 'a', '2026-02-01T10:00:03Z')], nextCursor: null } });
    const page = await deadLetterList({ proxy, logger })({ limit: 5, since: '2026-02-01T00:00:00Z' }, caller, 'req-2');
    expect(page.nextCursor).toBeNull();
  });

  it('keeps going when one service has more than the merge shows', async () => {
    const { proxy } = fakeProxy({ lead: { items: [letter('lead', 'c', '2026-02-01T10:00:02Z')], nextCursor: 'more' } });
    const page = await deadLetterList({ proxy, logger })({ limit: 5, since: '2026-02-01T00:00:00Z' }, caller, 'req-3');
    expect(page.nextCursor).not.toBeNull();
  });

  it('refuses a cursor it did not make before asking anyone', async () => {
    const { proxy, asked } = fakeProxy({});
    await expect(deadLetterList({ proxy, logger })({ limit: 5, cursor: 'junk' }, caller, 'req-4')).rejects.toMatchObject({ kind: 'validation' });
    expect(asked).toHaveLength(0);
  });
});

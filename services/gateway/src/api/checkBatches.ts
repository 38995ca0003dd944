import { licenseApi } from '@lma/api';
import type { Proxy, Upstream } from './proxy';

export interface CheckQuery {
  packageId: string;
  subscriberOrgId: string;
  userId: string;
}

/** One single check's answer: the license service's answer to it, or what it answered the batch when that was not 200. */
export type CheckReply = { ok: true; answer: unknown } | { ok: false; upstream: Upstream };

interface Waiting {
  query: CheckQuery;
  resolve: (r: CheckReply) => void;
  reject: (err: unknown) => void;
}

export interface CheckBatchOptions {
  proxy: Pick<Proxy, 'forward'>;
  /**
   * The token the batches carry: the gateway's own identity with `licenses:read` (each caller's
   * permission and rate limit are checked before its check joins a batch).
   */
  token: () => string;
  /** Batches in flight to the license service at once; checks arriving meanwhile wait for the next. */
  inFlight: number;
  /** Checks per batch, at most the API's limit. */
  max?: number;
  /** Called with the size of each batch sent (metrics). */
  observe?: (checks: number) => void;
}

/**
 * Single license checks (`GET /license-checks`) coalesced into the license service's batch check
 * (`POST /v1/license-checks`): the checks that arrive while `inFlight` batches are on their way
 * leave together in the next one, so under load one upstream call answers many callers and the
 * license service parses, authenticates and routes once per batch. A check that arrives when a
 * slot is free leaves in the same event-loop turn (no timer, no added wait). Every caller gets
 * exactly the answer its check gets on its own; when the license service does not answer the
 * batch with 200, each caller gets that answer (status, problem), and when it cannot be reached,
 * the same 503 a forwarded call gets.
 */
export function createCheckBatches(opts: CheckBatchOptions) {
  const max = Math.min(opts.max ?? licenseApi.CHECK_BATCH_MAX, licenseApi.CHECK_BATCH_MAX);
  let queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;
  let batches = 0;

  async function send(batch: Waiting[]): Promise<void> {
    batches++;
    opts.observe?.(batch.length);
    try {
      const upstream = await opts.proxy.forward({
        service: 'license',
        method: 'POST',
        url: '/license-checks',
        headers: {},
        token: opts.token(),
        requestId: `checks-${batches}`,
        body: JSON.stringify({ checks: batch.map((w) => w.query) }),
      });
      if (upstream.status !== 200) {
        for (const w of batch) w.resolve({ ok: false, upstream });
        return;
      }
      const { results } = JSON.parse(upstream.body.toString('utf8')) as { results: unknown[] };
      if (!Array.isArray(results) || results.length !== batch.length) throw new Error(`the license service answered ${Array.isArray(results) ? results.length : 'no'} results for ${batch.length} checks`);
      batch.forEach((w, i) => w.resolve({ ok: true, answer: results[i] }));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0 && inFlight < opts.inFlight) {
      const batch = queue.length <= max ? queue : queue.slice(0, max);
      queue = queue.length <= max ? [] : queue.slice(max);
      inFlight++;
      void send(batch).finally(() => {
        inFlight--;
        if (queue.length > 0) schedule();
      });
    }
  }

  function schedule(): void {
    if (scheduled || inFlight >= opts.inFlight) return;
    scheduled = true;
    // the requests parsed in this turn of the event loop join the same batch
    setImmediate(flush);
  }

  return {
    check(query: CheckQuery): Promise<CheckReply> {
      return new Promise<CheckReply>((resolve, reject) => {
        queue.push({ query: { packageId: query.packageId, subscriberOrgId: query.subscriberOrgId, userId: query.userId }, resolve, reject });
        schedule();
      });
    },
  };
}
export type CheckBatches = ReturnType<typeof createCheckBatches>;

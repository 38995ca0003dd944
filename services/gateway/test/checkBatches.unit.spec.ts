import { describe, expect, it } from 'vitest';
import { createCheckBatches, type CheckQuery } from '../src/api/checkBatches';
import type { ForwardRequest, Upstream } from '../src/api/proxy';

/** A license service stand-in that answers each batch when told to, by the user id of each check. */
function upstream(answer: (checks: CheckQuery[]) => Upstream | Error = (checks) => ok(checks.map((c) => ({ licensed: c.userId.endsWith('1'), user: c.userId })))) {
  const calls: { request: ForwardRequest; checks: CheckQuery[]; release: () => void }[] = [];
  const proxy = {
    forward: (request: ForwardRequest) =>
      new Promise<Upstream>((resolve, reject) => {
        const checks = (JSON.parse(request.body!) as { checks: CheckQuery[] }).checks;
        calls.push({
          request,
          checks,
          release: () => {
            const a = answer(checks);
            if (a instanceof Error) reject(a);
            else resolve(a);
          },
        });
      }),
  };
  return { proxy, calls };
}
const ok = (results: unknown) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ results })) });
const q = (userId: string): CheckQuery => ({ packageId: '033000000000001', subscriberOrgId: '00D000000000001', userId });
const turn = () => new Promise((r) => setImmediate(r));
/** A few turns of the event loop: a finished batch's slot freed and the next batch sent. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await turn();
};

describe('single license checks coalesced into batches', () => {
  it('sends the checks of one event-loop turn as one batch with the gateway token, and gives each caller its own answer', async () => {
    const { proxy, calls } = upstream();
    const sizes: number[] = [];
    const batches = createCheckBatches({ proxy, token: () => 'gateway-token', inFlight: 2, observe: (n) => sizes.push(n) });
    const answers = ['u1', 'u2', 'u3'].map((u) => batches.check(q(u)));
    await turn();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.request).toMatchObject({ service: 'license', method: 'POST', url: '/license-checks', token: 'gateway-token' });
    expect(calls[0]!.checks).toEqual([q('u1'), q('u2'), q('u3')]);
    calls[0]!.release();
    expect(await Promise.all(answers)).toEqual([
      { ok: true, answer: { licensed: true, user: 'u1' } },
      { ok: true, answer: { licensed: false, user: 'u2' } },
      { ok: true, answer: { licensed: false, user: 'u3' } },
    ]);
    expect(sizes).toEqual([3]);
  });

  it('while every slot is busy, checks wait and leave together, at most 100 per batch; a free slot sends at once', async () => {
    const { proxy, calls } = upstream();
    const batches = createCheckBatches({ proxy, token: () => 't', inFlight: 1 });
    const first = batches.check(q('a1'));
    await turn();
    expect(calls).toHaveLength(1);
    const waiting = Array.from({ length: 150 }, (_, i) => batches.check(q(`w${i}`)));
    await turn();
    expect(calls).toHaveLength(1); // the only slot is taken
    calls[0]!.release();
    expect(await first).toEqual({ ok: true, answer: { licensed: true, user: 'a1' } });
    await settle();
    expect(calls.map((c) => c.checks.length)).toEqual([1, 100]);
    calls[1]!.release();
    await settle();
    expect(calls.map((c) => c.checks.length)).toEqual([1, 100, 50]);
    calls[2]!.release();
    const answers = await Promise.all(waiting);
    expect(answers.map((a) => (a.ok ? (a.answer as { user: string }).user : null))).toEqual(Array.from({ length: 150 }, (_, i) => `w${i}`));
  });

  it("gives every caller the license service's answer when it is not 200, and the proxy's error when it cannot be reached", async () => {
    const unavailable = { status: 503, headers: { 'content-type': 'application/problem+json' }, body: Buffer.from('{"status":503}') };
    const refused = upstream(() => unavailable);
    const b1 = createCheckBatches({ proxy: refused.proxy, token: () => 't', inFlight: 1 });
    const two = [b1.check(q('u1')), b1.check(q('u2'))];
    await turn();
    refused.calls[0]!.release();
    expect(await Promise.all(two)).toEqual([{ ok: false, upstream: unavailable }, { ok: false, upstream: unavailable }]);

    const down = upstream(() => new Error('the license service is unavailable'));
    const b2 = createCheckBatches({ proxy: down.proxy, token: () => 't', inFlight: 1 });
    const failing = [b2.check(q('u1')), b2.check(q('u2'))];
    await turn();
    down.calls[0]!.release();
    for (const f of failing) await expect(f).rejects.toThrow('unavailable');
  });

  it('refuses an answer that does not have one result per check rather than give anyone another caller’s answer', async () => {
    const short = upstream((checks) => ok(checks.slice(1).map(() => ({ licensed: true }))));
    const b = createCheckBatches({ proxy: short.proxy, token: () => 't', inFlight: 1 });
    const two = [b.check(q('u1')), b.check(q('u2'))];
    await turn();
    short.calls[0]!.release();
    for (const f of two) await expect(f).rejects.toThrow('answered 1 results for 2 checks');
  });
});

import { describe, expect, it } from 'vitest';
import { jobIdFor, recordJob, unusedGrantIds, withGrant, type RefreshGrant } from '../src/domain/allowance';
import {
  countsOf,
  emptyCounts,
  emptyProgress,
  emptySummary,
  jobCompleted,
  jobTimedOut,
  onboardingsStarted,
  pageProgressed,
  pageReceived,
  pageReconciled,
  type RefreshJob,
  type RefreshPage,
} from '../src/domain/job';

const t0 = new Date('2026-06-10T12:00:00Z');
const after = (ms: number) => new Date(t0.getTime() + ms);
const job = (over: Partial<RefreshJob> = {}): RefreshJob => ({
  _id: 'rj_p_1',
  packageId: 'p',
  seq: 1,
  kind: 'weekly',
  grantId: null,
  retryOf: null,
  retriedBy: null,
  requestedBy: 'ops',
  acceptedAt: t0,
  state: 'requested',
  lastProgressAt: t0,
  finishedAt: null,
  progress: emptyProgress(),
  summary: emptySummary(),
  failures: [],
  missingUpstreamLicenses: [],
  incomplete: null,
  ...over,
});
const page = (n: number, over: Partial<RefreshPage> = {}): RefreshPage => ({
  _id: `rj_p_1:${n}`,
  jobId: 'rj_p_1',
  page: n,
  lastPage: false,
  installations: 2,
  state: 'reconciling',
  receivedAt: t0,
  counts: emptyCounts(),
  failures: [],
  ...over,
});
const reply = countsOf({
  results: [
    { subscriberOrgId: '00D000000000001', outcome: 'corrected', fields: ['version'] },
    { subscriberOrgId: '00D000000000002', outcome: 'create-needed' },
  ],
});

describe('a job counts its pages as they move on', () => {
  it('given pages arriving, then it is running, counts each page once and learns the last page from it', () => {
    const one = pageReceived(job(), { page: 2, lastPage: true, installations: 2 }, after(10)).next!;
    expect(one).toMatchObject({ state: 'running', lastProgressAt: after(10), progress: { received: [2], lastPage: 2, installations: 2 } });
    expect(pageReceived(one, { page: 2, lastPage: true, installations: 2 }, after(20))).toEqual({ next: null, accepted: true });
    expect(pageReceived(job({ state: 'incomplete' }), { page: 1, lastPage: false, installations: 2 }, t0)).toEqual({ next: null, accepted: false });
    expect(pageReceived(null, { page: 1, lastPage: false, installations: 2 }, t0)).toEqual({ next: null, accepted: false });
  });

  it('given every page reconciled and onboarded, then the summary counts each step once and the job is finalizing', () => {
    let j = pageReceived(job(), { page: 1, lastPage: false, installations: 2 }, t0).next!;
    j = pageReceived(j, { page: 2, lastPage: true, installations: 1 }, t0).next!;
    const p1 = pageReconciled(page(1), { ...reply, onboard: true })!;
    expect(p1.state).toBe('onboarding');
    const reconciled = pageProgressed(j, p1, after(5))!;
    expect(reconciled.finalizing).toBe(false);
    expect(reconciled.next.summary).toMatchObject({ corrected: 1, correctedByField: { version: 1 }, created: 0 });
    // the same reply again: counted already
    expect(pageProgressed(reconciled.next, p1, after(6))).toBeNull();
    const p2 = pageReconciled(page(2, { lastPage: true }), { counts: { ...emptyCounts(), unchanged: 1 }, failures: [], onboard: false })!;
    j = pageProgressed(reconciled.next, p2, after(7))!.next;
    expect(j.state).toBe('running');
    const p1done = onboardingsStarted(p1, 1, 0)!;
    expect(onboardingsStarted(p1done, 1, 0)).toBeNull();
    const last = pageProgressed(j, p1done, after(8))!;
    expect(last.finalizing).toBe(true);
    expect(last.next).toMatchObject({ state: 'finalizing', progress: { done: [2, 1], reconciled: [1, 2] }, summary: { corrected: 1, unchanged: 1, created: 1 } });
    const completed = jobCompleted(last.next, 3, [], after(9))!;
    expect(completed).toMatchObject({ state: 'completed', finishedAt: after(9), summary: { missingUpstream: 3, corrected: 1 } });
    expect(jobCompleted(completed, 3, [], after(9))).toBeNull();
  });

  it('given nothing heard for the timeout, then it ends incomplete naming the pages that never came', () => {
    let j = pageReceived(job(), { page: 1, lastPage: false, installations: 2 }, t0).next!;
    j = pageReceived(j, { page: 3, lastPage: true, installations: 2 }, t0).next!;
    expect(jobTimedOut(j, 10_000, after(9_999))).toEqual({ next: null, ended: false });
    const t = jobTimedOut(j, 10_000, after(10_000));
    expect(t.ended).toBe(true);
    expect(t.next).toMatchObject({ state: 'incomplete', finishedAt: after(10_000), incomplete: { missingPages: [2], reason: 'nothing arrived for 10 s: page(s) 2 of 3 never arrived' } });
    expect(jobTimedOut(t.next, 10_000, after(20_000))).toEqual({ next: null, ended: true });
  });
});

describe("a package's record of its refreshes", () => {
  const grant = (id: string, at: Date): RefreshGrant => ({ _id: id, packageId: 'p', grantedBy: 'admin', grantedAt: at, reason: 'x', usedByJobId: null, usedAt: null });
  const jobOf = (seq: number, kind: RefreshJob['kind'], grantId: string | null = null) => ({ _id: jobIdFor('p', seq), packageId: 'p', seq, kind, grantId, acceptedAt: after(seq) });

  it('records each job once, in order: the week by a weekly job, a grant by the job that used it', () => {
    const first = recordJob(null, jobOf(1, 'weekly'))!;
    expect(first).toEqual({ _id: 'p', lastSeq: 1, lastWeeklyAcceptedAt: after(1), grants: [] });
    expect(recordJob(first, jobOf(1, 'weekly'))).toBeNull();
    const granted = withGrant(withGrant(first, grant('rg_b', after(5))), grant('rg_a', after(3)));
    expect(unusedGrantIds(granted)).toEqual(['rg_a', 'rg_b']);
    const used = recordJob(granted, jobOf(2, 'grant', 'rg_a'))!;
    expect(used).toMatchObject({ lastSeq: 2, lastWeeklyAcceptedAt: after(1) });
    expect(used.grants.find((g) => g._id === 'rg_a')).toMatchObject({ usedByJobId: 'rj_p_2', usedAt: after(2) });
    expect(unusedGrantIds(used)).toEqual(['rg_b']);
    // a retry uses neither
    expect(recordJob(used, jobOf(3, 'retry'))).toMatchObject({ lastSeq: 3, lastWeeklyAcceptedAt: after(1) });
  });
});

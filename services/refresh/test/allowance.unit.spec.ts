import { describe, expect, it } from 'vitest';
import { REFRESH_WINDOW_MS, decideRefresh, jobIdFor, nextWeeklyAt } from '../src/domain/allowance';
import { allPagesDone, countsOf, incompleteReason, missingPages } from '../src/domain/job';

const now = new Date('2026-06-10T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('refresh allowance', () => {
  it('given no refresh yet, then the weekly refresh is available', () => {
    expect(decideRefresh(null, [], now)).toEqual({ kind: 'weekly' });
  });

  it('given a weekly refresh less than 7 days ago, then refused until 7 days after it, with the seconds to wait', () => {
    const d = decideRefresh(ago(REFRESH_WINDOW_MS - 90_500), [], now);
    expect(d).toEqual({ kind: 'refused', nextAvailableAt: new Date(now.getTime() + 90_500), retryAfterSeconds: 91 });
  });

  it('given a weekly refresh exactly 7 days ago, then the next one is available', () => {
    expect(decideRefresh(ago(REFRESH_WINDOW_MS), [], now)).toEqual({ kind: 'weekly' });
    expect(nextWeeklyAt(ago(REFRESH_WINDOW_MS), now)).toEqual(now);
  });

  it('given the week used and unused grants, then the oldest grant is used', () => {
    expect(decideRefresh(ago(1000), ['rg_a', 'rg_b'], now)).toEqual({ kind: 'grant', grantId: 'rg_a' });
  });

  it('given the week available and a grant, then the grant is kept for later', () => {
    expect(decideRefresh(ago(REFRESH_WINDOW_MS + 1), ['rg_a'], now)).toEqual({ kind: 'weekly' });
  });

  it('numbers jobs per package', () => {
    expect(jobIdFor('033000000000000001', 7)).toBe('rj_033000000000000001_7');
  });
});

describe('refresh job progress', () => {
  it('counts a page reply by outcome and by corrected field', () => {
    const { counts, failures } = countsOf({
      results: [
        { subscriberOrgId: '00D000000000001', outcome: 'corrected', fields: ['version', 'usedLicenses'] },
        { subscriberOrgId: '00D000000000002', outcome: 'corrected', fields: ['version'] },
        { subscriberOrgId: '00D000000000003', outcome: 'unchanged' },
        { subscriberOrgId: '00D000000000004', outcome: 'create-needed' },
        { subscriberOrgId: '00D000000000005', outcome: 'failed', reason: 'boom' },
      ],
    });
    expect(counts).toMatchObject({ corrected: 2, correctedByField: { version: 2, usedLicenses: 1 }, unchanged: 1, createNeeded: 1, failed: 1 });
    expect(failures).toEqual([{ subscriberOrgId: '00D000000000005', reason: 'boom' }]);
  });

  it('knows the missing pages only once the last page said how many there are', () => {
    expect(missingPages([1, 3], null)).toEqual([]);
    expect(missingPages([1, 4], 4)).toEqual([2, 3]);
    expect(allPagesDone([2, 1], 2)).toBe(true);
    expect(allPagesDone([1], 2)).toBe(false);
    expect(allPagesDone([1], null)).toBe(false);
    expect(incompleteReason('running', 2, 4, [2, 3], 5000)).toBe('nothing arrived for 5 s: page(s) 2, 3 of 4 never arrived');
  });

  it('says no page came only when none did', () => {
    expect(incompleteReason('requested', 0, null, [], 5000)).toBe('nothing arrived for 5 s: the marketplace sent no page');
    expect(incompleteReason('running', 2, null, [], 5000)).toBe('nothing arrived for 5 s: 2 page(s) arrived, not the last one');
    expect(incompleteReason('finalizing', 3, 3, [], 5000)).toBe('nothing arrived for 5 s: the license service did not report the licenses the snapshot did not list');
  });
});

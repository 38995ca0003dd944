import type { DriftField, LicensesReconciledV1 } from '@lma/contracts';

/**
 * A refresh job: requested (the snapshot request is on its way), running (pages arrive and are
 * reconciled), finalizing (every page done; the license service lists the licenses no page
 * listed), then completed; or incomplete when pages or replies stop coming for the page timeout.
 */
export type JobState = 'requested' | 'running' | 'finalizing' | 'completed' | 'incomplete';
export type JobKind = 'weekly' | 'grant' | 'retry';
export const ACTIVE_STATES: readonly JobState[] = ['requested', 'running', 'finalizing'];

/** Per page: reconciling (command sent to the license service), onboarding (sagas requested), done. */
export type PageState = 'reconciling' | 'onboarding' | 'done';

export interface PageCounts {
  corrected: number;
  correctedByField: Partial<Record<DriftField, number>>;
  unchanged: number;
  failed: number;
  createNeeded: number;
  created: number;
  onboardingUnderway: number;
}

export interface Summary {
  created: number;
  corrected: number;
  correctedByField: Partial<Record<DriftField, number>>;
  unchanged: number;
  onboardingUnderway: number;
  missingUpstream: number;
  failed: number;
}

export const FAILURES_KEPT = 100;

export const emptyCounts = (): PageCounts => ({ corrected: 0, correctedByField: {}, unchanged: 0, failed: 0, createNeeded: 0, created: 0, onboardingUnderway: 0 });

/** The counts of one page from the license service's reply. */
export function countsOf(reply: Pick<LicensesReconciledV1, 'results'>): { counts: PageCounts; failures: { subscriberOrgId: string; reason: string }[] } {
  const counts = emptyCounts();
  const failures: { subscriberOrgId: string; reason: string }[] = [];
  for (const r of reply.results) {
    switch (r.outcome) {
      case 'corrected':
        counts.corrected++;
        for (const f of r.fields) counts.correctedByField[f] = (counts.correctedByField[f] ?? 0) + 1;
        break;
      case 'unchanged':
        counts.unchanged++;
        break;
      case 'create-needed':
        counts.createNeeded++;
        break;
      case 'failed':
        counts.failed++;
        if (failures.length < FAILURES_KEPT) failures.push({ subscriberOrgId: r.subscriberOrgId, reason: r.reason });
        break;
    }
  }
  return { counts, failures };
}

/** The job's summary: the sum of its pages, and the licenses the marketplace no longer lists. */
export function summarize(pages: readonly { counts: PageCounts }[], missingUpstream: number): Summary {
  const s: Summary = { created: 0, corrected: 0, correctedByField: {}, unchanged: 0, onboardingUnderway: 0, missingUpstream, failed: 0 };
  for (const { counts: c } of pages) {
    s.created += c.created;
    s.corrected += c.corrected;
    s.unchanged += c.unchanged;
    s.onboardingUnderway += c.onboardingUnderway;
    s.failed += c.failed;
    for (const [f, n] of Object.entries(c.correctedByField)) s.correctedByField[f as DriftField] = (s.correctedByField[f as DriftField] ?? 0) + n;
  }
  return s;
}

/**
 * The number of the last page, once the page saying it is the last has arrived. Taken from the
 * pages (each inserted once) rather than kept on the job, which several replicas update.
 */
export const lastPageOf = (pages: readonly { page: number; lastPage: boolean }[]): number | null => pages.find((p) => p.lastPage)?.page ?? null;

/** Pages 1..lastPage that have not arrived (all unknown until the last page says how many there are). */
export function missingPages(received: readonly number[], lastPage: number | null): number[] {
  if (lastPage === null) return [];
  const have = new Set(received);
  const missing: number[] = [];
  for (let p = 1; p <= lastPage; p++) if (!have.has(p)) missing.push(p);
  return missing;
}

/** Every page arrived and is done: the job can ask for the licenses no page listed. */
export function allPagesDone(pages: readonly { page: number; state: PageState }[], lastPage: number | null): boolean {
  if (lastPage === null) return false;
  const done = new Set(pages.filter((p) => p.state === 'done').map((p) => p.page));
  for (let p = 1; p <= lastPage; p++) if (!done.has(p)) return false;
  return true;
}

/** Why a job that stopped hearing from the marketplace or the services ends incomplete. */
export function incompleteReason(state: JobState, received: number, lastPage: number | null, missing: readonly number[], timeoutMs: number): string {
  const quiet = `nothing arrived for ${Math.round(timeoutMs / 1000)} s`;
  if (received === 0) return `${quiet}: the marketplace sent no page`;
  if (state === 'finalizing') return `${quiet}: the license service did not report the licenses the snapshot did not list`;
  if (lastPage === null) return `${quiet}: ${received} page(s) arrived, not the last one`;
  if (missing.length) return `${quiet}: page(s) ${missing.join(', ')} of ${lastPage} never arrived`;
  return `${quiet}: some pages were not reconciled`;
}

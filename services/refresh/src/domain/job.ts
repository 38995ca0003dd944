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

export interface Failure {
  subscriberOrgId: string;
  reason: string;
}

/**
 * What the job knows of its pages, kept in the job as they progress (each page counted once: the
 * page numbers say which were counted), so that nothing reads the pages to tell how far it is.
 */
export interface JobProgress {
  /** Pages that arrived (a page arrives before any reply to it). */
  received: number[];
  /** The number of the last page, once the page saying it is the last has arrived. */
  lastPage: number | null;
  installations: number;
  /** Pages whose reconciliation is counted in the summary. */
  reconciled: number[];
  /** Pages done (reconciled, and their onboardings started when they had any to start). */
  done: number[];
}

/**
 * A refresh job, `_id` `rj_<packageId>_<seq>`: `seq` numbers the package's jobs (domain/allowance.ts).
 * Its events (the snapshot request, then the unseen-licenses command) are written with it.
 */
export interface RefreshJob {
  _id: string;
  packageId: string;
  seq: number;
  kind: JobKind;
  grantId: string | null;
  retryOf: string | null;
  retriedBy: string | null;
  requestedBy: string;
  acceptedAt: Date;
  state: JobState;
  lastProgressAt: Date;
  finishedAt: Date | null;
  progress: JobProgress;
  /** The sum of the counted pages (and, once completed, the licenses the marketplace no longer lists). */
  summary: Summary;
  /** The first FAILURES_KEPT failures of its pages. */
  failures: Failure[];
  missingUpstreamLicenses: { licenseId: string; licenseName: string | null; subscriberOrgId: string }[];
  incomplete: { reason: string; missingPages: number[] } | null;
}

/**
 * One snapshot page of a job, `_id` `<jobId>:<page>`: inserted once per page (a redelivered or
 * duplicated page finds it). It holds the page's counts (never its installations); its events are
 * the commands that reconcile it.
 */
export interface RefreshPage {
  _id: string;
  jobId: string;
  page: number;
  lastPage: boolean;
  installations: number;
  state: PageState;
  receivedAt: Date;
  counts: PageCounts;
  failures: Failure[];
}

export const FAILURES_KEPT = 100;

export const emptyCounts = (): PageCounts => ({ corrected: 0, correctedByField: {}, unchanged: 0, failed: 0, createNeeded: 0, created: 0, onboardingUnderway: 0 });
export const emptyProgress = (): JobProgress => ({ received: [], lastPage: null, installations: 0, reconciled: [], done: [] });
export const emptySummary = (): Summary => ({ created: 0, corrected: 0, correctedByField: {}, unchanged: 0, onboardingUnderway: 0, missingUpstream: 0, failed: 0 });

/** The counts of one page from the license service's reply. */
export function countsOf(reply: Pick<LicensesReconciledV1, 'results'>): { counts: PageCounts; failures: Failure[] } {
  const counts = emptyCounts();
  const failures: Failure[] = [];
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

/** The summary with a page's reconciliation counted. */
function withReconciled(s: Summary, c: PageCounts): Summary {
  const correctedByField = { ...s.correctedByField };
  for (const [f, n] of Object.entries(c.correctedByField)) correctedByField[f as DriftField] = (correctedByField[f as DriftField] ?? 0) + n;
  return { ...s, corrected: s.corrected + c.corrected, unchanged: s.unchanged + c.unchanged, failed: s.failed + c.failed, correctedByField };
}

/** The summary with a done page's onboardings counted. */
const withDone = (s: Summary, c: PageCounts): Summary => ({ ...s, created: s.created + c.created, onboardingUnderway: s.onboardingUnderway + c.onboardingUnderway });

/** Pages 1..lastPage that have not arrived (all unknown until the last page says how many there are). */
export function missingPages(received: readonly number[], lastPage: number | null): number[] {
  if (lastPage === null) return [];
  const have = new Set(received);
  const missing: number[] = [];
  for (let p = 1; p <= lastPage; p++) if (!have.has(p)) missing.push(p);
  return missing;
}

/** Every page 1..lastPage is done: the job can ask for the licenses no page listed. */
export function allPagesDone(done: readonly number[], lastPage: number | null): boolean {
  return lastPage !== null && missingPages(done, lastPage).length === 0;
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

const isActive = (job: RefreshJob | null): job is RefreshJob => job !== null && ACTIVE_STATES.includes(job.state);

/**
 * A snapshot page arrived: counted once in the job, which is running from then on. Not taken
 * (`accepted` false) when the job is unknown, ended or finalizing (it has every page it asked
 * for). A page counted before (a redelivery) changes nothing but is taken again.
 */
export function pageReceived(job: RefreshJob | null, p: { page: number; lastPage: boolean; installations: number }, now: Date): { next: RefreshJob | null; accepted: boolean } {
  if (!isActive(job) || job.state === 'finalizing') return { next: null, accepted: false };
  const progress = job.progress;
  if (progress.received.includes(p.page)) return { next: null, accepted: true };
  return {
    next: {
      ...job,
      state: 'running',
      lastProgressAt: now,
      progress: {
        ...progress,
        received: [...progress.received, p.page],
        lastPage: p.lastPage ? p.page : progress.lastPage,
        installations: progress.installations + p.installations,
      },
    },
    accepted: true,
  };
}

/**
 * A page moved on (reconciled; done): its counts go into the job's summary once per step, the page
 * timeout counts from now, and when every page is done the job is finalizing (the caller sends the
 * command that asks for the licenses no page listed). Null when nothing changes (a repeated reply,
 * an ended job).
 */
export function pageProgressed(job: RefreshJob | null, page: Pick<RefreshPage, 'page' | 'state' | 'counts' | 'failures'>, now: Date): { next: RefreshJob; finalizing: boolean } | null {
  if (!isActive(job) || page.state === 'reconciling') return null;
  let { summary, failures, progress } = job;
  if (!progress.reconciled.includes(page.page)) {
    summary = withReconciled(summary, page.counts);
    failures = [...failures, ...page.failures].slice(0, FAILURES_KEPT);
    progress = { ...progress, reconciled: [...progress.reconciled, page.page] };
  }
  if (page.state === 'done' && !progress.done.includes(page.page)) {
    summary = withDone(summary, page.counts);
    progress = { ...progress, done: [...progress.done, page.page] };
  }
  if (progress === job.progress) return null;
  const finalizing = job.state !== 'finalizing' && allPagesDone(progress.done, progress.lastPage);
  return { next: { ...job, summary, failures, progress, lastProgressAt: now, state: finalizing ? 'finalizing' : job.state }, finalizing };
}

/** The license service listed the licenses no page did: the job is completed (only from finalizing). */
export function jobCompleted(job: RefreshJob | null, missingUpstream: number, licenses: RefreshJob['missingUpstreamLicenses'], now: Date): RefreshJob | null {
  if (job?.state !== 'finalizing') return null;
  return { ...job, state: 'completed', summary: { ...job.summary, missingUpstream }, missingUpstreamLicenses: licenses, finishedAt: now };
}

/**
 * A job that heard nothing for `timeoutMs` ends incomplete, saying why; what was done stays
 * counted. `ended` tells the sweeper whether the job is over (ended now or before, or unknown).
 */
export function jobTimedOut(job: RefreshJob | null, timeoutMs: number, now: Date): { next: RefreshJob | null; ended: boolean } {
  if (!isActive(job)) return { next: null, ended: true };
  if (now.getTime() - job.lastProgressAt.getTime() < timeoutMs) return { next: null, ended: false };
  const { received, lastPage } = job.progress;
  const missing = missingPages(received, lastPage);
  return {
    next: { ...job, state: 'incomplete', finishedAt: now, incomplete: { reason: incompleteReason(job.state, received.length, lastPage, missing, timeoutMs), missingPages: missing } },
    ended: true,
  };
}

/** The license service's reply to a page: counted, then done, or waiting for the onboarding of the installations without a license. */
export function pageReconciled(page: RefreshPage | null, reply: { counts: PageCounts; failures: Failure[]; onboard: boolean }): RefreshPage | null {
  if (page?.state !== 'reconciling') return null;
  return { ...page, state: reply.onboard ? 'onboarding' : 'done', counts: reply.counts, failures: reply.failures };
}

/** install-intake started (or found under way) the onboardings of a page: it is done. */
export function onboardingsStarted(page: RefreshPage | null, started: number, existing: number): RefreshPage | null {
  if (page?.state !== 'onboarding') return null;
  return { ...page, state: 'done', counts: { ...page.counts, created: started, onboardingUnderway: existing } };
}

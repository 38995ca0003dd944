import { licenseDriftKey, type DriftKeyFields } from '../domain/reconcile';
import type { License } from '../domain/license';
import type { Models } from './models';

/** What a refresh job knows of one named license of its package. */
interface DigestEntry {
  /** The license's drift key (domain/reconcile.ts) when the job started; null: deleted (it stays deleted). */
  key: string | null;
  licenseName: string;
  /** A page of the job listed its org. */
  seen: boolean;
}

type DigestLicense = DriftKeyFields & Pick<License, '_id' | 'subscriberOrgId' | 'licenseName' | 'deletedAt'>;

const PROJECTION = {
  subscriberOrgId: 1,
  licenseName: 1,
  deletedAt: 1,
  packageVersionId: 1,
  versionNumber: 1,
  orgEdition: 1,
  orgStatus: 1,
  orgExpiresOn: 1,
  instance: 1,
  sandbox: 1,
  status: 1,
  usedLicenses: 1,
} as const;

/**
 * One refresh job's digest of its package: each named license's drift key as the job started,
 * read in one pass over the package's licenses, and which orgs the job's pages listed. A page
 * is then compared in memory: an installation whose key equals its license's needs no database
 * read at all; any other (drifted, unknown, or a license that changed since) is read by `_id` and
 * decided on the stored license, under its lock. About 100 bytes per license: a package of
 * 100,000 licenses is about 10 MB, held while its job runs.
 */
export class JobDigest {
  readonly entries = new Map<string, DigestEntry>();
  private readonly pages = new Set<number>();

  /** The orgs of a reconciled page: they are not missing upstream. */
  markPage(page: number, orgIds: readonly string[]): void {
    this.pages.add(page);
    for (const o of orgIds) {
      const e = this.entries.get(o);
      if (e) e.seen = true;
    }
  }

  /** Whether this digest saw every page 1..n (otherwise another process reconciled some of them). */
  coversPages(n: number): boolean {
    for (let p = 1; p <= n; p++) if (!this.pages.has(p)) return false;
    return true;
  }

  /** The licenses no page listed (deleted ones are not missing), in the order they were read. */
  *unseen(): Generator<{ subscriberOrgId: string; licenseName: string }> {
    for (const [subscriberOrgId, e] of this.entries) if (!e.seen && e.key !== null) yield { subscriberOrgId, licenseName: e.licenseName };
  }
}

export interface RefreshDigestOptions {
  /** Jobs with a digest at once; a page of another job is reconciled by `_id` reads instead. */
  maxJobs?: number;
  /** A digest unused this long is dropped (its job ended or moved to another replica). */
  idleMs?: number;
}

/**
 * The digests of the refresh jobs this process is reconciling. A job's pages share one partition
 * (their key is the package), so one process reads them in order and builds the job's digest
 * once, on its first page. Reading a package's licenses by `packageId` is one indexed query on
 * MongoDB; on FerretDB it is one pass over the licenses collection per job, where reading each
 * page's licenses was one pass per page.
 */
export class RefreshDigests {
  private readonly jobs = new Map<string, { digest: Promise<JobDigest>; lastUsedAt: number }>();
  private readonly maxJobs: number;
  private readonly idleMs: number;

  constructor(
    private readonly m: Models,
    opts: RefreshDigestOptions = {},
  ) {
    this.maxJobs = opts.maxJobs ?? 4;
    this.idleMs = opts.idleMs ?? 15 * 60_000;
  }

  get size(): number {
    return this.jobs.size;
  }

  /** The job's digest if this process has one (built or being built). */
  async peek(jobId: string): Promise<JobDigest | undefined> {
    return await this.jobs.get(jobId)?.digest.catch(() => undefined);
  }

  /**
   * The job's digest, built on first use; undefined when `maxJobs` other jobs hold one.
   * `progress` is called every thousand licenses read (the consumer's heartbeat).
   */
  async forJob(jobId: string, packageId: string, progress?: () => Promise<void>): Promise<JobDigest | undefined> {
    const now = Date.now();
    for (const [id, held] of this.jobs) if (now - held.lastUsedAt > this.idleMs) this.jobs.delete(id);
    let held = this.jobs.get(jobId);
    if (!held) {
      if (this.jobs.size >= this.maxJobs) return undefined;
      const digest = this.build(packageId, progress);
      held = { digest, lastUsedAt: now };
      this.jobs.set(jobId, held);
      digest.catch(() => this.jobs.delete(jobId));
    }
    held.lastUsedAt = now;
    return await held.digest;
  }

  release(jobId: string): void {
    this.jobs.delete(jobId);
  }

  private async build(packageId: string, progress?: () => Promise<void>): Promise<JobDigest> {
    const digest = new JobDigest();
    // most licenses of a package share a handful of keys: one string each
    const keys = new Map<string, string>();
    let n = 0;
    for await (const l of this.m.License.find({ packageId }, PROJECTION).lean<DigestLicense>().cursor({ batchSize: 1000 })) {
      if (++n % 1000 === 0) await progress?.();
      if (!l.licenseName) continue; // not named yet: created through the saga, read by _id when listed
      const fresh = licenseDriftKey(l);
      const key = l.deletedAt ? null : (keys.get(fresh) ?? (keys.set(fresh, fresh), fresh));
      digest.entries.set(l.subscriberOrgId, { key, licenseName: l.licenseName, seen: false });
    }
    return digest;
  }
}

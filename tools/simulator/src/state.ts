import { randomBytes } from 'node:crypto';
import type { Installer, Org, PackageRegisteredV1, PackageVersionUploadedV1, SnapshotInstallation } from '@lma/contracts';
import { snapshotInstallation, type SyntheticPackage } from './synthetic';

/**
 * The marketplace's own state, in memory (a simulator restarts empty): packages, their versions
 * and installations, and synthetic packages whose installations are generated on demand. Every
 * change made through `publish`-ing paths is also an event; `silent` changes are drift: the
 * marketplace knows them, LMA was never told.
 */
export interface SimPackage {
  registered: PackageRegisteredV1;
  versions: PackageVersionUploadedV1[];
  installations: Map<string, SimInstallation>;
}

export interface SimInstallation extends SnapshotInstallation {
  /** Users with a seat (their ids), so user-license changes can be revoked. */
  users: string[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomAlnum = (n: number): string => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');

export const newIds = {
  packageId: () => `033${randomAlnum(15)}`,
  packageVersionId: () => `04t${randomAlnum(15)}`,
  developerOrgId: () => `00D${randomAlnum(15)}`,
  subscriberOrgId: () => `00D${randomAlnum(12)}`,
  userId: () => `005${randomAlnum(12)}`,
};

export function randomInstaller(): Installer {
  const n = randomAlnum(6).toLowerCase();
  return { firstName: 'Ada', lastName: `Lovelace ${n}`, email: `ada.${n}@example.com`, company: `Analytical ${n}` };
}

export function randomOrg(i = Math.floor(Math.random() * 1000)): Org {
  return { name: `Customer ${i}`, edition: 'Enterprise', status: 'Active', instance: `NA${i % 90}`, sandbox: false };
}

export class SimState {
  readonly packages = new Map<string, SimPackage>();
  readonly synthetic = new Map<string, SyntheticPackage>();

  pkg(packageId: string): SimPackage | undefined {
    return this.packages.get(packageId);
  }

  count(packageId: string): number {
    return this.synthetic.get(packageId)?.count ?? this.packages.get(packageId)?.installations.size ?? 0;
  }

  /** The package's installations as snapshot pages of `pageSize`, generated as they are read. */
  *pages(packageId: string, pageSize: number): Generator<SnapshotInstallation[]> {
    const syn = this.synthetic.get(packageId);
    if (syn) {
      for (let start = 0; start < syn.count; start += pageSize) {
        const page: SnapshotInstallation[] = [];
        for (let i = start; i < Math.min(syn.count, start + pageSize); i++) page.push(snapshotInstallation(syn, i));
        yield page;
      }
      return;
    }
    let page: SnapshotInstallation[] = [];
    for (const inst of this.packages.get(packageId)?.installations.values() ?? []) {
      const { users: _users, ...snapshot } = inst;
      page.push(snapshot);
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
  }
}

import {
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  newEventId,
  type DefaultLicense,
  type Installer,
  type Org,
  type OrgChangedV1,
  type PackageInstalledV1,
  type PackageRegisteredV1,
  type PackageUninstalledV1,
  type PackageUpgradedV1,
  type PackageVersionUploadedV1,
  type SnapshotPageV1,
  type SnapshotRequestedV1,
  type UserLicenseChangedV1,
} from '@lma/contracts';
import type { Logger } from '@lma/core';
import type { Publisher } from '@lma/kafka';
import { newIds, randomInstaller, randomOrg, type SimInstallation, type SimState } from './state';

export const SIM_SOURCE = 'marketplace/simulator';

/** Faults injected into snapshot answers: pages (by number) dropped or sent twice. */
export interface Faults {
  drop: number[];
  duplicate: number[];
}

export interface MarketplaceOptions {
  pageSize: number;
  /** Share (0..1) of installations changed silently before each snapshot answer. */
  drift: number;
  /** Faults of every answer (CLI); `nextFaults` are for the next answer only (control API). */
  faults: Faults;
}

export interface Stats {
  events: number;
  snapshotRequests: number;
  pagesSent: number;
  pagesDropped: number;
  pagesDuplicated: number;
  drifted: number;
}

/** The simulated marketplace: changes its state and publishes what the contract says it publishes (docs/events.md). */
export class Marketplace {
  nextFaults: Faults | null = null;
  readonly stats: Stats = { events: 0, snapshotRequests: 0, pagesSent: 0, pagesDropped: 0, pagesDuplicated: 0, drifted: 0 };

  constructor(
    readonly state: SimState,
    private readonly publisher: Publisher,
    private readonly opts: MarketplaceOptions,
    private readonly logger: Logger,
  ) {}

  private async emit(type: string, key: string, data: object): Promise<void> {
    await this.publisher.publish([{ topic: MARKETPLACE_EVENTS_TOPIC, id: newEventId(), source: SIM_SOURCE, type, time: new Date().toISOString(), key, data }]);
    this.stats.events++;
  }

  async registerPackage(o: { packageId?: string; defaultLicense?: DefaultLicense; publish?: boolean } = {}): Promise<PackageRegisteredV1> {
    const registered: PackageRegisteredV1 = {
      packageId: o.packageId ?? newIds.packageId(),
      packageName: 'Simulated Package',
      developerName: 'Simulated Developer',
      developerOrgId: newIds.developerOrgId(),
      registeredAt: new Date().toISOString(),
      defaultLicense: o.defaultLicense ?? { status: 'Trial', lengthDays: 30, seats: 10 },
    };
    this.state.packages.set(registered.packageId, { registered, versions: [], installations: new Map() });
    if (o.publish !== false) await this.emit(MarketplaceEventType.PackageRegistered, registered.packageId, registered);
    return registered;
  }

  /** Registers the package only now (its installs may have come first), with the same data. */
  async publishRegistration(packageId: string): Promise<void> {
    const p = this.requirePackage(packageId);
    await this.emit(MarketplaceEventType.PackageRegistered, packageId, p.registered);
  }

  async uploadVersion(packageId: string, o: { versionNumber?: string; publish?: boolean } = {}): Promise<PackageVersionUploadedV1> {
    const p = this.requirePackage(packageId);
    const v: PackageVersionUploadedV1 = {
      packageId,
      packageVersionId: newIds.packageVersionId(),
      versionName: 'Release',
      versionNumber: o.versionNumber ?? `1.${p.versions.length}.0`,
      beta: false,
      releasedAt: new Date().toISOString(),
    };
    p.versions.push(v);
    if (o.publish !== false) await this.emit(MarketplaceEventType.PackageVersionUploaded, packageId, v);
    return v;
  }

  /** Publishes the upload of a version the state already has (a package registered late). */
  async uploadVersionEvent(v: PackageVersionUploadedV1): Promise<void> {
    await this.emit(MarketplaceEventType.PackageVersionUploaded, v.packageId, v);
  }

  async install(packageId: string, o: { org?: Org; installer?: Installer | null; publish?: boolean; installedAt?: string } = {}): Promise<SimInstallation> {
    const p = this.requirePackage(packageId);
    const v = p.versions[p.versions.length - 1];
    if (!v) throw new Error(`package ${packageId} has no version`);
    const installer = o.installer === null ? undefined : (o.installer ?? randomInstaller());
    const inst: SimInstallation = {
      packageId,
      packageVersionId: v.packageVersionId,
      versionNumber: v.versionNumber,
      subscriberOrgId: newIds.subscriberOrgId(),
      installedAt: o.installedAt ?? new Date().toISOString(),
      ...(installer ? { installer } : {}),
      org: o.org ?? randomOrg(),
      uninstalled: false,
      usedLicenses: 0,
      users: [],
    };
    p.installations.set(inst.subscriberOrgId, inst);
    if (o.publish !== false) {
      const data: PackageInstalledV1 = {
        packageId,
        packageVersionId: inst.packageVersionId,
        versionNumber: inst.versionNumber,
        subscriberOrgId: inst.subscriberOrgId,
        installedAt: inst.installedAt,
        installer: installer ?? randomInstaller(),
        org: inst.org,
      };
      await this.emit(MarketplaceEventType.PackageInstalled, `${packageId}:${inst.subscriberOrgId}`, data);
    }
    return inst;
  }

  async upgrade(inst: SimInstallation, publish = true): Promise<void> {
    const p = this.requirePackage(inst.packageId);
    const v = p.versions[p.versions.length - 1]!;
    if (v.packageVersionId === inst.packageVersionId) return;
    Object.assign(inst, { packageVersionId: v.packageVersionId, versionNumber: v.versionNumber });
    if (publish) {
      const data: PackageUpgradedV1 = { packageId: inst.packageId, packageVersionId: v.packageVersionId, versionNumber: v.versionNumber, subscriberOrgId: inst.subscriberOrgId, upgradedAt: new Date().toISOString() };
      await this.emit(MarketplaceEventType.PackageUpgraded, key(inst), data);
    }
  }

  async uninstall(inst: SimInstallation, publish = true): Promise<void> {
    if (inst.uninstalled) return;
    Object.assign(inst, { uninstalled: true, usedLicenses: null, users: [] });
    if (publish) {
      const data: PackageUninstalledV1 = { packageId: inst.packageId, subscriberOrgId: inst.subscriberOrgId, uninstalledAt: new Date().toISOString() };
      await this.emit(MarketplaceEventType.PackageUninstalled, key(inst), data);
    }
  }

  async changeOrg(inst: SimInstallation, org: Partial<Org>, publish = true): Promise<void> {
    inst.org = { ...inst.org, ...org };
    if (inst.org.status !== 'Trial') delete inst.org.trialExpiresOn;
    if (publish) {
      const data: OrgChangedV1 = { subscriberOrgId: inst.subscriberOrgId, observedAt: new Date().toISOString(), lifecycle: 'active', ...org };
      await this.emit(MarketplaceEventType.OrgChanged, inst.subscriberOrgId, data);
    }
  }

  /** Assigns a seat (or revokes one when `revoke` and a user has one). */
  async changeUserLicense(inst: SimInstallation, revoke: boolean, publish = true): Promise<void> {
    if (inst.uninstalled) return;
    const userId = revoke ? inst.users.pop() : newIds.userId();
    if (!userId) return;
    if (!revoke) inst.users.push(userId);
    inst.usedLicenses = inst.users.length;
    if (publish) {
      const data: UserLicenseChangedV1 = { packageId: inst.packageId, subscriberOrgId: inst.subscriberOrgId, userId, action: revoke ? 'revoked' : 'assigned', changedAt: new Date().toISOString() };
      await this.emit(MarketplaceEventType.UserLicenseChanged, key(inst), data);
    }
  }

  /** Silent changes of about `rate` of a package's installations (drift: no events). */
  drift(packageId: string, rate: number): number {
    let n = 0;
    for (const inst of this.state.pkg(packageId)?.installations.values() ?? []) {
      if (Math.random() >= rate) continue;
      n++;
      switch (Math.floor(Math.random() * 4)) {
        case 0:
          Object.assign(inst, { versionNumber: `9.${Math.floor(Math.random() * 100)}.0` });
          break;
        case 1:
          inst.org = { ...inst.org, edition: inst.org.edition === 'Unlimited' ? 'Enterprise' : 'Unlimited' };
          break;
        case 2:
          Object.assign(inst, { uninstalled: !inst.uninstalled, usedLicenses: inst.uninstalled ? 0 : null, users: [] });
          break;
        default:
          if (!inst.uninstalled) inst.usedLicenses = (inst.usedLicenses ?? 0) + 1;
      }
    }
    this.stats.drifted += n;
    return n;
  }

  /**
   * Answers a snapshot request on `marketplace.events`: the package's installations in pages of
   * `pageSize`, generated page by page (never the whole package at once), with the faults asked for.
   */
  async answerSnapshot(req: SnapshotRequestedV1): Promise<void> {
    this.stats.snapshotRequests++;
    if (this.opts.drift > 0) this.drift(req.packageId, this.opts.drift);
    const faults = this.nextFaults ?? this.opts.faults;
    this.nextFaults = null;
    const total = Math.max(1, Math.ceil(this.state.count(req.packageId) / this.opts.pageSize));
    let page = 0;
    const send = async (data: SnapshotPageV1) => this.emit(MarketplaceEventType.SnapshotPage, req.packageId, data);
    const pages = this.state.pages(req.packageId, this.opts.pageSize);
    for (let next = pages.next(); page < total; next = pages.next()) {
      page++;
      const data: SnapshotPageV1 = { requestId: req.requestId, packageId: req.packageId, page, lastPage: page === total, installations: next.done ? [] : next.value };
      if (faults.drop.includes(page)) {
        this.stats.pagesDropped++;
        continue;
      }
      await send(data);
      this.stats.pagesSent++;
      if (faults.duplicate.includes(page)) {
        await send(data);
        this.stats.pagesDuplicated++;
      }
    }
    this.logger.info({ request_id: req.requestId, package_id: req.packageId, pages: total, faults }, 'snapshot answered');
  }

  requirePackage(packageId: string) {
    const p = this.state.pkg(packageId);
    if (!p) throw new Error(`unknown package ${packageId}`);
    return p;
  }
}

const key = (i: SimInstallation): string => `${i.packageId}:${i.subscriberOrgId}`;

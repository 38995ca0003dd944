import type { Aggregates, Store } from '@lma/store';
import type { AnsweredCommand } from '../domain/commands';
import type { KeySet } from '../domain/keys';
import type { License } from '../domain/license';
import type { Package, PackageVersion } from '../domain/packages';
import type { LeadConversion, OrgChangeLog, PendingChanges } from '../domain/pending';
import type { RepublishRequest } from '../domain/republish';
import type { SeatAssignment } from '../domain/seats';
import type { LicenseSequence } from '../domain/sequence';
import type { LatestVersion } from '../domain/versions';
import type { Models } from './models';

/** Collections written and read by `_id` only, through the store (no mongoose models). */
export const StoreCollection = {
  /** `_id` the license id (domain/pending.ts). */
  PendingChanges: 'pending_changes',
  /** `_id` the subscriber org id (domain/pending.ts). */
  OrgChanges: 'org_changes',
  /** `_id` the lead id (domain/pending.ts). */
  LeadConversions: 'lead_conversions',
  /** `_id` `subscriberOrgId:<id>` | `leadId:<id>`; ids: the licenses (domain/keys.ts). */
  LicenseKeys: 'license_keys',
  /** `_id` LICENSE_SEQUENCE_ID (domain/sequence.ts). */
  LicenseSequence: 'license_sequence',
  /** `_id` the package id (domain/versions.ts). */
  LatestVersions: 'latest_versions',
  /** `_id` the command id (domain/commands.ts). */
  AnsweredCommands: 'answered_commands',
  /** `_id` `rep_<uuid>` (domain/republish.ts). */
  RepublishRequests: 'republish_requests',
} as const;

/** The license service's write side: every document it writes, through the store. */
export interface LicenseData {
  store: Store;
  licenses: Aggregates<License>;
  packages: Aggregates<Package>;
  versions: Aggregates<PackageVersion>;
  latestVersions: Aggregates<LatestVersion>;
  seats: Aggregates<SeatAssignment>;
  pendingChanges: Aggregates<PendingChanges>;
  orgChanges: Aggregates<OrgChangeLog>;
  leadConversions: Aggregates<LeadConversion>;
  licenseKeys: Aggregates<KeySet>;
  sequence: Aggregates<LicenseSequence>;
  answeredCommands: Aggregates<AnsweredCommand>;
  republishRequests: Aggregates<RepublishRequest>;
}

export function licenseData(store: Store, m: Models): LicenseData {
  return {
    store,
    licenses: store.aggregates<License>(m.License.collection.collectionName),
    packages: store.aggregates<Package>(m.Package.collection.collectionName),
    versions: store.aggregates<PackageVersion>(m.PackageVersion.collection.collectionName),
    latestVersions: store.aggregates<LatestVersion>(StoreCollection.LatestVersions),
    seats: store.aggregates<SeatAssignment>(m.SeatAssignment.collection.collectionName),
    pendingChanges: store.aggregates<PendingChanges>(StoreCollection.PendingChanges),
    orgChanges: store.aggregates<OrgChangeLog>(StoreCollection.OrgChanges),
    leadConversions: store.aggregates<LeadConversion>(StoreCollection.LeadConversions),
    licenseKeys: store.aggregates<KeySet>(StoreCollection.LicenseKeys),
    sequence: store.aggregates<LicenseSequence>(StoreCollection.LicenseSequence),
    answeredCommands: store.aggregates<AnsweredCommand>(StoreCollection.AnsweredCommands),
    republishRequests: store.aggregates<RepublishRequest>(StoreCollection.RepublishRequests),
  };
}

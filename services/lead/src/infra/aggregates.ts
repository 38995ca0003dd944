import type { Aggregates, Store } from '@lma/store';
import type { AnsweredCommand } from '../domain/commands';
import type { KeySet } from '../domain/keys';
import type { Account, Contact, Lead, OpenLeadKey } from '../domain/lead';
import type { LicenseCopy } from '../domain/licenses';
import type { PackageSettings, TeamEmailKey, TeamMember } from '../domain/team';
import type { Models } from './models';

/** Collections of key documents and handled commands (no mongoose models: written and read by `_id` through the store only). */
export const KeyCollection = {
  /** `_id` = `openKeyFor(email, company)`; holder = the Open lead's id (OpenLeadKey). */
  OpenLeads: 'open_lead_keys',
  /** `_id` = the normalized email; ids = the contacts with it (KeySet). */
  ContactEmails: 'contact_email_keys',
  /** `_id` = the normalized email; holder = the team member's id, at = when taken (TeamEmailKey). */
  TeamMemberEmails: 'team_member_email_keys',
  /** `_id` = `leadId:<id>` | `accountId:<id>` | `contactId:<id>`; ids = the licenses linked to it (KeySet). */
  LicenseLinks: 'license_links',
  /** `_id` = the command id (AnsweredCommand). */
  AnsweredCommands: 'answered_commands',
} as const;

/** The lead service's write side: every document it writes, by `_id`, through the store. */
export interface LeadData {
  leads: Aggregates<Lead>;
  contacts: Aggregates<Contact>;
  accounts: Aggregates<Account>;
  teamMembers: Aggregates<TeamMember>;
  packageSettings: Aggregates<PackageSettings>;
  licenses: Aggregates<LicenseCopy>;
  openLeadKeys: Aggregates<OpenLeadKey>;
  contactEmails: Aggregates<KeySet>;
  teamMemberEmails: Aggregates<TeamEmailKey>;
  licenseLinks: Aggregates<KeySet>;
  answeredCommands: Aggregates<AnsweredCommand>;
  /** Inserts a key document that did not exist (one write, atomic on both databases): true if this call wrote it; later changes go through its aggregate. */
  insertKey<K extends { _id: string }>(collection: (typeof KeyCollection)[keyof typeof KeyCollection], doc: K): Promise<boolean>;
}

export function leadData(store: Store, m: Models): LeadData {
  const name = (model: { collection: { collectionName: string } }) => model.collection.collectionName;
  return {
    leads: store.aggregates<Lead>(name(m.Lead)),
    contacts: store.aggregates<Contact>(name(m.Contact)),
    accounts: store.aggregates<Account>(name(m.Account)),
    teamMembers: store.aggregates<TeamMember>(name(m.TeamMember)),
    packageSettings: store.aggregates<PackageSettings>(name(m.PackageSettings)),
    licenses: store.aggregates<LicenseCopy>(name(m.License)),
    openLeadKeys: store.aggregates<OpenLeadKey>(KeyCollection.OpenLeads),
    contactEmails: store.aggregates<KeySet>(KeyCollection.ContactEmails),
    teamMemberEmails: store.aggregates<TeamEmailKey>(KeyCollection.TeamMemberEmails),
    licenseLinks: store.aggregates<KeySet>(KeyCollection.LicenseLinks),
    answeredCommands: store.aggregates<AnsweredCommand>(KeyCollection.AnsweredCommands),
    insertKey: (collection, doc) => store.claimKey(collection, doc),
  };
}

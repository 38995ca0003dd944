import type { z } from 'zod';
import { LICENSE_EVENTS_SOURCE, LICENSE_EVENTS_TOPIC, LicenseEventType, LicenseV1 } from './license-events';
import {
  CommandType,
  CreateLicenseV1,
  InternalSource,
  InternalTopic,
  LeadConvertedV1,
  LeadEventType,
  LeadResolutionParkedV1,
  LeadResolvedV1,
  LeadRoutingChangedV1,
  LeadWithdrawnV1,
  LicenseCreatedReplyV1,
  LicenseCreationFailedV1,
  LicenseCreationParkedV1,
  ReplyType,
  RepublishLicensesV1,
  ResolveLeadV1,
  TeamMemberChangedV1,
  WithdrawLeadV1,
} from './internal';
import {
  MARKETPLACE_EVENTS_TOPIC,
  MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC,
  MarketplaceEventType,
  SnapshotRequestedV1,
  marketplaceDataSchemas,
  type InboundMarketplaceType,
} from './marketplace';
import { LeadCreatedV1, NotificationInputTopic, NotificationInputType, OnboardingFailedV1, OnboardingParkedV1, OnboardingUnparkedV1 } from './notification-inputs';
import {
  LicensesReconciledV1,
  OnboardingsStartedV1,
  ReconcileLicensesV1,
  RefreshCommandType,
  RefreshReplyType,
  RefreshSource,
  RefreshTopic,
  ReportUnseenLicensesV1,
  StartOnboardingsV1,
  UnseenLicensesReportedV1,
} from './refresh';
import type { CloudEvent, TraceContext } from './cloudevents';

/**
 * The contracts registry: every topic, and every event type with its payload schema and version,
 * its record key, the topics it travels on, who sends it and who receives it. Events are built
 * from it (`eventOf`), topics are created with its configuration, and the AsyncAPI document and
 * the published JSON Schemas are generated from it, so none of them can drift from another.
 */

/** The marketplace and LMA's services: whoever sends or receives records. */
export type Party = 'marketplace' | 'install-intake' | 'lead' | 'license' | 'notification' | 'refresh';
export const LMA_SERVICES = ['install-intake', 'lead', 'license', 'notification', 'refresh'] as const satisfies readonly Party[];
export type LmaService = (typeof LMA_SERVICES)[number];

/** What a record key is made of; order is guaranteed per key only. */
export interface RecordKey {
  format: string;
  description: string;
  /** Where the contract fixes the format (docs/events.md, "Wire format"). */
  pattern?: string;
}

export const RecordKeys = {
  installation: {
    format: '<packageId>:<subscriberOrgId>',
    description: 'One installation of a package in a subscriber org (one license): every record about it is in order.',
    pattern: '^033[A-Za-z0-9]{15}:00D[A-Za-z0-9]{12}$',
  },
  package: { format: '<packageId>', description: 'One package.', pattern: '^033[A-Za-z0-9]{15}$' },
  org: { format: '<subscriberOrgId>', description: 'One subscriber org (the contract fixes no key for org events; the org id keeps them in order).' },
  lead: { format: '<leadId>', description: 'One lead.' },
  teamMember: { format: '<teamMemberId>', description: 'One team member.' },
  request: { format: '<requestId>', description: 'One request of a person.' },
} as const satisfies Record<string, RecordKey>;
export type RecordKeyName = keyof typeof RecordKeys;

/** One topic an event type travels on: who publishes it there and who consumes it. */
export interface EventRoute {
  topic: string;
  sender: Party;
  /** `ce_source` when LMA builds the event; absent where it passes on the marketplace's own (a forward). */
  source?: string;
  receivers: readonly Party[];
}

export interface EventDefinition {
  type: string;
  summary: string;
  /** The schema of `data`, its name and version (the version is part of `ce_dataschema`). */
  data: { name: string; version: number; schema: z.ZodTypeAny };
  key: RecordKeyName;
  /** Where it is published first, then where it is passed on. */
  routes: readonly EventRoute[];
}

/** Topic configuration entries set where the topic is created; anything not named is the broker's default. */
export interface TopicDefinition {
  topic: string;
  description: string;
  config: Readonly<Record<string, string>>;
  /**
   * The party whose consumer group dead-letters a record of this topic that nobody can read and
   * whose type no receiver claims (not a CloudEvent, no or an unknown `ce_type`): every other group
   * skips such a record, so it lands on `<topic>.dlq` once (see `deadLettersOn`).
   */
  deadLetteredBy: Party;
}

const DAY_MS = 86_400_000;

/**
 * `lma.license.events` is compacted by license (the key), so reading it from the beginning yields
 * the latest event of every license however old, deleted ones included (a deletion is an event
 * with the whole license, never a tombstone). Compaction leaves the last 7 days alone
 * (`min.compaction.lag.ms`): a consumer less than a week behind still sees every change, not only
 * the latest. Segments roll daily so that what has passed those 7 days is compacted soon after.
 */
export const LICENSE_EVENTS_TOPIC_CONFIG = {
  'cleanup.policy': 'compact',
  'min.compaction.lag.ms': String(7 * DAY_MS),
  'segment.ms': String(DAY_MS),
} as const;

const topic = (name: string, deadLetteredBy: Party, description: string, config: Record<string, string> = {}): [string, TopicDefinition] => [
  name,
  { topic: name, description, config, deadLetteredBy },
];

export const TOPICS: ReadonlyMap<string, TopicDefinition> = new Map([
  topic(MARKETPLACE_EVENTS_TOPIC, 'install-intake', 'Package and install events published by the marketplace (docs/events.md, inbound), and its answers to snapshot requests.'),
  topic(MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, 'marketplace', "LMA's requests for the installations of a package (a refresh)."),
  topic(
    LICENSE_EVENTS_TOPIC,
    'lead',
    'One event per change of a license, with the whole license after the change and its revision (docs/events.md, outbound). Compacted by license: read from the beginning, it holds the latest state of every license.',
    LICENSE_EVENTS_TOPIC_CONFIG,
  ),
  topic(InternalTopic.MarketplaceAccepted, 'license', 'Marketplace events install-intake validated and de-duplicated, passed on with the same ce_id and data.'),
  topic(InternalTopic.LicenseCommands, 'license', 'Commands of the onboarding saga to the license service.'),
  topic(InternalTopic.LeadCommands, 'lead', 'Commands of the onboarding saga to the lead service.'),
  topic(InternalTopic.SagaReplies, 'install-intake', 'Replies of the lead and license services to the onboarding saga.'),
  topic(InternalTopic.LeadEvents, 'notification', 'Facts from the lead service: leads created and converted, lead routing, team members.'),
  topic(InternalTopic.LicenseRepublishCommands, 'license', 'Requests to publish the current state of licenses again (an administrator asked): a lane of their own, so no live change waits behind one.'),
  topic(NotificationInputTopic.OnboardingEvents, 'notification', 'Onboarding sagas that failed, parked or went on (for alerts).'),
  topic(RefreshTopic.LicenseReconcile, 'license', 'Refresh commands to the license service: reconcile a snapshot page, report the licenses a snapshot did not list.'),
  topic(RefreshTopic.OnboardingCommands, 'install-intake', 'Refresh commands to install-intake: onboard snapshot installations that have no license.'),
  topic(RefreshTopic.RefreshReplies, 'refresh', 'Replies to the refresh service.'),
]);

const route = (topic: string, sender: Party, receivers: readonly Party[], source?: string): EventRoute => ({ topic, sender, receivers, ...(source ? { source } : {}) });
const v1 = <S extends z.ZodTypeAny>(name: string, schema: S) => ({ name, version: 1, schema });

const licenseEvent = (type: string, summary: string): EventDefinition => ({
  type,
  summary,
  data: v1('LicenseV1', LicenseV1),
  key: 'installation',
  routes: [route(LICENSE_EVENTS_TOPIC, 'license', ['lead', 'license', 'notification'], LICENSE_EVENTS_SOURCE)],
});

/** Inbound from the marketplace; install-intake passes every accepted one on (a snapshot page excepted: the refresh service reads it where it arrives). */
const marketplaceEvent = (type: InboundMarketplaceType, name: string, summary: string, key: RecordKeyName, receivers: readonly Party[], acceptedBy: readonly Party[] | null): EventDefinition => ({
  type,
  summary,
  data: v1(name, marketplaceDataSchemas[type]),
  key,
  routes: [route(MARKETPLACE_EVENTS_TOPIC, 'marketplace', receivers), ...(acceptedBy ? [route(InternalTopic.MarketplaceAccepted, 'install-intake', acceptedBy)] : [])],
});

/** An event LMA publishes on one topic. */
const lma = (type: string, data: EventDefinition['data'], key: RecordKeyName, r: EventRoute, summary: string): EventDefinition => ({ type, summary, data, key, routes: [r] });

const { InstallIntake, Lead, License } = InternalSource;
const sagaReply = (sender: LmaService, source: string) => route(InternalTopic.SagaReplies, sender, ['install-intake'], source);
const leadEvent = (receivers: readonly Party[]) => route(InternalTopic.LeadEvents, 'lead', receivers, Lead);
const onboardingFact = route(NotificationInputTopic.OnboardingEvents, 'install-intake', ['notification'], InstallIntake);
const refreshReply = (sender: LmaService, source: string) => route(RefreshTopic.RefreshReplies, sender, ['refresh'], source);
const DEFINITIONS: EventDefinition[] = [
  licenseEvent(LicenseEventType.Created, 'A license was created for an install, from the package defaults.'),
  licenseEvent(LicenseEventType.Modified, 'Expiration or seats changed by a person (Modify License), org fields changed or the org locked or unlocked, or a refresh corrected the license.'),
  licenseEvent(LicenseEventType.StatusChanged, 'A person changed the status (Modify License).'),
  licenseEvent(LicenseEventType.Uninstalled, 'The package was uninstalled: status Uninstalled, used licenses blank.'),
  licenseEvent(LicenseEventType.Reinstalled, 'The package was installed again: the same license back to the default status.'),
  licenseEvent(LicenseEventType.Upgraded, 'The org upgraded to another version of the package.'),
  licenseEvent(LicenseEventType.SeatsUsedChanged, 'A seat was assigned or revoked: the count of used licenses changed.'),
  licenseEvent(LicenseEventType.Linked, 'A lead, account or contact was attached (a lead conversion).'),
  licenseEvent(LicenseEventType.Deleted, 'The org was deleted: the license stays readable as this last event.'),

  marketplaceEvent(MarketplaceEventType.PackageRegistered, 'PackageRegisteredV1', 'A package was registered, with its default license values.', 'package', ['install-intake'], ['license', 'install-intake']),
  marketplaceEvent(MarketplaceEventType.PackageVersionUploaded, 'PackageVersionUploadedV1', 'A version of a package was uploaded.', 'package', ['install-intake'], ['license', 'install-intake']),
  marketplaceEvent(MarketplaceEventType.PackageInstalled, 'PackageInstalledV1', 'A subscriber org installed a package: starts the onboarding saga.', 'installation', ['install-intake'], []),
  marketplaceEvent(MarketplaceEventType.PackageUpgraded, 'PackageUpgradedV1', 'An org upgraded a package to another version.', 'installation', ['install-intake'], ['license']),
  marketplaceEvent(MarketplaceEventType.PackageUninstalled, 'PackageUninstalledV1', 'An org uninstalled a package.', 'installation', ['install-intake'], ['license']),
  marketplaceEvent(MarketplaceEventType.OrgChanged, 'OrgChangedV1', "A subscriber org's edition, status or lifecycle changed.", 'org', ['install-intake'], ['license']),
  marketplaceEvent(MarketplaceEventType.UserLicenseChanged, 'UserLicenseChangedV1', 'A user of an org was given or lost a seat of a package.', 'installation', ['install-intake'], ['license']),
  marketplaceEvent(MarketplaceEventType.SnapshotPage, 'SnapshotPageV1', "One page of the marketplace's answer to a snapshot request.", 'package', ['refresh'], null),
  lma(MarketplaceEventType.SnapshotRequested, v1('SnapshotRequestedV1', SnapshotRequestedV1), 'package', route(MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, 'refresh', ['marketplace'], RefreshSource), 'LMA asks the marketplace for every installation of a package (a refresh).'),

  lma(CommandType.CreateLicense, v1('CreateLicenseV1', CreateLicenseV1), 'installation', route(InternalTopic.LicenseCommands, 'install-intake', ['license'], InstallIntake), 'Create the license of an install (saga step 2).'),
  lma(CommandType.ResolveLead, v1('ResolveLeadV1', ResolveLeadV1), 'installation', route(InternalTopic.LeadCommands, 'install-intake', ['lead'], InstallIntake), 'Resolve the lead of an install: create it, or match a contact or an open lead (saga step 1).'),
  lma(CommandType.WithdrawLead, v1('WithdrawLeadV1', WithdrawLeadV1), 'installation', route(InternalTopic.LeadCommands, 'install-intake', ['lead'], InstallIntake), 'Withdraw the lead this saga created (undo of step 1).'),
  lma(ReplyType.LicenseCreated, v1('LicenseCreatedReplyV1', LicenseCreatedReplyV1), 'installation', sagaReply('license', License), 'The license exists (created now, or before).'),
  lma(ReplyType.LicenseCreationParked, v1('LicenseCreationParkedV1', LicenseCreationParkedV1), 'installation', sagaReply('license', License), 'The license waits for a fix: package or version not known yet.'),
  lma(ReplyType.LicenseCreationFailed, v1('LicenseCreationFailedV1', LicenseCreationFailedV1), 'installation', sagaReply('license', License), 'The license can never be created.'),
  lma(ReplyType.LeadResolved, v1('LeadResolvedV1', LeadResolvedV1), 'installation', sagaReply('lead', Lead), 'The lead or contact the license links to.'),
  lma(ReplyType.LeadResolutionParked, v1('LeadResolutionParkedV1', LeadResolutionParkedV1), 'installation', sagaReply('lead', Lead), 'The lead waits for a fix: lead manager inactive or missing.'),
  lma(ReplyType.LeadWithdrawn, v1('LeadWithdrawnV1', LeadWithdrawnV1), 'installation', sagaReply('lead', Lead), 'The lead this saga created was withdrawn.'),
  lma(LeadEventType.LeadRoutingChanged, v1('LeadRoutingChangedV1', LeadRoutingChangedV1), 'package', leadEvent(['install-intake', 'license', 'notification']), "A package's lead manager was set or changed."),
  lma(LeadEventType.TeamMemberChanged, v1('TeamMemberChangedV1', TeamMemberChangedV1), 'teamMember', leadEvent(['install-intake', 'notification']), 'A team member was added, changed, reactivated or deactivated.'),
  lma(LeadEventType.LeadConverted, v1('LeadConvertedV1', LeadConvertedV1), 'installation', leadEvent(['license']), 'A lead became an account and a contact.'),
  lma(NotificationInputType.LeadCreated, v1('LeadCreatedV1', LeadCreatedV1), 'lead', leadEvent(['notification']), 'A lead was created.'),
  lma(NotificationInputType.OnboardingFailed, v1('OnboardingFailedV1', OnboardingFailedV1), 'installation', onboardingFact, 'An onboarding saga failed.'),
  lma(NotificationInputType.OnboardingParked, v1('OnboardingParkedV1', OnboardingParkedV1), 'installation', onboardingFact, 'An onboarding saga parked, waiting for a fix.'),
  lma(NotificationInputType.OnboardingUnparked, v1('OnboardingUnparkedV1', OnboardingUnparkedV1), 'installation', onboardingFact, 'A parked onboarding saga went on (resumed, completed or failed).'),
  lma(
    CommandType.RepublishLicenses,
    v1('RepublishLicensesV1', RepublishLicensesV1),
    'request',
    route(InternalTopic.LicenseRepublishCommands, 'license', ['license'], License),
    'Publish the current state of every license of a package (or of every package) again, with reason republish.',
  ),
  lma(RefreshCommandType.ReconcileLicenses, v1('ReconcileLicensesV1', ReconcileLicensesV1), 'package', route(RefreshTopic.LicenseReconcile, 'refresh', ['license'], RefreshSource), "Reconcile one snapshot page's installations with the package's licenses."),
  lma(RefreshCommandType.ReportUnseenLicenses, v1('ReportUnseenLicensesV1', ReportUnseenLicensesV1), 'package', route(RefreshTopic.LicenseReconcile, 'refresh', ['license'], RefreshSource), 'After the last page: report the licenses the snapshot did not list.'),
  lma(RefreshCommandType.StartOnboardings, v1('StartOnboardingsV1', StartOnboardingsV1), 'package', route(RefreshTopic.OnboardingCommands, 'refresh', ['install-intake'], RefreshSource), 'Onboard the snapshot installations that have no license.'),
  lma(RefreshReplyType.LicensesReconciled, v1('LicensesReconciledV1', LicensesReconciledV1), 'package', refreshReply('license', License), 'The outcome of each installation of a page.'),
  lma(RefreshReplyType.UnseenLicensesReported, v1('UnseenLicensesReportedV1', UnseenLicensesReportedV1), 'package', refreshReply('license', License), 'The licenses the snapshot did not list.'),
  lma(RefreshReplyType.OnboardingsStarted, v1('OnboardingsStartedV1', OnboardingsStartedV1), 'package', refreshReply('install-intake', InstallIntake), 'The sagas a page started, and the installations onboarded already.'),
];


/** Every event type, LMA's and the marketplace's, by `ce_type`. */
export const EVENTS: ReadonlyMap<string, EventDefinition> = new Map(DEFINITIONS.map((d) => [d.type, d]));

/** Every event type a consumer may see (bounds metric labels). */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(EVENTS.keys());

/**
 * The `ce_dataschema` of an event type: the URI of the JSON Schema of its `data`, type and
 * version included. CloudEvents wants an absolute URI; this one names the schema independently of
 * where LMA is deployed, and the gateway serves it at `/api/v1/schemas/<type>/v<version>`.
 */
export const dataschemaOf = (d: Pick<EventDefinition, 'type' | 'data'>): string => `urn:lma:schema:${d.type}:v${d.data.version}`;

/** Configuration entries of a topic from the registry (none for a topic it does not name, such as a `.dlq`). */
export const topicConfigOf = (topic: string): Readonly<Record<string, string>> => TOPICS.get(topic)?.config ?? {};

/**
 * Whether `party`'s consumer dead-letters a record of `topic` it cannot read, `type` being the
 * record's `ce_type` if it has one: the first receiver of that type on the topic does (it reads
 * every record of the type), else the topic's `deadLetteredBy` (unknown types, no type), else
 * everyone (a topic the registry does not know). So each unreadable record is dead-lettered once.
 */
export function deadLettersOn(party: string, topic: string, type?: string): boolean {
  const receivers = type === undefined ? undefined : EVENTS.get(type)?.routes.find((r) => r.topic === topic)?.receivers;
  return (receivers?.[0] ?? TOPICS.get(topic)?.deadLetteredBy ?? party) === party;
}

/** A CloudEvent with the topic it goes to. */
export interface TopicEvent<T = unknown> extends CloudEvent<T> {
  topic: string;
}

export interface EventOptions extends TraceContext {
  /** ce_id: deterministic (derived from what caused it), so a repeated write publishes the same id. */
  id: string;
  key: string | null;
  time: Date | string;
}

/**
 * An event of `type`, on the topic and with the source it is registered with, carrying the
 * `ce_dataschema` of its data. Throws for a type LMA does not publish.
 */
export function eventOf<T>(type: string, data: T, opts: EventOptions): TopicEvent<T> {
  const def = EVENTS.get(type);
  const first = def?.routes[0];
  if (!def || !first?.source) throw new Error(`event type ${type} is not one LMA publishes (contracts registry)`);
  const { id, key, time, traceparent, tracestate } = opts;
  return {
    topic: first.topic,
    source: first.source,
    type,
    id,
    key,
    time: typeof time === 'string' ? time : time.toISOString(),
    dataschema: dataschemaOf(def),
    data,
    ...(traceparent ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
  };
}

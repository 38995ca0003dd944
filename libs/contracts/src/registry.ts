import { LICENSE_EVENTS_SOURCE, LICENSE_EVENTS_TOPIC, LicenseEventType } from './license-events';
import { InternalSource, InternalTopic, CommandType, ReplyType, LeadEventType } from './internal';
import { MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, MarketplaceEventType } from './marketplace';
import { NotificationInputTopic, NotificationInputType } from './notification-inputs';
import { RefreshReplyType, RefreshCommandType, RefreshSource, RefreshTopic } from './refresh';
import type { CloudEvent, TraceContext } from './cloudevents';

/** Where an event type LMA publishes travels, and who publishes it: one entry per type. */
export interface EventRoute {
  topic: string;
  source: string;
}

const routes = <T extends string>(types: readonly T[], topic: string, source: string): [T, EventRoute][] => types.map((t) => [t, { topic, source }]);

/**
 * Every event type LMA publishes, with its topic and source. Events are built from it
 * (`eventOf`), so a type can never travel on another topic or under another name.
 */
export const EVENT_ROUTES: ReadonlyMap<string, EventRoute> = new Map<string, EventRoute>([
  ...routes(Object.values(LicenseEventType), LICENSE_EVENTS_TOPIC, LICENSE_EVENTS_SOURCE),
  ...routes([CommandType.CreateLicense], InternalTopic.LicenseCommands, InternalSource.InstallIntake),
  ...routes([CommandType.ResolveLead, CommandType.WithdrawLead], InternalTopic.LeadCommands, InternalSource.InstallIntake),
  ...routes([ReplyType.LicenseCreated, ReplyType.LicenseCreationParked, ReplyType.LicenseCreationFailed], InternalTopic.SagaReplies, InternalSource.License),
  ...routes([ReplyType.LeadResolved, ReplyType.LeadResolutionParked, ReplyType.LeadWithdrawn], InternalTopic.SagaReplies, InternalSource.Lead),
  ...routes([...Object.values(LeadEventType), NotificationInputType.LeadCreated], InternalTopic.LeadEvents, InternalSource.Lead),
  ...routes(
    [NotificationInputType.OnboardingFailed, NotificationInputType.OnboardingParked, NotificationInputType.OnboardingUnparked],
    NotificationInputTopic.OnboardingEvents,
    InternalSource.InstallIntake,
  ),
  ...routes([RefreshCommandType.ReconcileLicenses, RefreshCommandType.ReportUnseenLicenses], RefreshTopic.LicenseReconcile, RefreshSource),
  ...routes([RefreshCommandType.StartOnboardings], RefreshTopic.OnboardingCommands, RefreshSource),
  ...routes([RefreshReplyType.LicensesReconciled, RefreshReplyType.UnseenLicensesReported], RefreshTopic.RefreshReplies, InternalSource.License),
  ...routes([RefreshReplyType.OnboardingsStarted], RefreshTopic.RefreshReplies, InternalSource.InstallIntake),
  ...routes([MarketplaceEventType.SnapshotRequested], MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, RefreshSource),
]);

/** Every event type a consumer may see: LMA's own and the marketplace's (bounds metric labels). */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set<string>([...EVENT_ROUTES.keys(), ...Object.values(MarketplaceEventType)]);

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

/** An event of `type`, on its registered topic and source. Throws for a type LMA does not publish. */
export function eventOf<T>(type: string, data: T, opts: EventOptions): TopicEvent<T> {
  const route = EVENT_ROUTES.get(type);
  if (!route) throw new Error(`event type ${type} is not in the contracts registry`);
  const { id, key, time, traceparent, tracestate } = opts;
  return {
    topic: route.topic,
    source: route.source,
    type,
    id,
    key,
    time: typeof time === 'string' ? time : time.toISOString(),
    data,
    ...(traceparent ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
  };
}

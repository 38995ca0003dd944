import { InternalSource, InternalTopic, LeadEventType, NotificationInputType, type LeadCreatedV1, type LeadConvertedV1, type LeadRoutingChangedV1, type TeamMemberChangedV1, type TraceContext } from '@lma/contracts';
import type { OutgoingEvent } from '@lma/kafka';
import type { z } from 'zod';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** W3C trace context of an HTTP request, when it carries a well-formed one. */
export function traceOfHeaders(headers: Record<string, string | string[] | undefined>): TraceContext {
  const tp = headers['traceparent'];
  if (typeof tp !== 'string' || !TRACEPARENT.test(tp)) return {};
  const ts = headers['tracestate'];
  return { traceparent: tp, ...(typeof ts === 'string' && ts.length <= 512 ? { tracestate: ts } : {}) };
}

/** A reply to a saga command: its id derives from the command and the outcome, so a repeated answer is one event to its consumers while a later, different outcome (parked, then created) is a new one. */
export function sagaReply(commandId: string, type: string, key: string | null, data: object, now: Date, trace: TraceContext): OutgoingEvent {
  return { topic: InternalTopic.SagaReplies, id: `${commandId}:${type}`, source: InternalSource.Lead, type, time: now.toISOString(), key, data, ...trace };
}

function leadEvent(id: string, type: string, key: string, data: object, now: Date, trace: TraceContext): OutgoingEvent {
  return { topic: InternalTopic.LeadEvents, id, source: InternalSource.Lead, type, time: now.toISOString(), key, data, ...trace };
}

export const teamMemberChanged = (
  teamMemberId: string,
  active: boolean,
  revision: number,
  now: Date,
  trace: TraceContext,
  profile: { name: string; email: string; roles: string[] } | undefined = undefined,
): OutgoingEvent =>
  leadEvent(
    `${teamMemberId}:${revision}`,
    LeadEventType.TeamMemberChanged,
    teamMemberId,
    { teamMemberId, active, ...(profile ? { name: profile.name, email: profile.email, roles: profile.roles } : {}) } satisfies z.infer<typeof TeamMemberChangedV1>,
    now,
    trace,
  );

/** A lead was created (the notification service alerts the lead manager); id per lead, so a re-sent command is one event. */
export const leadCreated = (data: LeadCreatedV1, now: Date, trace: TraceContext): OutgoingEvent =>
  leadEvent(`${data.leadId}:created`, NotificationInputType.LeadCreated, data.leadId, data, now, trace);

export const routingChanged = (packageId: string, leadManagerId: string | null, revision: number, now: Date, trace: TraceContext): OutgoingEvent =>
  leadEvent(
    `${packageId}:routing:${revision}`,
    LeadEventType.LeadRoutingChanged,
    packageId,
    { packageId, leadManagerId } satisfies z.infer<typeof LeadRoutingChangedV1>,
    now,
    trace,
  );

export const leadConverted = (data: LeadConvertedV1, key: string, now: Date, trace: TraceContext): OutgoingEvent =>
  leadEvent(`${data.leadId}:converted`, LeadEventType.LeadConverted, key, data, now, trace);

import { LeadEventType, NotificationInputType, eventOf, type LeadConvertedV1, type LeadCreatedV1, type LeadRoutingChangedV1, type TeamMemberChangedV1, type TopicEvent, type TraceContext } from '@lma/contracts';
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
export const sagaReply = (commandId: string, type: string, key: string | null, data: object, now: Date, trace: TraceContext): TopicEvent =>
  eventOf(type, data, { id: `${commandId}:${type}`, key, time: now, ...trace });

export const teamMemberChanged = (
  teamMemberId: string,
  active: boolean,
  revision: number,
  now: Date,
  trace: TraceContext,
  profile: { name: string; email: string; roles: string[] } | undefined = undefined,
): TopicEvent =>
  eventOf<z.infer<typeof TeamMemberChangedV1>>(
    LeadEventType.TeamMemberChanged,
    { teamMemberId, active, ...(profile ? { name: profile.name, email: profile.email, roles: profile.roles } : {}) },
    { id: `${teamMemberId}:${revision}`, key: teamMemberId, time: now, ...trace },
  );

/** A lead was created (the notification service alerts the lead manager); id per lead, so a re-sent command is one event. */
export const leadCreated = (data: LeadCreatedV1, now: Date, trace: TraceContext): TopicEvent =>
  eventOf(NotificationInputType.LeadCreated, data, { id: `${data.leadId}:created`, key: data.leadId, time: now, ...trace });

export const routingChanged = (packageId: string, leadManagerId: string | null, revision: number, now: Date, trace: TraceContext): TopicEvent =>
  eventOf<z.infer<typeof LeadRoutingChangedV1>>(LeadEventType.LeadRoutingChanged, { packageId, leadManagerId }, { id: `${packageId}:routing:${revision}`, key: packageId, time: now, ...trace });

export const leadConverted = (data: LeadConvertedV1, key: string, now: Date, trace: TraceContext): TopicEvent =>
  eventOf(LeadEventType.LeadConverted, data, { id: `${data.leadId}:converted`, key, time: now, ...trace });

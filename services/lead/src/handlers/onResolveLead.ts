import { ReplyType, ResolveLeadV1, installationKey, parseData, traceContext, type CloudEvent, type LeadResolutionParkedV1, type LeadResolvedV1, type TraceContext } from '@lma/contracts';
import { RetryableError, type Clock } from '@lma/core';
import { claimHeldKey } from '../domain/keys';
import { contactEmailKey, contactWithEmail, holdsOpenKey, leadIdFor, newLead, openKeyFor, openLeadKeyOf, pendingInsertOf, type Lead, type OpenLeadKey, type PendingLead } from '../domain/lead';
import { decideResolution, newLeadResolved, type ResolutionFacts } from '../domain/resolution';
import { DEFAULT_ROUTING } from '../domain/team';
import { KeyCollection, type LeadData } from '../infra/aggregates';
import { answerCommand } from '../infra/answeredCommands';
import { leadCreated, sagaReply } from '../infra/events';

export interface ResolveLeadDeps {
  data: LeadData;
  clock: Clock;
}

/** Claims of the open-lead key that can lose a race (to this saga's lead or another open lead) before the rules are simply decided again. */
const MAX_DECISIONS = 3;

/**
 * The lead a key names. An insert the key still waits for is finished here: its writer took the
 * key and may have died before the insert (or is doing it right now; only one insert wins).
 */
async function leadOfKey(data: LeadData, key: OpenLeadKey | null): Promise<Lead | null> {
  if (!key?.holder) return null;
  const lead = await data.leads.get(key.holder);
  const pending = pendingInsertOf(key);
  if (lead || !pending) return lead;
  await data.leads.insertOnce(pending.lead, pending.events);
  return await data.leads.get(key.holder);
}

interface Loaded {
  facts: ResolutionFacts;
  /** Whether the open-lead key of the installer's email and company exists at all. */
  keyExists: boolean;
  /** Its holder, found not to hold it any more (it may be taken over). */
  staleHolder: string | null;
}

/** The facts of the duplicate rules, all read by `_id`, and what was found of the open-lead key. */
async function loadFacts(data: LeadData, cmd: ResolveLeadV1): Promise<Loaded> {
  const email = contactEmailKey(cmd.installer.email);
  const openKey = openKeyFor(cmd.installer.email, cmd.installer.company);
  const ownLeadId = leadIdFor(cmd.sagaId);
  const [ownLead, settings, key, contactsOfEmail] = await Promise.all([
    data.leads.get(ownLeadId),
    data.packageSettings.get(cmd.packageId),
    data.openLeadKeys.get(openKey),
    data.contactEmails.get(email),
  ]);
  const routing = settings ? { leadManagerId: settings.leadManagerId ?? null, contactMatching: settings.contactMatching ?? true } : DEFAULT_ROUTING;
  const [leadManager, holder, listed] = await Promise.all([
    routing.leadManagerId === null ? null : data.teamMembers.get(routing.leadManagerId),
    leadOfKey(data, key),
    routing.contactMatching ? Promise.all((contactsOfEmail?.ids ?? []).map((id) => data.contacts.get(id))) : [],
  ]);
  const openLead = holdsOpenKey(holder, openKey) ? holder : null;
  return {
    // this saga's lead may be the one just finished from its key (its earlier delivery took the key and stopped)
    facts: { leadOfThisSaga: ownLead ?? (holder?._id === ownLeadId ? holder : null), routing, leadManager, contact: contactWithEmail(listed, email), openLead },
    keyExists: key !== null,
    staleHolder: key?.holder && !openLead ? key.holder : null,
  };
}

/** The new lead with its events: the reply to the command, and `lead.created` for the notification service. */
function leadToCreate(cmd: ResolveLeadV1, ownerId: string, now: Date, trace: TraceContext, key: string): PendingLead {
  const lead = newLead(cmd, ownerId, now);
  const resolved: LeadResolvedV1 = { sagaId: cmd.sagaId, commandId: cmd.commandId, ...newLeadResolved(lead) };
  const created = leadCreated(
    {
      leadId: lead._id,
      packageId: lead.packageId,
      subscriberOrgId: lead.subscriberOrgId,
      ownerId: lead.ownerId,
      company: lead.company,
      firstName: lead.firstName,
      lastName: lead.lastName,
      email: lead.email,
      leadSource: lead.leadSource,
      createdAt: now.toISOString(),
    },
    now,
    trace,
  );
  return { lead, events: [sagaReply(cmd.commandId, ReplyType.LeadResolved, key, resolved, now, trace), created] };
}

/**
 * Saga step "resolve the lead": apply the duplicate rules, then create the lead (its reply in the
 * same document write) or answer through the command's own outbox. The lead is created only by
 * the writer that took its open-lead key (email and company) first; one that loses the key
 * decides again and finds the winner. Redelivered and re-sent commands find this saga's lead by
 * its derived id and answer again with the same reply id; nothing new is created.
 */
export function onResolveLead(deps: ResolveLeadDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(ResolveLeadV1, event.data);
    const now = deps.clock.now();
    const trace = traceContext(event);
    const key = installationKey(cmd.packageId, cmd.subscriberOrgId);
    const ref = { sagaId: cmd.sagaId, commandId: cmd.commandId };

    for (let decision = 1; decision <= MAX_DECISIONS; decision++) {
      const { facts, keyExists, staleHolder } = await loadFacts(deps.data, cmd);
      const r = decideResolution(facts);
      if (r.kind === 'parked') {
        const data: LeadResolutionParkedV1 = { ...ref, reason: r.reason, detail: r.detail };
        return await answerCommand(deps.data, ref, sagaReply(cmd.commandId, ReplyType.LeadResolutionParked, key, data, now, trace), now);
      }
      if (r.kind === 'resolved') {
        const data: LeadResolvedV1 = { ...ref, ...r.lead };
        return await answerCommand(deps.data, ref, sagaReply(cmd.commandId, ReplyType.LeadResolved, key, data, now, trace), now);
      }
      const pending = leadToCreate(cmd, r.ownerId, now, trace, key);
      const openKey = openLeadKeyOf(pending);
      // a first key is one insert; one that exists (released, or stale) changes through its aggregate
      const took = keyExists
        ? (await deps.data.openLeadKeys.update(openKey._id, (current) => {
            const next = claimHeldKey(current, openKey, staleHolder);
            return next ? { state: next } : null;
          })).written
        : await deps.data.insertKey(KeyCollection.OpenLeads, openKey);
      if (took) {
        await deps.data.leads.insertOnce(pending.lead, pending.events);
        return;
      }
      // another lead took the key first (or this saga's own, on a concurrent delivery): the next decision sees it
    }
    throw new RetryableError(`ResolveLead ${cmd.commandId}: the open lead of its email and company changed ${MAX_DECISIONS} times while deciding; will retry`);
  };
}

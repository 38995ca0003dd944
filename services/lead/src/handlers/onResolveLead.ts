import { ReplyType, ResolveLeadV1, installationKey, parseData, type CloudEvent, type LeadResolutionParkedV1, type LeadResolvedV1, traceContext } from '@lma/contracts';
import { isDuplicateKey, type Clock } from '@lma/core';
import { outboxOnInsert, type Publisher } from '@lma/kafka';
import { leadIdFor, newLead, normalizeEmail, openKeyFor } from '../domain/lead';
import { decideResolution, newLeadResolved, type ResolutionFacts } from '../domain/resolution';
import { DEFAULT_ROUTING } from '../domain/team';
import { leadCreated, sagaReply } from '../infra/events';
import type { Models } from '../infra/models';

export interface ResolveLeadDeps {
  models: Models;
  publisher: Publisher;
  clock: Clock;
  kick: () => void;
}

/** Inserts that can lose a race (to this saga's lead or another open lead) before the rules are simply decided again. */
const MAX_DECISIONS = 3;

async function loadFacts(m: Models, cmd: ResolveLeadV1): Promise<ResolutionFacts> {
  const email = normalizeEmail(cmd.installer.email);
  const [leadOfThisSaga, settings] = await Promise.all([
    m.Lead.findById(leadIdFor(cmd.sagaId), { ownerId: 1, convertedAccountId: 1, convertedContactId: 1 }).lean(),
    m.PackageSettings.findById(cmd.packageId, { leadManagerId: 1, contactMatching: 1 }).lean(),
  ]);
  const routing = settings ? { leadManagerId: settings.leadManagerId ?? null, contactMatching: settings.contactMatching ?? true } : DEFAULT_ROUTING;
  const [leadManager, contact, openLead] = await Promise.all([
    routing.leadManagerId === null ? null : m.TeamMember.findById(routing.leadManagerId, { active: 1 }).lean(),
    routing.contactMatching ? m.Contact.findOne({ email }, { accountId: 1, ownerId: 1 }).sort({ _id: 1 }).lean() : null,
    m.Lead.findOne({ openKey: openKeyFor(email, cmd.installer.company) }, { ownerId: 1 }).lean(),
  ]);
  return { leadOfThisSaga, routing, leadManager, contact, openLead };
}

/**
 * Saga step "resolve the lead": apply the duplicate rules, then create the lead (its reply in the
 * same document write) or answer at once. Redelivered and re-sent commands find this saga's
 * lead by its derived id and answer again with the same reply id; nothing new is created.
 */
export function onResolveLead(deps: ResolveLeadDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(ResolveLeadV1, event.data);
    const now = deps.clock.now();
    const trace = traceContext(event);
    const key = installationKey(cmd.packageId, cmd.subscriberOrgId);
    const ref = { sagaId: cmd.sagaId, commandId: cmd.commandId };

    for (let decision = 1; ; decision++) {
      const r = decideResolution(await loadFacts(deps.models, cmd));
      if (r.kind === 'parked') {
        const data: LeadResolutionParkedV1 = { ...ref, reason: r.reason, detail: r.detail };
        await deps.publisher.publish([sagaReply(cmd.commandId, ReplyType.LeadResolutionParked, key, data, now, trace)]);
        return;
      }
      if (r.kind === 'resolved') {
        const data: LeadResolvedV1 = { ...ref, ...r.lead };
        await deps.publisher.publish([sagaReply(cmd.commandId, ReplyType.LeadResolved, key, data, now, trace)]);
        return;
      }
      const lead = newLead(cmd, r.ownerId, now);
      const reply = sagaReply(cmd.commandId, ReplyType.LeadResolved, key, { ...ref, ...newLeadResolved(lead) } satisfies LeadResolvedV1, now, trace);
      try {
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
        await deps.models.Lead.create({ ...lead, ...outboxOnInsert([reply, created], now) });
        deps.kick();
        return;
      } catch (err) {
        // Lost to this saga's own lead (a concurrent delivery) or to another open lead with the
        // same email and company: the next decision sees the winner.
        if (!isDuplicateKey(err) || decision >= MAX_DECISIONS) throw err;
      }
    }
  };
}

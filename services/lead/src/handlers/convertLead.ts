import { installationKey, type LeadConvertedV1, type TraceContext } from '@lma/contracts';
import { ConflictError, NotFoundError, UnprocessableError, type Clock } from '@lma/core';
import { auditEntryId } from '../domain/audit';
import { conversionRefusal, convertedLead, planConversion, type Contact, type ConversionTarget, type Lead } from '../domain/lead';
import type { LeadData } from '../infra/aggregates';
import { recordAudit } from '../infra/audit';
import { leadConverted } from '../infra/events';
import { listContactEmail, releaseOpenKey } from '../infra/keys';
import type { Models } from '../infra/models';

export interface ConvertLeadDeps {
  models: Models;
  data: LeadData;
  clock: Clock;
}

export interface ConvertLeadRequest {
  leadId: string;
  accountId?: string | undefined;
  accountName?: string | undefined;
  /** Who converts (the caller's subject), for the audit. */
  actor: string;
}

/** 409 with the reason; a converted lead names its account and contact. */
const refused = (lead: Lead, reason: string) =>
  new ConflictError('lead-not-open', reason, lead.status === 'Converted' ? { accountId: lead.convertedAccountId, contactId: lead.convertedContactId } : undefined);

/**
 * Converts an open lead into a contact and an account (existing or new), marks it Converted and
 * publishes `lma.lead.converted` in that same write (conditional on the lead's version, so a
 * concurrent withdrawal or conversion is seen). The contact's and the new account's ids derive from
 * the lead, so their inserts are idempotent: a conversion interrupted after them (crash, or a
 * request on another replica) is finished with the contact and account it chose, never a second
 * pair. The contact is listed under its email before it is written; the lead's open-lead key is
 * let go after the lead is written.
 */
export async function convertLead(deps: ConvertLeadDeps, req: ConvertLeadRequest, trace: TraceContext): Promise<LeadConvertedV1> {
  const { data } = deps;
  const now = deps.clock.now();
  const lead = await data.leads.get(req.leadId);
  if (!lead) throw new NotFoundError(`Lead ${req.leadId}`);
  let target: ConversionTarget = { kind: 'new-account', name: req.accountName };
  if (req.accountId !== undefined) {
    const account = await data.accounts.get(req.accountId);
    if (!account) throw new UnprocessableError('unknown-account', `Account ${req.accountId} does not exist`, [{ field: 'body.accountId', reason: 'names no account' }]);
    target = { kind: 'existing-account', account };
  }
  const plan = planConversion(lead, target, now);
  if (!plan.ok) throw refused(lead, plan.reason);
  if (plan.newAccount) await data.accounts.insertOnce(plan.account);
  await listContactEmail(data, plan.contact);
  const contact: Contact = (await data.contacts.insertOnce(plan.contact)) ? plan.contact : ((await data.contacts.get(plan.contact._id)) ?? plan.contact);
  const converted: LeadConvertedV1 = { leadId: lead._id, accountId: contact.accountId, contactId: contact._id, convertedAt: now.toISOString() };
  await recordAudit(deps.models, {
    _id: auditEntryId('lead', lead._id, 'converted'),
    resourceType: 'lead',
    resourceId: lead._id,
    action: 'lead.converted',
    actor: req.actor,
    at: now,
    revision: null,
    before: { status: lead.status, convertedAccountId: lead.convertedAccountId, convertedContactId: lead.convertedContactId },
    after: { status: plan.set.status, convertedAccountId: contact.accountId, convertedContactId: contact._id, newAccount: plan.newAccount },
  });
  const event = leadConverted(converted, installationKey(lead.packageId, lead.subscriberOrgId), now, trace);
  const written = await data.leads.update<Lead | null>(lead._id, (current) => {
    const next = current && convertedLead(current, plan.set, contact);
    return next ? { state: next, events: [event] } : { result: current };
  });
  if (!written.written) {
    const current = written.result;
    if (!current) throw new NotFoundError(`Lead ${req.leadId}`);
    // the same conversion, finished by a concurrent request: its answer
    if (current.status !== 'Converted' || current.convertedContactId !== contact._id || !current.convertedAt) throw refused(current, conversionRefusal(current) ?? `Lead ${current._id} changed while it was converted`);
    await releaseOpenKey(data, current);
    return { leadId: current._id, accountId: current.convertedAccountId ?? contact.accountId, contactId: contact._id, convertedAt: new Date(current.convertedAt).toISOString() };
  }
  await releaseOpenKey(data, lead);
  return converted;
}

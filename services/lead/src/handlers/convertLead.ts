import { installationKey, type LeadConvertedV1, type TraceContext } from '@lma/contracts';
import { ConflictError, NotFoundError, UnprocessableError, isDuplicateKey, type Clock } from '@lma/core';
import { outboxUpdate, type DocumentLocks } from '@lma/kafka';
import { auditEntryId } from '../domain/audit';
import { planConversion, type Account, type Contact, type ConversionTarget, type Lead } from '../domain/lead';
import { recordAudit } from '../infra/audit';
import { leadConverted } from '../infra/events';
import type { Models } from '../infra/models';

export interface ConvertLeadDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
}

export interface ConvertLeadRequest {
  leadId: string;
  accountId?: string | undefined;
  accountName?: string | undefined;
  /** Who converts (the caller's subject), for the audit. */
  actor: string;
}

/**
 * Converts an open lead into a contact and an account (existing or new), marks it Converted and
 * publishes `lma.lead.converted` in that same write. The contact's id derives from the lead, so
 * its insert is the claim: a conversion interrupted after it (crash, or a request on another
 * replica) is finished with the contact and account it chose, never a second pair.
 */
export async function convertLead(deps: ConvertLeadDeps, req: ConvertLeadRequest, trace: TraceContext): Promise<LeadConvertedV1> {
  const result = await deps.locks.run(req.leadId, async () => {
    const now = deps.clock.now();
    const lead = (await deps.models.Lead.findById(req.leadId, { outbox: 0, outboxAt: 0 }).lean()) as Lead | null;
    if (!lead) throw new NotFoundError(`Lead ${req.leadId}`);
    let target: ConversionTarget = { kind: 'new-account', name: req.accountName };
    if (req.accountId !== undefined) {
      const account = (await deps.models.Account.findById(req.accountId).lean()) as Account | null;
      if (!account) throw new UnprocessableError(`Account ${req.accountId} does not exist`, [{ field: 'body.accountId', reason: 'names no account' }]);
      target = { kind: 'existing-account', account };
    }
    const plan = planConversion(lead, target, now);
    if (!plan.ok) {
      throw new ConflictError(
        plan.reason,
        lead.status === 'Converted' ? { accountId: lead.convertedAccountId, contactId: lead.convertedContactId } : undefined,
      );
    }
    if (plan.newAccount) await insertOnce(deps.models.Account, plan.account);
    const contact = await insertOrFind(deps.models.Contact, plan.contact);
    const data: LeadConvertedV1 = { leadId: lead._id, accountId: contact.accountId, contactId: contact._id, convertedAt: now.toISOString() };
    const event = leadConverted(data, installationKey(lead.packageId, lead.subscriberOrgId), now, trace);
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
    await deps.models.Lead.updateOne(
      { _id: lead._id, status: 'Open' },
      { $set: { ...plan.set, convertedAccountId: contact.accountId }, ...outboxUpdate([event], now) },
    );
    return data;
  });
  deps.kick();
  return result;
}

async function insertOnce<T extends { _id: string }>(model: { create(doc: T): Promise<unknown> }, doc: T): Promise<void> {
  try {
    await model.create(doc);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

async function insertOrFind(model: Models['Contact'], doc: Contact): Promise<Contact> {
  try {
    await model.create(doc);
    return doc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = (await model.findById(doc._id).lean()) as Contact | null;
    if (!existing) throw err;
    return existing;
  }
}

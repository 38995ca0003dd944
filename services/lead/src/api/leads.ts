import type { Express } from 'express';
import { leadApi, mountRoute } from '@lma/api';
import { NotFoundError } from '@lma/core';
import type { Account, Contact, Lead } from '../domain/lead';
import { convertLead } from '../handlers/convertLead';
import { traceOfHeaders } from '../infra/events';
import { HIDDEN, licensesOf, pageByCreation, withId } from './common';
import type { ApiDeps } from './deps';

const LEAD_VIEW = { ...HIDDEN, openKey: 0 } as const;

/** Defined filters only: every value was validated against its route's schema (no operators get here). */
const defined = (f: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));

/** Leads, their conversion, and the contacts and accounts conversions create, each with its licenses. */
export function mountLeads(app: Express, deps: ApiDeps): void {
  const m = deps.models;

  mountRoute(app, leadApi.listLeads, async ({ query: q }) => {
    const filter = defined({ leadSource: q.leadSource, status: q.status, ownerId: q.ownerId, packageId: q.packageId, subscriberOrgId: q.subscriberOrgId });
    const p = await pageByCreation<Lead>(m.Lead, filter, q, LEAD_VIEW);
    const licenses = await licensesOf(m, 'leadId', p.items.map((l) => l._id));
    return { items: p.items.map((l) => ({ ...withId('leadId', l), licenses: licenses(l._id) })), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getLead, async ({ params }) => {
    const lead = (await m.Lead.findById(params.leadId, LEAD_VIEW).lean()) as Lead | null;
    if (!lead) throw new NotFoundError(`Lead ${params.leadId}`);
    return { ...withId('leadId', lead), licenses: (await licensesOf(m, 'leadId', [lead._id]))(lead._id) };
  });

  mountRoute(app, leadApi.convertLead, async ({ params, body, principal }, req) =>
    convertLead(deps, { leadId: params.leadId, accountId: body.accountId, accountName: body.accountName, actor: principal.subject }, traceOfHeaders(req.headers)),
  );

  mountRoute(app, leadApi.listContacts, async ({ query: q }) => {
    const p = await pageByCreation<Contact>(m.Contact, defined({ email: q.email, accountId: q.accountId, ownerId: q.ownerId }), q);
    const licenses = await licensesOf(m, 'contactId', p.items.map((c) => c._id));
    return { items: p.items.map((c) => ({ ...withId('contactId', c), licenses: licenses(c._id) })), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getContact, async ({ params }) => {
    const contact = (await m.Contact.findById(params.contactId).lean()) as Contact | null;
    if (!contact) throw new NotFoundError(`Contact ${params.contactId}`);
    return { ...withId('contactId', contact), licenses: (await licensesOf(m, 'contactId', [contact._id]))(contact._id) };
  });

  mountRoute(app, leadApi.listAccounts, async ({ query: q }) => {
    const p = await pageByCreation<Account>(m.Account, defined({ ownerId: q.ownerId, name: q.name }), q);
    const licenses = await licensesOf(m, 'accountId', p.items.map((a) => a._id));
    return { items: p.items.map((a) => ({ ...withId('accountId', a), licenses: licenses(a._id) })), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getAccount, async ({ params }) => {
    const account = (await m.Account.findById(params.accountId).lean()) as Account | null;
    if (!account) throw new NotFoundError(`Account ${params.accountId}`);
    return { ...withId('accountId', account), licenses: (await licensesOf(m, 'accountId', [account._id]))(account._id) };
  });
}

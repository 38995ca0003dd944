import type { Express } from 'express';
import { leadApi, mountRoute } from '@lma/api';
import { NotFoundError } from '@lma/core';
import type { Account, Contact, Lead } from '../domain/lead';
import { convertLead } from '../handlers/convertLead';
import { traceOfHeaders } from '../infra/events';
import type { ApiDeps } from './deps';
import { licensesOf } from './linkedLicenses';
import { HIDDEN, pageByCreation, withId } from './pages';

const LEAD_VIEW = { ...HIDDEN, openKey: 0 } as const;
const leadView = ({ openKey: _hidden, ...lead }: Lead) => withId('leadId', lead);

/** Defined filters only: every value was validated against its route's schema (no operators get here). */
const defined = (f: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));

/** Leads, their conversion, and the contacts and accounts conversions create, each with its licenses. */
export function mountLeads(app: Express, deps: ApiDeps): void {
  const m = deps.models;
  const d = deps.data;

  mountRoute(app, leadApi.listLeads, async ({ query: q }) => {
    const filter = defined({ leadSource: q.leadSource, status: q.status, ownerId: q.ownerId, packageId: q.packageId, subscriberOrgId: q.subscriberOrgId });
    const p = await pageByCreation<Lead>(m.Lead, filter, q, LEAD_VIEW);
    const licenses = await licensesOf(d, 'leadId', p.items.map((l) => l._id));
    return { items: p.items.map((l) => ({ ...withId('leadId', l), licenses: licenses(l._id) })), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getLead, async ({ params }) => {
    const lead = await d.leads.get(params.leadId);
    if (!lead) throw new NotFoundError(`Lead ${params.leadId}`);
    return { ...leadView(lead), licenses: (await licensesOf(d, 'leadId', [lead._id]))(lead._id) };
  });

  mountRoute(app, leadApi.convertLead, async ({ params, body, principal }, req) =>
    convertLead(deps, { leadId: params.leadId, accountId: body.accountId, accountName: body.accountName, actor: principal.subject }, traceOfHeaders(req.headers)),
  );

  mountRoute(app, leadApi.listContacts, async ({ query: q }) => {
    const p = await pageByCreation<Contact>(m.Contact, defined({ email: q.email, accountId: q.accountId, ownerId: q.ownerId }), q, HIDDEN);
    const licenses = await licensesOf(d, 'contactId', p.items.map((c) => c._id));
    return { items: p.items.map((c) => ({ ...withId('contactId', c), licenses: licenses(c._id) })), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getContact, async ({ params }) => {
    const contact = await d.contacts.get(params.contactId);
    if (!contact) throw new NotFoundError(`Contact ${params.contactId}`);
    return { ...withId('contactId', contact), licenses: (await licensesOf(d, 'contactId', [contact._id]))(contact._id) };
  });

  mountRoute(app, leadApi.listAccounts, async ({ query: q }) => {
    const p = await pageByCreation<Account>(m.Account, defined({ ownerId: q.ownerId, name: q.name }), q, HIDDEN);
    const licenses = await licensesOf(d, 'accountId', p.items.map((a) => a._id));
    return { items: p.items.map((a) => ({ ...withId('accountId', a), licenses: licenses(a._id) })), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getAccount, async ({ params }) => {
    const account = await d.accounts.get(params.accountId);
    if (!account) throw new NotFoundError(`Account ${params.accountId}`);
    return { ...withId('accountId', account), licenses: (await licensesOf(d, 'accountId', [account._id]))(account._id) };
  });
}

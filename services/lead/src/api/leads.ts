import type { Express } from 'express';
import { z } from 'zod';
import { NotFoundError, parseInput, requirePermission } from '@lma/core';
import { ACCOUNT_ID, CONTACT_ID, LEAD_ID, LEAD_STATUSES, type Account, type Contact, type Lead } from '../domain/lead';
import { convertLead } from '../handlers/convertLead';
import { traceOfHeaders } from '../infra/events';
import { HIDDEN, Limit, page, withId } from './common';
import type { ApiDeps } from './deps';

const LeadId = z.string().regex(LEAD_ID, 'must be a lead id (lead_ and 24 hex digits)');
const ContactId = z.string().regex(CONTACT_ID, 'must be a contact id (contact_ and 24 hex digits)');
const AccountId = z.string().regex(ACCOUNT_ID, 'must be an account id (account_ and 24 hex digits)');

const LeadQuery = z
  .object({ leadSource: z.string().trim().min(1).max(80).optional(), status: z.enum(LEAD_STATUSES).optional(), cursor: LeadId.optional(), limit: Limit })
  .strict();
const ContactQuery = z
  .object({
    email: z.string().trim().email('must be an email address').max(254).transform((e) => e.toLowerCase()).optional(),
    accountId: AccountId.optional(),
    cursor: ContactId.optional(),
    limit: Limit,
  })
  .strict();
const AccountQuery = z.object({ cursor: AccountId.optional(), limit: Limit }).strict();
const ConvertBody = z
  .object({ accountId: AccountId.optional(), accountName: z.string().trim().min(1, 'must not be empty').max(255).optional() })
  .strict()
  .refine((b) => !(b.accountId && b.accountName), 'give accountId (an existing account) or accountName (a new one), not both');

const LEAD_VIEW = { ...HIDDEN, openKey: 0 } as const;
const leadView = (l: Omit<Lead, 'openKey'>) => withId('leadId', l);
const contactView = (c: Contact) => withId('contactId', c);
const accountView = (a: Account) => withId('accountId', a);

/** Leads, their conversion, and the contacts and accounts conversions create. */
export function mountLeads(app: Express, deps: ApiDeps): void {
  app.get('/v1/leads', requirePermission('leads:read'), async (req, res) => {
    const q = parseInput(LeadQuery, req.query, 'query');
    const filter = { ...(q.leadSource ? { leadSource: q.leadSource } : {}), ...(q.status ? { status: q.status } : {}) };
    const p = await page((f, limit) => deps.models.Lead.find(f, LEAD_VIEW).sort({ _id: 1 }).limit(limit).lean() as Promise<Lead[]>, filter, q.cursor, q.limit);
    res.json({ items: p.items.map(leadView), nextCursor: p.nextCursor });
  });

  app.get('/v1/leads/:leadId', requirePermission('leads:read'), async (req, res) => {
    const { leadId } = parseInput(z.object({ leadId: LeadId }).strict(), req.params, 'path');
    const lead = (await deps.models.Lead.findById(leadId, LEAD_VIEW).lean()) as Lead | null;
    if (!lead) throw new NotFoundError(`Lead ${leadId}`);
    res.json(leadView(lead));
  });

  app.post('/v1/leads/:leadId/convert', requirePermission('leads:edit'), async (req, res) => {
    const { leadId } = parseInput(z.object({ leadId: LeadId }).strict(), req.params, 'path');
    const body = parseInput(ConvertBody, req.body ?? {}, 'body');
    res.json(await convertLead(deps, { leadId, ...body }, traceOfHeaders(req.headers)));
  });

  app.get('/v1/contacts', requirePermission('contacts:read'), async (req, res) => {
    const q = parseInput(ContactQuery, req.query, 'query');
    const filter = { ...(q.email ? { email: q.email } : {}), ...(q.accountId ? { accountId: q.accountId } : {}) };
    const p = await page((f, limit) => deps.models.Contact.find(f).sort({ _id: 1 }).limit(limit).lean() as Promise<Contact[]>, filter, q.cursor, q.limit);
    res.json({ items: p.items.map(contactView), nextCursor: p.nextCursor });
  });

  app.get('/v1/contacts/:contactId', requirePermission('contacts:read'), async (req, res) => {
    const { contactId } = parseInput(z.object({ contactId: ContactId }).strict(), req.params, 'path');
    const contact = (await deps.models.Contact.findById(contactId).lean()) as Contact | null;
    if (!contact) throw new NotFoundError(`Contact ${contactId}`);
    res.json(contactView(contact));
  });

  app.get('/v1/accounts', requirePermission('accounts:read'), async (req, res) => {
    const q = parseInput(AccountQuery, req.query, 'query');
    const p = await page((f, limit) => deps.models.Account.find(f).sort({ _id: 1 }).limit(limit).lean() as Promise<Account[]>, {}, q.cursor, q.limit);
    res.json({ items: p.items.map(accountView), nextCursor: p.nextCursor });
  });

  app.get('/v1/accounts/:accountId', requirePermission('accounts:read'), async (req, res) => {
    const { accountId } = parseInput(z.object({ accountId: AccountId }).strict(), req.params, 'path');
    const account = (await deps.models.Account.findById(accountId).lean()) as Account | null;
    if (!account) throw new NotFoundError(`Account ${accountId}`);
    res.json(accountView(account));
  });
}

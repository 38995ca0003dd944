import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandType,
  InternalSource,
  InternalTopic,
  LeadConvertedV1,
  LeadEventType,
  LeadResolutionParkedV1,
  LeadResolvedV1,
  LeadWithdrawnV1,
  NotificationInputType,
  ReplyType,
  dlqTopic,
  installationKey,
  type ResolveLeadV1,
  type WithdrawLeadV1,
} from '@lma/contracts';
import { eventually, ids, type ReceivedRecord } from '@lma/testing';
import { Harness, forwarded } from './harness';

const DLQ = dlqTopic(InternalTopic.LeadCommands);
const h = new Harness('lead');
let baseUrl = '';

beforeAll(async () => {
  await h.start(['lead'], [InternalTopic.SagaReplies, InternalTopic.LeadEvents, DLQ]);
  baseUrl = h.service('lead').url;
});
afterAll(async () => {
  await h.stop();
});

/** As the gateway forwards a call of an administrator (signed per call: a forwarded token lives minutes). */
const admin = () => forwarded('lead', ['admin']);
const rand = () => randomBytes(4).toString('hex');
const leads = () => h.db('lead').collection('leads');

interface ApiResponse {
  status: number;
  contentType: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}
async function api(method: string, path: string, body?: unknown, authorization: string | null = admin()): Promise<ApiResponse> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.json() };
}

// --- the saga, as install-intake drives it ---

function resolveCommand(overrides: Partial<ResolveLeadV1> = {}, installer: Partial<ResolveLeadV1['installer']> = {}): ResolveLeadV1 {
  const sagaId = overrides.sagaId ?? `onb:${randomUUID()}`;
  return {
    sagaId,
    commandId: `${sagaId}:resolve-lead:1`,
    packageId: ids.packageId(),
    subscriberOrgId: ids.subscriberOrgId(),
    orgName: 'Navy Labs Production',
    ...overrides,
    installer: {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: `grace.${rand()}@example.com`,
      company: `Navy Labs ${rand()}`,
      phone: '+1 202 555 0100',
      country: 'US',
      state: 'VA',
      ...installer,
    },
  };
}

async function sendResolve(cmd: ResolveLeadV1, extra: { id?: string; traceparent?: string } = {}) {
  return await h.kafka.publishEvent(InternalTopic.LeadCommands, {
    type: CommandType.ResolveLead,
    key: installationKey(cmd.packageId, cmd.subscriberOrgId),
    data: cmd,
    source: InternalSource.InstallIntake,
    id: extra.id ?? cmd.commandId,
    ...(extra.traceparent ? { traceparent: extra.traceparent } : {}),
  });
}

async function sendWithdraw(cmd: WithdrawLeadV1, key: string) {
  return await h.kafka.publishEvent(InternalTopic.LeadCommands, { type: CommandType.WithdrawLead, key, data: cmd, source: InternalSource.InstallIntake, id: cmd.commandId });
}

const repliesTo = (commandId: string): ReceivedRecord[] =>
  h.kafka.recordsOn(InternalTopic.SagaReplies, (r) => (r.event?.data as { commandId?: string } | undefined)?.commandId === commandId);

async function replyTo(commandId: string): Promise<ReceivedRecord> {
  return await eventually(`the reply to ${commandId}`, () => repliesTo(commandId)[0]);
}

async function resolved(cmd: ResolveLeadV1): Promise<LeadResolvedV1> {
  const r = await replyTo(cmd.commandId);
  expect(r.event!.type).toBe(ReplyType.LeadResolved);
  return LeadResolvedV1.parse(r.event!.data);
}

const leadEvents = (type: string, filter: (data: Record<string, unknown>) => boolean) =>
  h.kafka.recordsOn(InternalTopic.LeadEvents, (r) => r.event?.type === type && filter(r.event.data as Record<string, unknown>));

// --- the team, as a partner admin manages it ---

async function createMember(overrides: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
  const res = await api('POST', '/v1/team-members', { id: `lm-${rand()}`, name: 'Ada Lovelace', email: `ada.${rand()}@vendor.example`, roles: ['lead-manager'], ...overrides });
  expect(res.status).toBe(201);
  return res.body;
}

async function routeTo(packageId: string, body: { leadManagerId?: string | null; contactMatching?: boolean }) {
  const res = await api('PUT', `/v1/packages/${packageId}/lead-routing`, body);
  expect(res.status).toBe(200);
  return res.body;
}

describe('team directory and lead routing', () => {
  it('adds a team member, deactivates and reactivates them, and publishes each of these changes', async () => {
    const created = await api('POST', '/v1/team-members', { id: `lm-${rand()}`, name: 'Ada Lovelace', email: 'ADA.' + rand() + '@Vendor.example', roles: ['lead-manager', 'sales-rep'] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ id, name: 'Ada Lovelace', active: true, roles: ['lead-manager', 'sales-rep'] });
    expect(created.body.email).toBe(created.body.email.toLowerCase());

    const generated = await api('POST', '/v1/team-members', { name: 'Bob', email: `bob.${rand()}@vendor.example` });
    expect(generated.status).toBe(201);
    expect(generated.body.id).toMatch(/^tm_[0-9a-f-]{36}$/);

    expect((await api('PATCH', `/v1/team-members/${id}`, { active: false })).body).toMatchObject({ id, active: false });
    expect((await api('PATCH', `/v1/team-members/${id}`, { name: 'Ada King' })).body).toMatchObject({ id, name: 'Ada King', active: false });
    expect((await api('PATCH', `/v1/team-members/${id}`, { active: true })).body).toMatchObject({ id, active: true });

    const changes = await eventually('four team-member-changed events', () => {
      const r = leadEvents(LeadEventType.TeamMemberChanged, (d) => d['teamMemberId'] === id);
      return r.length >= 4 ? r : undefined;
    });
    // every change is published, with the member's profile (the notification service keeps its directory from it)
    expect(changes.map((r) => r.event!.data)).toMatchObject([
      { teamMemberId: id, active: true, name: 'Ada Lovelace' },
      { teamMemberId: id, active: false, name: 'Ada Lovelace' },
      { teamMemberId: id, active: false, name: 'Ada King' },
      { teamMemberId: id, active: true, name: 'Ada King' },
    ]);
    expect(changes[0]!.headers).toMatchObject({ ce_source: 'lma/lead', ce_type: 'lma.lead.team-member-changed' });
    expect(changes[0]!.key).toBe(id);
    expect(new Set(changes.map((r) => r.headers['ce_id'])).size).toBe(4);

    const got = await api('GET', `/v1/team-members/${id}`, undefined, forwarded('lead', ['team:read']));
    expect(got.body).toMatchObject({ id, name: 'Ada King', active: true });
    const duplicateId = await api('POST', '/v1/team-members', { id, name: 'Someone', email: `x.${rand()}@vendor.example` });
    expect(duplicateId.status).toBe(409);
    const duplicateEmail = await api('POST', '/v1/team-members', { name: 'Someone', email: created.body.email });
    expect(duplicateEmail.status).toBe(409);
    const other = await createMember();
    const emailTakenByPatch = await api('PATCH', `/v1/team-members/${other.id}`, { email: created.body.email.toUpperCase() });
    expect(emailTakenByPatch.status).toBe(409);
    expect(emailTakenByPatch.body.detail).toContain(id);
    expect((await api('PATCH', `/v1/team-members/nobody-${rand()}`, { active: false })).status).toBe(404);
  });

  it('lists team members by activity with a cursor', async () => {
    const inactive = await createMember({ active: false });
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await api('GET', `/v1/team-members?active=false&role=lead-manager&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(1);
      all.push(...res.body.items.map((m: { id: string; active: boolean }) => (expect(m.active).toBe(false), m.id)));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all).toContain(inactive.id);
  });

  it('routes a package to an existing, active lead manager only (422 naming why), and publishes routing changes', async () => {
    const packageId = ids.packageId();
    const unknown = await api('PUT', `/v1/packages/${packageId}/lead-routing`, { leadManagerId: `nobody-${rand()}` });
    expect(unknown.status).toBe(422);
    expect(unknown.contentType).toContain('application/problem+json');
    expect(unknown.body.errors).toEqual([{ field: 'body.leadManagerId', reason: 'names no team member' }]);

    const retired = await createMember({ active: false });
    const inactive = await api('PUT', `/v1/packages/${packageId}/lead-routing`, { leadManagerId: retired.id });
    expect(inactive.status).toBe(422);
    expect(inactive.body.errors).toEqual([{ field: 'body.leadManagerId', reason: 'names an inactive team member' }]);

    expect((await api('GET', `/v1/packages/${packageId}/lead-routing`)).body).toMatchObject({ packageId, leadManagerId: null, contactMatching: true });
    const manager = await createMember();
    expect(await routeTo(packageId, { leadManagerId: manager.id })).toMatchObject({ packageId, leadManagerId: manager.id, contactMatching: true });
    expect(await routeTo(packageId, { contactMatching: false })).toMatchObject({ leadManagerId: manager.id, contactMatching: false });
    expect(await routeTo(packageId, { leadManagerId: null })).toMatchObject({ leadManagerId: null, contactMatching: false });

    const changes = await eventually('three routing changes', () => {
      const r = leadEvents(LeadEventType.LeadRoutingChanged, (d) => d['packageId'] === packageId);
      return r.length >= 3 ? r : undefined;
    });
    expect(changes.map((r) => r.event!.data)).toEqual([
      { packageId, leadManagerId: manager.id },
      { packageId, leadManagerId: manager.id },
      { packageId, leadManagerId: null },
    ]);
    expect(changes[0]!.key).toBe(packageId);
  });
});

describe('ResolveLead', () => {
  it('creates the lead with every installer field, owned by the package lead manager, and replies in the same trace', async () => {
    const manager = await createMember();
    const cmd = resolveCommand();
    await routeTo(cmd.packageId, { leadManagerId: manager.id });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await sendResolve({ ...cmd, installer: { ...cmd.installer, email: cmd.installer.email.toUpperCase() } }, { traceparent });

    const reply = await replyTo(cmd.commandId);
    expect(reply.headers).toMatchObject({
      ce_id: `${cmd.commandId}:${ReplyType.LeadResolved}`,
      ce_source: 'lma/lead',
      ce_type: ReplyType.LeadResolved,
      ce_specversion: '1.0',
      'content-type': 'application/json',
      // the same trace, continued by the lead service's own span
      traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/),
    });
    expect(reply.key).toBe(installationKey(cmd.packageId, cmd.subscriberOrgId));
    const data = LeadResolvedV1.parse(reply.event!.data);
    expect(data).toEqual({
      sagaId: cmd.sagaId,
      commandId: cmd.commandId,
      leadId: expect.stringMatching(/^lead_[0-9a-f]{24}$/),
      contactId: null,
      accountId: null,
      created: true,
      ownerId: manager.id,
      matchedBy: 'new-lead',
    });

    const stored = await leads().findOne({ _id: data.leadId as never });
    expect(stored).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      company: cmd.installer.company,
      email: cmd.installer.email.toLowerCase(),
      phone: '+1 202 555 0100',
      country: 'US',
      state: 'VA',
      leadSource: 'Package Installation',
      ownerId: manager.id,
      status: 'Open',
      packageId: cmd.packageId,
      subscriberOrgId: cmd.subscriberOrgId,
      orgName: 'Navy Labs Production',
      createdBySagaId: cmd.sagaId,
      convertedAccountId: null,
      convertedContactId: null,
    });
    expect(stored!['createdAt']).toBeInstanceOf(Date);

    const api200 = await api('GET', `/v1/leads/${data.leadId}`, undefined, forwarded('lead', ['leads:read']));
    expect(api200.body).toMatchObject({ leadId: data.leadId, ownerId: manager.id, status: 'Open', leadSource: 'Package Installation' });
    expect(api200.body).not.toHaveProperty('outbox');
    expect(api200.body).not.toHaveProperty('openKey');
  });

  it('gives LMA the lead of a package without a lead manager', async () => {
    const cmd = resolveCommand({}, { phone: undefined, state: undefined, country: undefined });
    await sendResolve(cmd);
    const data = await resolved(cmd);
    expect(data).toMatchObject({ created: true, ownerId: 'lma', matchedBy: 'new-lead' });
    expect(await leads().findOne({ _id: data.leadId as never })).toMatchObject({ ownerId: 'lma', phone: null, state: null, country: null });
  });

  it('creates one lead for a command delivered three times, and for a later attempt of the same saga', async () => {
    const cmd = resolveCommand();
    const first = await sendResolve(cmd);
    await sendResolve(cmd, { id: first.id });
    await sendResolve(cmd, { id: first.id });
    const again = { ...cmd, commandId: `${cmd.sagaId}:resolve-lead:2` };
    await sendResolve(again);

    await eventually('three replies to the first command', () => repliesTo(cmd.commandId).length >= 3);
    const later = await resolved(again);
    const replies = repliesTo(cmd.commandId);
    expect(new Set(replies.map((r) => r.headers['ce_id']))).toEqual(new Set([`${cmd.commandId}:${ReplyType.LeadResolved}`]));
    const answers = replies.map((r) => LeadResolvedV1.parse(r.event!.data));
    expect(new Set(answers.map((a) => a.leadId)).size).toBe(1);
    expect(answers.every((a) => a.created && a.matchedBy === 'new-lead')).toBe(true);
    expect(later).toMatchObject({ leadId: answers[0]!.leadId, created: true });
    expect(await leads().countDocuments({ createdBySagaId: cmd.sagaId })).toBe(1);
    expect(await leads().countDocuments({ email: cmd.installer.email })).toBe(1);
  });

  it('reuses the open lead with the same email and company (case aside) instead of creating another', async () => {
    const firstCmd = resolveCommand();
    await sendResolve(firstCmd);
    const first = await resolved(firstCmd);

    const second = resolveCommand({}, { email: firstCmd.installer.email.toUpperCase(), company: firstCmd.installer.company.toLowerCase(), firstName: 'G.' });
    await sendResolve(second);
    expect(await resolved(second)).toEqual({
      sagaId: second.sagaId,
      commandId: second.commandId,
      leadId: first.leadId,
      contactId: null,
      accountId: null,
      created: false,
      ownerId: 'lma',
      matchedBy: 'existing-lead',
    });

    const otherCompany = resolveCommand({}, { email: firstCmd.installer.email, company: 'Another Company' });
    await sendResolve(otherCompany);
    expect(await resolved(otherCompany)).toMatchObject({ created: true, matchedBy: 'new-lead' });
    expect(await leads().countDocuments({ email: firstCmd.installer.email })).toBe(2);
  });

  it('makes one lead for concurrent installs by the same person and company in different orgs', async () => {
    const base = resolveCommand();
    const cmds = Array.from({ length: 12 }, () => resolveCommand({}, { email: base.installer.email, company: base.installer.company }));
    // someone else first: TestKafka connects its producer lazily, and concurrent first sends would race that
    await sendResolve(resolveCommand());
    await Promise.all(cmds.map((c) => sendResolve(c)));
    const answers = await Promise.all(cmds.map((c) => resolved(c)));
    expect(new Set(answers.map((a) => a.leadId)).size).toBe(1);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(await leads().countDocuments({ email: base.installer.email })).toBe(1);
  });

  it('finishes the lead of an install whose handler stopped between taking the email-and-company key and inserting the lead, and reuses it', async () => {
    const stopped = resolveCommand();
    const leadId = `lead_${randomBytes(12).toString('hex')}`;
    const email = stopped.installer.email.toLowerCase();
    const now = new Date();
    const reply = {
      sagaId: stopped.sagaId,
      commandId: stopped.commandId,
      leadId,
      contactId: null,
      accountId: null,
      created: true,
      ownerId: 'lma',
      matchedBy: 'new-lead',
    };
    const lead = {
      _id: leadId,
      firstName: 'Grace',
      lastName: 'Hopper',
      company: stopped.installer.company,
      email,
      phone: null,
      country: null,
      state: null,
      leadSource: 'Package Installation',
      ownerId: 'lma',
      status: 'Open',
      packageId: stopped.packageId,
      subscriberOrgId: stopped.subscriberOrgId,
      orgName: stopped.orgName,
      createdBySagaId: stopped.sagaId,
      openKey: `${email}|${stopped.installer.company.toLowerCase()}`,
      convertedAccountId: null,
      convertedContactId: null,
      convertedAt: null,
      withdrawnAt: null,
      withdrawnReason: null,
      createdAt: now,
      updatedAt: now,
    };
    const event = (type: string, topic: string, id: string, key: string, data: object) => ({ topic, source: InternalSource.Lead, type, id, key, time: now.toISOString(), data });
    // what the handler wrote before it stopped: the key, carrying the lead it decided on and that lead's events
    await h.db('lead').collection('open_lead_keys').insertOne({
      _id: lead.openKey as never,
      holder: leadId,
      pending: {
        lead,
        events: [
          event(ReplyType.LeadResolved, InternalTopic.SagaReplies, `${stopped.commandId}:${ReplyType.LeadResolved}`, installationKey(stopped.packageId, stopped.subscriberOrgId), reply),
          event(NotificationInputType.LeadCreated, InternalTopic.LeadEvents, `${leadId}:created`, leadId, { leadId }),
        ],
      },
    });

    const next = resolveCommand({}, { email: stopped.installer.email.toUpperCase(), company: stopped.installer.company });
    await sendResolve(next);
    expect(await resolved(next)).toMatchObject({ leadId, created: false, matchedBy: 'existing-lead' });
    expect(await leads().findOne({ _id: leadId as never })).toMatchObject({ status: 'Open', createdBySagaId: stopped.sagaId });
    // the stopped install's own reply went out with its lead
    expect(LeadResolvedV1.parse((await replyTo(stopped.commandId)).event!.data)).toEqual(reply);
    expect(await leads().countDocuments({ email })).toBe(1);
  });

  it('takes over the key of a lead that was withdrawn without letting its key go', async () => {
    const first = resolveCommand();
    await sendResolve(first);
    const { leadId } = await resolved(first);
    // a withdrawal whose process stopped before the key was let go
    await leads().updateOne({ _id: leadId as never }, { $set: { status: 'Withdrawn', openKey: leadId } });
    const again = resolveCommand({}, { email: first.installer.email, company: first.installer.company });
    await sendResolve(again);
    const answer = await resolved(again);
    expect(answer).toMatchObject({ created: true, matchedBy: 'new-lead' });
    expect(answer.leadId).not.toBe(leadId);
    const third = resolveCommand({}, { email: first.installer.email, company: first.installer.company });
    await sendResolve(third);
    expect(await resolved(third)).toMatchObject({ leadId: answer.leadId, created: false, matchedBy: 'existing-lead' });
  });

  it('parks when the lead manager is inactive, and resolves once they are reactivated', async () => {
    const manager = await createMember();
    const cmd = resolveCommand();
    await routeTo(cmd.packageId, { leadManagerId: manager.id });
    await api('PATCH', `/v1/team-members/${manager.id}`, { active: false });
    await sendResolve(cmd);

    const reply = await replyTo(cmd.commandId);
    expect(reply.event!.type).toBe(ReplyType.LeadResolutionParked);
    expect(reply.headers['ce_id']).toBe(`${cmd.commandId}:${ReplyType.LeadResolutionParked}`);
    expect(LeadResolutionParkedV1.parse(reply.event!.data)).toEqual({
      sagaId: cmd.sagaId,
      commandId: cmd.commandId,
      reason: 'lead-manager-inactive',
      detail: expect.stringContaining(manager.id),
    });
    expect(await leads().countDocuments({ createdBySagaId: cmd.sagaId })).toBe(0);

    await api('PATCH', `/v1/team-members/${manager.id}`, { active: true });
    await eventually('the reactivation event', () => leadEvents(LeadEventType.TeamMemberChanged, (d) => d['teamMemberId'] === manager.id && d['active'] === true).length >= 2);
    const resumed = { ...cmd, commandId: `${cmd.sagaId}:resolve-lead:2` };
    await sendResolve(resumed);
    expect(await resolved(resumed)).toMatchObject({ created: true, ownerId: manager.id });
  });

  it('parks when the lead manager is missing from the directory', async () => {
    const cmd = resolveCommand();
    const ghost = `lm-gone-${rand()}`;
    // The API refuses unknown lead managers; a member can still leave the directory outside it (an import, a restore).
    await h.db('lead').collection('package_settings').insertOne({
      _id: cmd.packageId as never,
      leadManagerId: ghost,
      contactMatching: true,
      revision: 1,
      updatedAt: new Date(),
      updatedBy: 'directory-import',
      outbox: [],
    });
    await sendResolve(cmd);
    const reply = await replyTo(cmd.commandId);
    expect(reply.event!.type).toBe(ReplyType.LeadResolutionParked);
    expect(LeadResolutionParkedV1.parse(reply.event!.data)).toMatchObject({ reason: 'lead-manager-missing', detail: expect.stringContaining(ghost) });
    expect(await leads().countDocuments({ createdBySagaId: cmd.sagaId })).toBe(0);
  });

  it('dead-letters a command that breaks its schema, with the field, and goes on', async () => {
    const broken = resolveCommand();
    const { installer: _drop, ...withoutInstaller } = broken;
    await h.kafka.publishEvent(InternalTopic.LeadCommands, {
      type: CommandType.ResolveLead,
      key: installationKey(broken.packageId, broken.subscriberOrgId),
      data: withoutInstaller,
      id: broken.commandId,
    });
    const next = resolveCommand();
    await sendResolve(next);
    const dead = await eventually('the dead-lettered command', () => h.kafka.recordsOn(DLQ, (r) => r.headers['ce_id'] === broken.commandId)[0]);
    expect(dead.headers['lma_dlq_field']).toBe('data.installer');
    expect(await resolved(next)).toMatchObject({ created: true });
  });
});

describe('WithdrawLead', () => {
  it('withdraws the lead the saga created, once, and always answers', async () => {
    const cmd = resolveCommand();
    await sendResolve(cmd);
    const { leadId } = await resolved(cmd);
    const key = installationKey(cmd.packageId, cmd.subscriberOrgId);
    const withdraw: WithdrawLeadV1 = { sagaId: cmd.sagaId, commandId: `${cmd.sagaId}:withdraw-lead:1`, leadId: leadId!, reason: 'the license could not be created' };
    await sendWithdraw(withdraw, key);
    await sendWithdraw(withdraw, key);

    const reply = await replyTo(withdraw.commandId);
    expect(reply.event!.type).toBe(ReplyType.LeadWithdrawn);
    expect(reply.headers['ce_id']).toBe(`${withdraw.commandId}:${ReplyType.LeadWithdrawn}`);
    expect(LeadWithdrawnV1.parse(reply.event!.data)).toEqual({ sagaId: cmd.sagaId, commandId: withdraw.commandId, leadId });
    await eventually('both withdrawals answered', () => repliesTo(withdraw.commandId).length >= 2);
    expect(new Set(repliesTo(withdraw.commandId).map((r) => r.headers['ce_id'])).size).toBe(1);
    expect(await leads().findOne({ _id: leadId as never })).toMatchObject({ status: 'Withdrawn', withdrawnReason: 'the license could not be created', firstName: 'Grace' });

    // a withdrawn lead no longer counts as open: the same person installing again gets a new lead
    const again = resolveCommand({}, { email: cmd.installer.email, company: cmd.installer.company });
    await sendResolve(again);
    expect(await resolved(again)).toMatchObject({ created: true, matchedBy: 'new-lead' });
    expect((await resolved(again)).leadId).not.toBe(leadId);
  });

  it('leaves a lead that another saga created alone, and still answers', async () => {
    const owner = resolveCommand();
    await sendResolve(owner);
    const { leadId } = await resolved(owner);
    const reuser = resolveCommand({}, { email: owner.installer.email, company: owner.installer.company });
    await sendResolve(reuser);
    expect(await resolved(reuser)).toMatchObject({ leadId, created: false });

    const withdraw: WithdrawLeadV1 = { sagaId: reuser.sagaId, commandId: `${reuser.sagaId}:withdraw-lead:1`, leadId: leadId!, reason: 'license failed' };
    await sendWithdraw(withdraw, installationKey(reuser.packageId, reuser.subscriberOrgId));
    expect((await replyTo(withdraw.commandId)).event!.type).toBe(ReplyType.LeadWithdrawn);
    expect(await leads().findOne({ _id: leadId as never })).toMatchObject({ status: 'Open' });
  });
});

describe('conversion', () => {
  async function openLead(manager?: string) {
    const cmd = resolveCommand();
    if (manager) await routeTo(cmd.packageId, { leadManagerId: manager });
    await sendResolve(cmd);
    const { leadId } = await resolved(cmd);
    return { cmd, leadId: leadId! };
  }

  it('converts a lead into a new account and a contact, publishes lma.lead.converted, and refuses a second conversion', async () => {
    const manager = await createMember();
    const { cmd, leadId } = await openLead(manager.id);
    const res = await api('POST', `/v1/leads/${leadId}/convert`, { accountName: 'Navy Labs Inc.' }, forwarded('lead', ['leads:edit']));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ leadId, accountId: expect.stringMatching(/^account_/), contactId: expect.stringMatching(/^contact_/), convertedAt: expect.any(String) });
    const { accountId, contactId } = res.body as { accountId: string; contactId: string };

    const lead = await api('GET', `/v1/leads/${leadId}`, undefined, forwarded('lead', ['leads:read']));
    expect(lead.body).toMatchObject({ leadId, status: 'Converted', firstName: 'Grace', lastName: 'Hopper', convertedAccountId: accountId, convertedContactId: contactId });
    const contact = await api('GET', `/v1/contacts?email=${encodeURIComponent(cmd.installer.email)}`, undefined, forwarded('lead', ['contacts:read']));
    expect(contact.body.items).toEqual([
      expect.objectContaining({ contactId, firstName: 'Grace', lastName: 'Hopper', email: cmd.installer.email, phone: '+1 202 555 0100', accountId, ownerId: manager.id, leadId }),
    ]);
    const account = await api('GET', `/v1/accounts/${accountId}`, undefined, forwarded('lead', ['accounts:read']));
    expect(account.body).toMatchObject({ accountId, name: 'Navy Labs Inc.', ownerId: manager.id });

    const event = await eventually('lma.lead.converted', () => leadEvents(LeadEventType.LeadConverted, (d) => d['leadId'] === leadId)[0]);
    expect(LeadConvertedV1.parse(event.event!.data)).toEqual(res.body);
    expect(event.headers).toMatchObject({ ce_source: 'lma/lead', ce_id: `${leadId}:converted` });
    expect(event.key).toBe(installationKey(cmd.packageId, cmd.subscriberOrgId));

    const twice = await api('POST', `/v1/leads/${leadId}/convert`, {}, forwarded('lead', ['leads:edit']));
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ status: 409, accountId, contactId });
    expect(await h.db('lead').collection('contacts').countDocuments({ leadId })).toBe(1);
  });

  it('converts into an existing account, and refuses an account that does not exist', async () => {
    const { leadId: firstLead } = await openLead();
    const first = await api('POST', `/v1/leads/${firstLead}/convert`, {});
    expect(first.status).toBe(200);
    const { leadId } = await openLead();
    const missing = await api('POST', `/v1/leads/${leadId}/convert`, { accountId: `account_${'0'.repeat(24)}` });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ field: 'body.accountId', reason: 'names no account' }]);
    expect(await leads().findOne({ _id: leadId as never })).toMatchObject({ status: 'Open' });

    const into = await api('POST', `/v1/leads/${leadId}/convert`, { accountId: first.body.accountId });
    expect(into.status).toBe(200);
    expect(into.body.accountId).toBe(first.body.accountId);
    const contacts = await api('GET', `/v1/contacts?accountId=${first.body.accountId}`);
    expect(contacts.body.items.map((c: { leadId: string }) => c.leadId).sort()).toEqual([firstLead, leadId].sort());
    expect((await api('POST', `/v1/leads/lead_${'0'.repeat(24)}/convert`, {})).status).toBe(404);
  });

  it('answers an install by a known contact with the contact and no lead, unless the package turned contact matching off', async () => {
    const { cmd, leadId } = await openLead();
    const converted = await api('POST', `/v1/leads/${leadId}/convert`, {});
    expect(converted.status).toBe(200);

    const known = resolveCommand({}, { email: cmd.installer.email.toUpperCase(), company: 'Whatever Corp' });
    await sendResolve(known);
    expect(await resolved(known)).toEqual({
      sagaId: known.sagaId,
      commandId: known.commandId,
      leadId: null,
      contactId: converted.body.contactId,
      accountId: converted.body.accountId,
      created: false,
      ownerId: 'lma',
      matchedBy: 'existing-contact',
    });
    expect(await leads().countDocuments({ email: cmd.installer.email })).toBe(1);

    const unmatched = resolveCommand({}, { email: cmd.installer.email, company: cmd.installer.company });
    await routeTo(unmatched.packageId, { contactMatching: false });
    await sendResolve(unmatched);
    const answer = await resolved(unmatched);
    expect(answer).toMatchObject({ created: true, matchedBy: 'new-lead', contactId: null });
    expect(await leads().findOne({ _id: answer.leadId as never })).toMatchObject({ status: 'Open', email: cmd.installer.email });
  });

  it('lists leads by source and status with a cursor', async () => {
    const { leadId } = await openLead();
    const seen: string[] = [];
    const created: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await api(
        'GET',
        `/v1/leads?leadSource=${encodeURIComponent('Package Installation')}&status=Open&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        forwarded('lead', ['leads:read']),
      );
      expect(res.status).toBe(200);
      for (const l of res.body.items as { leadId: string; status: string; leadSource: string; createdAt: string }[]) {
        expect(l).toMatchObject({ status: 'Open', leadSource: 'Package Installation' });
        seen.push(l.leadId);
        created.push(l.createdAt);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toContain(leadId);
    expect(new Set(seen).size).toBe(seen.length);
    // newest first
    expect([...created].sort().reverse()).toEqual(created);
  });
});

describe('API security and validation', () => {
  it('needs a token (401) and the route permission (403 naming it)', async () => {
    const anonymous = await api('GET', '/v1/leads', undefined, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.contentType).toContain('application/problem+json');

    const cases: [string, string, unknown, string][] = [
      ['POST', `/v1/leads/lead_${'a'.repeat(24)}/convert`, {}, 'leads:edit'],
      ['GET', '/v1/leads', undefined, 'leads:read'],
      ['POST', '/v1/team-members', { name: 'X', email: 'x@vendor.example' }, 'admin'],
      ['PATCH', '/v1/team-members/someone', { active: false }, 'admin'],
      ['GET', '/v1/team-members', undefined, 'team:read'],
      ['PUT', `/v1/packages/${ids.packageId()}/lead-routing`, { leadManagerId: null }, 'packages:edit'],
      ['GET', '/v1/contacts', undefined, 'contacts:read'],
      ['GET', '/v1/accounts', undefined, 'accounts:read'],
    ];
    for (const [method, path, body, permission] of cases) {
      const res = await api(method, path, body, forwarded('lead', ['leads:read:nothing', 'licenses:read']));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.missingPermission).toBe(permission);
      expect(res.body.detail).toContain(permission);
    }
  });

  it('rejects invalid bodies, queries and path ids with 400 and field errors', async () => {
    const bad = await api('POST', '/v1/team-members', { id: 'Not A Slug!', email: 'not-an-email', roles: ['wizard'], extra: true });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    const fields = (bad.body.errors as { field: string; reason: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.extra', 'body.id', 'body.name', 'body.email', 'body.roles.0']));
    expect(bad.body.errors).toContainEqual({ field: 'body.name', reason: 'is required' });

    const reserved = await api('POST', '/v1/team-members', { id: 'lma', name: 'LMA', email: `lma.${rand()}@vendor.example` });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors[0].field).toBe('body.id');

    const routing = await api('PUT', `/v1/packages/${ids.packageId()}/lead-routing`, { leadManagerId: { $gt: '' }, contactMatching: 'yes' });
    expect(routing.status).toBe(400);
    expect(routing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.contactMatching', 'body.leadManagerId']);
    expect((await api('PUT', '/v1/packages/not-a-package/lead-routing', { contactMatching: true })).body.errors[0].field).toBe('path.packageId');
    expect((await api('PATCH', `/v1/team-members/${rand()}`, {})).status).toBe(400);

    const injected = await api('GET', `/v1/leads/${encodeURIComponent('{"$gt":""}')}`);
    expect(injected.status).toBe(400);
    expect(injected.body.errors[0].field).toBe('path.leadId');
    const query = await api('GET', '/v1/leads?status=Closed&limit=1000&cursor[$gt]=x');
    expect(query.status).toBe(400);
    expect(query.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['query.status', 'query.limit']));
    const both = await api('POST', `/v1/leads/lead_${'b'.repeat(24)}/convert`, { accountId: `account_${'0'.repeat(24)}`, accountName: 'X' });
    expect(both.status).toBe(400);
    const notJson = await fetch(`${baseUrl}/v1/team-members`, { method: 'POST', headers: { authorization: admin(), 'content-type': 'application/json' }, body: '{"name": ' });
    expect(notJson.status).toBe(400);
  });
});

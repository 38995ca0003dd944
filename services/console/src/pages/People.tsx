import { Anchor, Badge, Button, Card, Group, Loader, Modal, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { Field } from '../components/Field';
import { ListTable, Pager, useListParams } from '../components/ListTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { StatusBadge } from '../licenses/parts';

type Related = Schemas['LinkedLicense'];

/** The licenses linked to a lead, account or contact (eventually consistent with the license events). */
function LinkedLicenses({ licenses }: { licenses: Related[] }) {
  return (
    <ListTable
      label="Linked licenses"
      items={licenses}
      rowKey={(l) => l.licenseId}
      empty="No license linked."
      minWidth={480}
      columns={[
        {
          header: 'License',
          cell: (l) => (
            <Anchor component={Link} to={`/licenses/${l.licenseId}`}>
              {l.licenseName}
            </Anchor>
          ),
        },
        { header: 'Status', cell: (l) => <StatusBadge status={l.status} /> },
        { header: 'Seats', cell: (l) => l.seats ?? 'site license' },
        { header: 'Expires', cell: (l) => l.expiresOn ?? 'Does not expire' },
      ]}
    />
  );
}

/** Leads: status, package and org filters in the URL, newest first, cursor pages. */
export function LeadsPage() {
  const { params, cursor, set } = useListParams();
  const [pkg, setPkg] = useState(params.get('packageId') ?? '');
  const query = {
    limit: 25,
    order: (params.get('order') as 'asc' | 'desc' | null) ?? 'desc',
    ...(params.get('status') ? { status: params.get('status') as 'Open' | 'Converted' | 'Withdrawn' } : {}),
    ...(params.get('packageId') ? { packageId: params.get('packageId')! } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const list = useQuery({ queryKey: ['leads', query], queryFn: async () => data(await api.GET('/leads', { params: { query } })) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ packageId: pkg.trim() || null });
  };
  return (
    <Stack>
      <Title order={1}>Leads</Title>
      <form onSubmit={submit} aria-label="Filters">
        <Group align="end">
          <Select label="Status" placeholder="Any" clearable data={['Open', 'Converted', 'Withdrawn']} value={params.get('status')} onChange={(v) => set({ status: v })} w={160} />
          <TextInput label="Package id" placeholder="033…" value={pkg} onChange={(e) => setPkg(e.currentTarget.value)} w={220} />
          <Select label="Order" allowDeselect={false} data={[{ value: 'desc', label: 'Newest first' }, { value: 'asc', label: 'Oldest first' }]} value={query.order} onChange={(v) => set({ order: v })} w={150} />
          <Button type="submit" variant="light">
            Apply
          </Button>
        </Group>
      </form>
      <ListTable
        label="Leads"
        striped
        minWidth={700}
        items={list.data?.items}
        error={list.error}
        loading={list.isPending}
        rowKey={(l) => l.leadId}
        empty="No lead matches these filters."
        columns={[
          {
            header: 'Name',
            cell: (l) => (
              <Anchor component={Link} to={`/leads/${l.leadId}`}>
                {l.firstName} {l.lastName}
              </Anchor>
            ),
          },
          { header: 'Company', cell: (l) => l.company },
          { header: 'Status', cell: (l) => <Badge variant="light">{l.status}</Badge> },
          { header: 'Owner', cell: (l) => l.ownerId },
          { header: 'Licenses', cell: (l) => l.licenses.map((x) => x.licenseName).join(', ') || '—' },
          { header: 'Created', cell: (l) => <Time iso={l.createdAt} /> },
        ]}
      />
      <Pager cursor={cursor} next={list.data?.nextCursor} onCursor={(c) => set({ cursor: c })} />
    </Stack>
  );
}

/** One lead: who installed, its owner, its licenses; Convert for an open lead (leads:edit). */
export function LeadPage() {
  const { leadId = '' } = useParams();
  const auth = useAuth();
  const [converting, setConverting] = useState(false);
  const lead = useQuery({ queryKey: ['lead', leadId], queryFn: async () => data(await api.GET('/leads/{leadId}', { params: { path: { leadId } } })) });
  if (lead.error) return <ProblemAlert error={lead.error} />;
  if (!lead.data) return <Loader aria-label="Loading the lead" />;
  const l = lead.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1}>
            Lead {l.firstName} {l.lastName}
          </Title>
          <Badge variant="light">{l.status}</Badge>
        </Group>
        {l.status === 'Open' && auth.can('leads:edit') && <Button onClick={() => setConverting(true)}>Convert</Button>}
      </Group>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <Field label="Email">{l.email}</Field>
          <Field label="Company">{l.company}</Field>
          <Field label="Phone">{l.phone ?? '—'}</Field>
          <Field label="Country / state">{[l.country, l.state].filter(Boolean).join(' / ') || '—'}</Field>
          <Field label="Lead source">{l.leadSource}</Field>
          <Field label="Owner">{l.ownerId}</Field>
          <Field label="Package">
            <Anchor component={Link} to={`/packages/${l.packageId}`} ff="monospace">
              {l.packageId}
            </Anchor>
          </Field>
          <Field label="Org">
            {l.orgName} <Text span ff="monospace" size="xs">({l.subscriberOrgId})</Text>
          </Field>
          <Field label="Created">
            <Time iso={l.createdAt} />
          </Field>
          {l.convertedAccountId && (
            <Field label="Converted to">
              <Anchor component={Link} to={`/accounts/${l.convertedAccountId}`}>account</Anchor>,{' '}
              <Anchor component={Link} to={`/contacts/${l.convertedContactId}`}>contact</Anchor> (<Time iso={l.convertedAt} />)
            </Field>
          )}
          {l.withdrawnAt && <Field label="Withdrawn">{l.withdrawnReason ?? ''}</Field>}
        </SimpleGrid>
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Licenses
        </Title>
        <LinkedLicenses licenses={l.licenses} />
      </Card>
      {converting && <ConvertDialog lead={l} onClose={() => setConverting(false)} />}
    </Stack>
  );
}

function ConvertDialog({ lead, onClose }: { lead: Schemas['Lead']; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [accountName, setAccountName] = useState(lead.company);
  const [accountId, setAccountId] = useState('');
  const convert = useMutation({
    mutationFn: async () =>
      data(await api.POST('/leads/{leadId}/convert', { params: { path: { leadId: lead.leadId } }, body: accountId.trim() ? { accountId: accountId.trim() } : { accountName: accountName.trim() } })),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Lead converted; its licenses are linked to the account and the contact.' });
      await queryClient.invalidateQueries({ queryKey: ['lead', lead.leadId] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Convert ${lead.firstName} ${lead.lastName}`}>
      <Stack>
        <Text size="sm">The lead becomes a contact in a new account (by name) or in an existing one (by id). Its licenses follow.</Text>
        <TextInput label="New account name" value={accountName} onChange={(e) => setAccountName(e.currentTarget.value)} disabled={!!accountId.trim()} />
        <TextInput label="Or an existing account id" placeholder="account_…" value={accountId} onChange={(e) => setAccountId(e.currentTarget.value)} />
        {convert.error ? <ProblemAlert error={convert.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => convert.mutate()} loading={convert.isPending} disabled={!accountId.trim() && !accountName.trim()}>
            Convert
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function AccountsPage() {
  const { cursor, set } = useListParams();
  const list = useQuery({
    queryKey: ['accounts', cursor],
    queryFn: async () => data(await api.GET('/accounts', { params: { query: { limit: 25, order: 'desc', ...(cursor ? { cursor } : {}) } } })),
  });
  return (
    <Stack>
      <Title order={1}>Accounts</Title>
      <ListTable
        label="Accounts"
        striped
        items={list.data?.items}
        error={list.error}
        loading={list.isPending}
        rowKey={(a) => a.accountId}
        empty="No account yet: accounts come from converted leads."
        columns={[
          {
            header: 'Account',
            cell: (a) => (
              <Anchor component={Link} to={`/accounts/${a.accountId}`}>
                {a.name}
              </Anchor>
            ),
          },
          { header: 'Owner', cell: (a) => a.ownerId },
          { header: 'Licenses', cell: (a) => a.licenses.length },
          { header: 'Created', cell: (a) => <Time iso={a.createdAt} /> },
        ]}
      />
      <Pager cursor={cursor} next={list.data?.nextCursor} onCursor={(c) => set({ cursor: c })} />
    </Stack>
  );
}

export function AccountPage() {
  const { accountId = '' } = useParams();
  const account = useQuery({ queryKey: ['account', accountId], queryFn: async () => data(await api.GET('/accounts/{accountId}', { params: { path: { accountId } } })) });
  const contacts = useQuery({ queryKey: ['contacts', { accountId }], queryFn: async () => data(await api.GET('/contacts', { params: { query: { accountId, limit: 50, order: 'desc' } } })) });
  if (account.error) return <ProblemAlert error={account.error} />;
  if (!account.data) return <Loader aria-label="Loading the account" />;
  const a = account.data;
  return (
    <Stack>
      <Title order={1}>Account {a.name}</Title>
      <Text>
        Owner {a.ownerId} · created <Time iso={a.createdAt} />
      </Text>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Contacts
        </Title>
        {contacts.error ? <ProblemAlert error={contacts.error} /> : null}
        {contacts.data?.items.map((c) => (
          <div key={c.contactId}>
            <Anchor component={Link} to={`/contacts/${c.contactId}`}>
              {c.firstName} {c.lastName}
            </Anchor>{' '}
            {c.email}
          </div>
        ))}
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Licenses
        </Title>
        <LinkedLicenses licenses={a.licenses} />
      </Card>
    </Stack>
  );
}

export function ContactsPage() {
  const { cursor, set } = useListParams();
  const list = useQuery({
    queryKey: ['contacts', cursor],
    queryFn: async () => data(await api.GET('/contacts', { params: { query: { limit: 25, order: 'desc', ...(cursor ? { cursor } : {}) } } })),
  });
  return (
    <Stack>
      <Title order={1}>Contacts</Title>
      <ListTable
        label="Contacts"
        striped
        items={list.data?.items}
        error={list.error}
        loading={list.isPending}
        rowKey={(c) => c.contactId}
        empty="No contact yet: contacts come from converted leads."
        columns={[
          {
            header: 'Name',
            cell: (c) => (
              <Anchor component={Link} to={`/contacts/${c.contactId}`}>
                {c.firstName} {c.lastName}
              </Anchor>
            ),
          },
          { header: 'Email', cell: (c) => c.email },
          { header: 'Licenses', cell: (c) => c.licenses.length },
          { header: 'Created', cell: (c) => <Time iso={c.createdAt} /> },
        ]}
      />
      <Pager cursor={cursor} next={list.data?.nextCursor} onCursor={(c) => set({ cursor: c })} />
    </Stack>
  );
}

export function ContactPage() {
  const { contactId = '' } = useParams();
  const contact = useQuery({ queryKey: ['contact', contactId], queryFn: async () => data(await api.GET('/contacts/{contactId}', { params: { path: { contactId } } })) });
  if (contact.error) return <ProblemAlert error={contact.error} />;
  if (!contact.data) return <Loader aria-label="Loading the contact" />;
  const c = contact.data;
  return (
    <Stack>
      <Title order={1}>
        Contact {c.firstName} {c.lastName}
      </Title>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <Field label="Email">{c.email}</Field>
          <Field label="Phone">{c.phone ?? '—'}</Field>
          <Field label="Account">
            <Anchor component={Link} to={`/accounts/${c.accountId}`}>
              {c.accountId}
            </Anchor>
          </Field>
          <Field label="From lead">
            <Anchor component={Link} to={`/leads/${c.leadId}`}>
              {c.leadId}
            </Anchor>
          </Field>
        </SimpleGrid>
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Licenses
        </Title>
        <LinkedLicenses licenses={c.licenses} />
      </Card>
    </Stack>
  );
}

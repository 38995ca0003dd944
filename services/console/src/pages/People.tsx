import { Anchor, Badge, Button, Card, Group, Loader, Modal, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { StatusBadge } from '../licenses/parts';

type Related = Schemas['LinkedLicense'];

/** The licenses linked to a lead, account or contact (eventually consistent with the license events). */
function LinkedLicenses({ licenses }: { licenses: Related[] }) {
  if (licenses.length === 0) return <Text c="dimmed">No license linked.</Text>;
  return (
    <Table aria-label="Linked licenses">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>License</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Seats</Table.Th>
          <Table.Th>Expires</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {licenses.map((l) => (
          <Table.Tr key={l.licenseId}>
            <Table.Td>
              <Anchor component={Link} to={`/licenses/${l.licenseId}`}>
                {l.licenseName}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={l.status} />
            </Table.Td>
            <Table.Td>{l.seats ?? 'site license'}</Table.Td>
            <Table.Td>{l.expiresOn ?? 'Does not expire'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Pager({ cursor, next, onCursor }: { cursor: string | null; next: string | null | undefined; onCursor: (c: string | null) => void }) {
  return (
    <Group justify="space-between">
      <Button variant="default" disabled={!cursor} onClick={() => onCursor(null)}>
        First page
      </Button>
      <Button variant="default" disabled={!next} onClick={() => onCursor(next ?? null)}>
        Next page
      </Button>
    </Group>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <div>{children}</div>
    </div>
  );
}

/** Leads: status, package and org filters in the URL, newest first, cursor pages. */
export function LeadsPage() {
  const [params, setParams] = useSearchParams();
  const [pkg, setPkg] = useState(params.get('packageId') ?? '');
  const query = {
    limit: 25,
    order: (params.get('order') as 'asc' | 'desc' | null) ?? 'desc',
    ...(params.get('status') ? { status: params.get('status') as 'Open' | 'Converted' | 'Withdrawn' } : {}),
    ...(params.get('packageId') ? { packageId: params.get('packageId')! } : {}),
    ...(params.get('cursor') ? { cursor: params.get('cursor')! } : {}),
  };
  const list = useQuery({ queryKey: ['leads', query], queryFn: async () => data(await api.GET('/leads', { params: { query } })) });
  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('cursor' in changes)) next.delete('cursor');
    setParams(next);
  };
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
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {list.isPending && <Loader aria-label="Loading leads" />}
      {list.data && list.data.items.length === 0 && <Text>No lead matches these filters.</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table striped aria-label="Leads">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Company</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Licenses</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((l) => (
                <Table.Tr key={l.leadId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/leads/${l.leadId}`}>
                      {l.firstName} {l.lastName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{l.company}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{l.status}</Badge>
                  </Table.Td>
                  <Table.Td>{l.ownerId}</Table.Td>
                  <Table.Td>{l.licenses.map((x) => x.licenseName).join(', ') || '—'}</Table.Td>
                  <Table.Td>
                    <Time iso={l.createdAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager cursor={params.get('cursor')} next={list.data?.nextCursor} onCursor={(c) => set({ cursor: c })} />
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
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor');
  const list = useQuery({
    queryKey: ['accounts', cursor],
    queryFn: async () => data(await api.GET('/accounts', { params: { query: { limit: 25, order: 'desc', ...(cursor ? { cursor } : {}) } } })),
  });
  return (
    <Stack>
      <Title order={1}>Accounts</Title>
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {list.isPending && <Loader aria-label="Loading accounts" />}
      {list.data && list.data.items.length === 0 && <Text>No account yet: accounts come from converted leads.</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table striped aria-label="Accounts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Licenses</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((a) => (
              <Table.Tr key={a.accountId}>
                <Table.Td>
                  <Anchor component={Link} to={`/accounts/${a.accountId}`}>
                    {a.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{a.ownerId}</Table.Td>
                <Table.Td>{a.licenses.length}</Table.Td>
                <Table.Td>
                  <Time iso={a.createdAt} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Pager cursor={cursor} next={list.data?.nextCursor} onCursor={(c) => setParams(c ? { cursor: c } : {})} />
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
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor');
  const list = useQuery({
    queryKey: ['contacts', cursor],
    queryFn: async () => data(await api.GET('/contacts', { params: { query: { limit: 25, order: 'desc', ...(cursor ? { cursor } : {}) } } })),
  });
  return (
    <Stack>
      <Title order={1}>Contacts</Title>
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {list.isPending && <Loader aria-label="Loading contacts" />}
      {list.data && list.data.items.length === 0 && <Text>No contact yet: contacts come from converted leads.</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table striped aria-label="Contacts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Licenses</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((c) => (
              <Table.Tr key={c.contactId}>
                <Table.Td>
                  <Anchor component={Link} to={`/contacts/${c.contactId}`}>
                    {c.firstName} {c.lastName}
                  </Anchor>
                </Table.Td>
                <Table.Td>{c.email}</Table.Td>
                <Table.Td>{c.licenses.length}</Table.Td>
                <Table.Td>
                  <Time iso={c.createdAt} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Pager cursor={cursor} next={list.data?.nextCursor} onCursor={(c) => setParams(c ? { cursor: c } : {})} />
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

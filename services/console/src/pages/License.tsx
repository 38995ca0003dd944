import { Anchor, Button, Card, Code, Group, Loader, SimpleGrid, Stack, Table, Text, TextInput, Timeline, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, data, type License } from '../api/client';
import { useAuth } from '../auth';
import { Field } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { ModifyLicenseDialog } from '../licenses/ModifyLicenseDialog';
import { StatusBadge, seatsAvailable } from '../licenses/parts';

/** One license: every field, seats, links, the audit timeline, Modify License and seats (with licenses:edit). */
export function LicensePage() {
  const { licenseId = '' } = useParams();
  const auth = useAuth();
  const [modifying, setModifying] = useState(false);
  const license = useQuery({
    queryKey: ['license', licenseId],
    queryFn: async () => data(await api.GET('/licenses/{licenseId}', { params: { path: { licenseId } } })),
  });
  if (license.error) return <ProblemAlert error={license.error} />;
  if (!license.data) return <Loader aria-label="Loading the license" />;
  const l = license.data;
  const editable = auth.can('licenses:edit') && l.status !== 'Uninstalled';
  const available = seatsAvailable(l);
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1}>License {l.licenseName}</Title>
          <StatusBadge status={l.status} />
        </Group>
        {editable && <Button onClick={() => setModifying(true)}>Modify License</Button>}
      </Group>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <Field label="License id">
            <Code style={{ wordBreak: 'break-all' }}>{l.licenseId}</Code>
          </Field>
          <Field label="Package">
            <Anchor component={Link} to={`/packages/${l.packageId}`} ff="monospace" style={{ wordBreak: 'break-all' }}>
              {l.packageId}
            </Anchor>
          </Field>
          <Field label="Version">
            {l.versionNumber} <Text span size="xs" c="dimmed" ff="monospace">({l.packageVersionId})</Text>
          </Field>
          <Field label="Subscriber org">
            <Text ff="monospace">{l.subscriberOrgId}</Text>
          </Field>
          <Field label="Seats">{l.seats === null ? 'Site license' : l.seats}</Field>
          <Field label="Seats used">{l.usedLicenses ?? 0}</Field>
          <Field label="Seats available">
            <Text c={available !== null && available < 0 ? 'red' : undefined} data-testid="seats-available">
              {available === null ? 'Unlimited' : available}
            </Text>
          </Field>
          <Field label="Expires on">{l.expiresOn ?? 'Does not expire'}</Field>
          <Field label="Installed">
            <Time iso={l.installDate} />
          </Field>
          <Field label="Org">
            {l.orgEdition}, {l.orgStatus}
            {l.orgExpiresOn ? `, until ${l.orgExpiresOn}` : ''}
          </Field>
          <Field label="Instance">
            {l.instance}
            {l.sandbox ? ' (sandbox)' : ''}
          </Field>
          <Field label="Revision">{l.revision}</Field>
          <Field label="Lead">{l.leadId ? <Anchor component={Link} to={`/leads/${l.leadId}`}>{l.leadId}</Anchor> : '—'}</Field>
          <Field label="Account">{l.accountId ? <Anchor component={Link} to={`/accounts/${l.accountId}`}>{l.accountId}</Anchor> : '—'}</Field>
          <Field label="Contact">{l.contactId ? <Anchor component={Link} to={`/contacts/${l.contactId}`}>{l.contactId}</Anchor> : '—'}</Field>
        </SimpleGrid>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Seats license={l} editable={editable} />
        <Audit licenseId={l.licenseId} revision={l.revision} />
      </SimpleGrid>
      {editable && <ModifyLicenseDialog key={l.revision} license={l} opened={modifying} onClose={() => setModifying(false)} />}
    </Stack>
  );
}

function show(v: unknown): string {
  return v === null ? 'none' : v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function Audit({ licenseId, revision }: { licenseId: string; revision: number }) {
  const audit = useQuery({
    queryKey: ['license', licenseId, 'audit', revision],
    queryFn: async () => data(await api.GET('/licenses/{licenseId}/audit', { params: { path: { licenseId }, query: { limit: 50 } } })),
  });
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Audit timeline
      </Title>
      {audit.error ? <ProblemAlert error={audit.error} /> : null}
      {audit.isPending && <Loader size="sm" aria-label="Loading the audit timeline" />}
      {audit.data && audit.data.items.length === 0 && <Text c="dimmed">No change by hand yet.</Text>}
      {audit.data && audit.data.items.length > 0 && (
        <Timeline bulletSize={14} lineWidth={2} aria-label="Audit timeline">
          {audit.data.items.map((e) => (
            <Timeline.Item key={e.entryId} title={`Revision ${e.revision}: ${e.eventType.replace(/^lma\.license\./, '')}`}>
              <Text size="sm">
                {e.changedBy} · <Time iso={e.at} />
              </Text>
              <Text size="sm" fs="italic">
                “{e.reason}”
              </Text>
              {Object.keys(e.after).map((k) => (
                <Text size="xs" key={k}>
                  {k}: {show(e.before[k])} → {show(e.after[k])}
                </Text>
              ))}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Card>
  );
}

function Seats({ license, editable }: { license: License; editable: boolean }) {
  const queryClient = useQueryClient();
  const [userId, setUserId] = useState('');
  const seats = useQuery({
    queryKey: ['license', license.licenseId, 'seats', license.revision],
    queryFn: async () => data(await api.GET('/licenses/{licenseId}/seats', { params: { path: { licenseId: license.licenseId }, query: { limit: 200 } } })),
  });
  const change = useMutation({
    mutationFn: async ({ user, assign }: { user: string; assign: boolean }) => {
      const path = { licenseId: license.licenseId, userId: user };
      return data(assign ? await api.PUT('/licenses/{licenseId}/seats/{userId}', { params: { path } }) : await api.DELETE('/licenses/{licenseId}/seats/{userId}', { params: { path } }));
    },
    onSuccess: async (r) => {
      notifications.show({ color: 'green', message: r.changed ? `${r.userId} ${r.assigned ? 'holds a seat' : 'no longer holds a seat'}.` : 'Nothing changed.' });
      setUserId('');
      await queryClient.invalidateQueries({ queryKey: ['license', license.licenseId] });
    },
  });
  const assign = (e: FormEvent) => {
    e.preventDefault();
    if (userId.trim()) change.mutate({ user: userId.trim(), assign: true });
  };
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Seats
      </Title>
      {seats.error ? <ProblemAlert error={seats.error} /> : null}
      {change.error ? <ProblemAlert error={change.error} /> : null}
      {editable && (
        <form onSubmit={assign}>
          <Group align="end" mb="sm">
            <TextInput label="User id" placeholder="005…" value={userId} onChange={(e) => setUserId(e.currentTarget.value)} />
            <Button type="submit" variant="light" loading={change.isPending && change.variables?.assign}>
              Assign a seat
            </Button>
          </Group>
        </form>
      )}
      {seats.data && seats.data.items.length === 0 && <Text c="dimmed">Nobody holds a seat.</Text>}
      {seats.data && seats.data.items.length > 0 && (
        <Table aria-label="Seat holders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Since</Table.Th>
              {editable && <Table.Th>Action</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {seats.data.items.map((s) => (
              <Table.Tr key={s.userId}>
                <Table.Td ff="monospace">{s.userId}</Table.Td>
                <Table.Td>
                  <Time iso={s.assignedAt} />
                </Table.Td>
                {editable && (
                  <Table.Td>
                    <Button size="compact-sm" variant="subtle" color="red" onClick={() => change.mutate({ user: s.userId, assign: false })}>
                      Revoke
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

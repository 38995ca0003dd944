import { Badge, Button, CloseButton, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data, type Schemas } from '../api/client';
import type { operations } from '../api/schema';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { PagedList } from '../components/PagedList';
import { kindLabel } from './ruleForm';
import { useListParams } from '../components/ListTable';

type Query = NonNullable<operations['listNotifications']['parameters']['query']>;
type Notification = Schemas['Notification'];

const STATUS_COLOR: Record<Notification['status'], string> = { pending: 'yellow', sent: 'green', failed: 'red' };
const OUTCOME_COLOR: Record<Schemas['DeliveryAttempt']['outcome'], string> = { sent: 'green', failed: 'red', abandoned: 'gray' };

/** What was sent, newest first, by status, rule, license and package; each delivery attempt; resend. */
export function HistoryPanel() {
  const { get, set } = useListParams();
  const query: Query = {
    limit: 20,
    ...(get('status') ? { status: get('status') as Notification['status'] } : {}),
    ...(get('ruleId') ? { ruleId: get('ruleId')! } : {}),
    ...(get('licenseId') ? { licenseId: get('licenseId')! } : {}),
    ...(get('packageId') ? { packageId: get('packageId')! } : {}),
    ...(get('cursor') ? { cursor: get('cursor')! } : {}),
  };
  const list = useQuery({
    queryKey: ['notifications', query],
    queryFn: async () => data(await api.GET('/notifications', { params: { query } })),
    placeholderData: keepPreviousData,
    // a delivery under way is followed until it is sent or given up
    refetchInterval: (q) => (q.state.data?.items.some((n) => n.status === 'pending') ? 1000 : false),
  });
  const [text, setText] = useState({ licenseId: get('licenseId') ?? '', packageId: get('packageId') ?? '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ licenseId: text.licenseId.trim() || null, packageId: text.packageId.trim() || null });
  };
  const filtered = Boolean(get('status') || get('ruleId') || get('licenseId') || get('packageId'));

  return (
    <Stack>
      <Paper withBorder p="sm">
        <form onSubmit={submit} aria-label="History filters">
          <Group align="end" wrap="wrap">
            <Select
              label="Status"
              placeholder="Any"
              clearable
              data={[
                { value: 'pending', label: 'Being delivered' },
                { value: 'sent', label: 'Sent' },
                { value: 'failed', label: 'Failed' },
              ]}
              value={get('status')}
              onChange={(s) => set({ status: s })}
              w={170}
            />
            <TextInput label="License id" value={text.licenseId} onChange={(e) => setText({ ...text, licenseId: e.currentTarget.value })} w={210} />
            <TextInput label="Package id" placeholder="033…" value={text.packageId} onChange={(e) => setText({ ...text, packageId: e.currentTarget.value })} w={210} />
            <Button type="submit" variant="light">
              Apply
            </Button>
          </Group>
          {get('ruleId') && (
            <Group gap={4} mt="xs">
              <Text size="sm">
                Of the rule <Text span ff="monospace">{get('ruleId')}</Text>
              </Text>
              <CloseButton size="sm" aria-label="Show every rule" onClick={() => set({ ruleId: null })} />
            </Group>
          )}
        </form>
      </Paper>
      <PagedList list={list} loadingLabel="Loading the history" emptyText={filtered ? 'Nothing sent matches these filters.' : 'Nothing sent yet.'} placeholder={{ rows: 3, height: 64 }}>
        {list.data?.items.map((n) => <NotificationCard key={n.notificationId} n={n} />)}
      </PagedList>
    </Stack>
  );
}

function NotificationCard({ n }: { n: Notification }) {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const resend = useMutation({
    mutationFn: async () => data(await api.POST('/notifications/{notificationId}/resend', { params: { path: { notificationId: n.notificationId } } })),
    onSuccess: async () => {
      toasts.show({ color: 'green', message: 'Sent again: a new delivery round started.' });
      await queryClient.invalidateQueries({ queryKey: ['notifications'] });
    },
  });
  const to = n.to.join(', ') || n.target;
  return (
    <Paper withBorder p="sm" component="article" aria-label={`${n.channel === 'email' ? 'Mail' : 'Webhook'}: ${n.subject}`}>
      <Group justify="space-between" align="start" wrap="wrap">
        <div style={{ minWidth: 0 }}>
          <Title order={3} size="h5" style={{ overflowWrap: 'anywhere' }}>
            {n.subject}{' '}
            <Badge color={STATUS_COLOR[n.status]} variant="light" ml={4}>
              {n.status}
            </Badge>
          </Title>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {kindLabel(n.kind)} · rule {n.ruleName} · {n.channel} to {to || '—'} · raised <Time iso={n.createdAt} />
            {n.sentAt ? (
              <>
                {' '}
                · sent <Time iso={n.sentAt} />
              </>
            ) : null}
          </Text>
          {n.unresolved.length > 0 && (
            <Text size="sm" c="orange">
              No address for: {n.unresolved.join(', ')}
            </Text>
          )}
          {n.status === 'pending' && n.nextAttemptAt && (
            <Text size="sm" c="dimmed">
              Next attempt <Time iso={n.nextAttemptAt} />
            </Text>
          )}
          {n.resends.map((r) => (
            <Text key={r.at} size="xs" c="dimmed">
              Resent by {r.by}, <Time iso={r.at} />
            </Text>
          ))}
        </div>
        {auth.can('notification-rules:edit') && (
          <Button size="compact-sm" variant="light" loading={resend.isPending} disabled={n.status === 'pending'} onClick={() => resend.mutate()} aria-label={`Resend ${n.channel === 'email' ? 'the mail' : 'the webhook'} ${n.subject}`}>
            Resend
          </Button>
        )}
      </Group>
      {resend.error ? <ProblemAlert error={resend.error} /> : null}
      <Table.ScrollContainer minWidth={560} mt="xs">
        <Table aria-label={`Delivery attempts of ${n.subject}`} withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Round</Table.Th>
              <Table.Th>Attempt</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>At</Table.Th>
              <Table.Th>Took</Table.Th>
              <Table.Th>Answer or error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {n.deliveryLog.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>No attempt yet.</Table.Td>
              </Table.Tr>
            )}
            {n.deliveryLog.map((a) => (
              <Table.Tr key={`${a.round}:${a.attempt}`}>
                <Table.Td>{a.round === 0 ? 'delivery' : `resend ${a.round}`}</Table.Td>
                <Table.Td>{a.attempt}</Table.Td>
                <Table.Td>
                  <Badge color={OUTCOME_COLOR[a.outcome]} variant="light">
                    {a.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Time iso={a.at} />
                </Table.Td>
                <Table.Td>{a.durationMs} ms</Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{a.error ?? a.response ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

import { Badge, Button, Card, Loader, Stack, Switch, Table, Text, Title, Timeline } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications as toasts } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';

/**
 * Alerts: the notification rules (switch off and on, delete, with notification-rules:edit) and the
 * history of what was sent, each delivery attempt, and resend.
 */
export function AlertsPage() {
  return (
    <Stack>
      <Title order={1}>Alerts</Title>
      <Rules />
      <History />
    </Stack>
  );
}

function Rules() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const editable = auth.can('notification-rules:edit');
  const rules = useQuery({ queryKey: ['notification-rules'], queryFn: async () => data(await api.GET('/notification-rules', { params: { query: { limit: 200 } } })) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['notification-rules'] });
  const toggle = useMutation({
    mutationFn: async (r: Schemas['NotificationRule']) => data(await api.PATCH('/notification-rules/{ruleId}', { params: { path: { ruleId: r.ruleId } }, body: { enabled: !r.enabled } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async (ruleId: string) => api.DELETE('/notification-rules/{ruleId}', { params: { path: { ruleId } } }),
    onSuccess: refresh,
  });
  const confirmDelete = (r: Schemas['NotificationRule']) =>
    modals.openConfirmModal({
      title: `Delete the rule ${r.name}?`,
      children: <Text size="sm">No alert is sent for it any more; what it sent stays in the history.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(r.ruleId),
    });
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Notification rules
      </Title>
      {rules.error ? <ProblemAlert error={rules.error} /> : null}
      {toggle.error ? <ProblemAlert error={toggle.error} /> : null}
      {remove.error ? <ProblemAlert error={remove.error} /> : null}
      {rules.isPending && <Loader size="sm" aria-label="Loading the rules" />}
      {rules.data && rules.data.items.length === 0 && <Text c="dimmed">No rule: nobody is alerted.</Text>}
      {rules.data && rules.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Notification rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Stages (days before)</Table.Th>
                <Table.Th>Recipients</Table.Th>
                <Table.Th>On</Table.Th>
                {editable && <Table.Th>Action</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.items.map((r) => (
                <Table.Tr key={r.ruleId}>
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td>{r.kind}</Table.Td>
                  <Table.Td>{r.stages.join(', ') || '—'}</Table.Td>
                  <Table.Td>
                    {[
                      ...r.recipients.emails,
                      ...r.recipients.roles.map((x) => `role ${x}`),
                      ...r.recipients.teamMemberIds,
                      ...(r.recipients.leadManager ? ['the lead manager'] : []),
                      ...r.recipients.webhooks.map((w) => `webhook ${w.url} (secret …${w.secretHints.join(', …')})`),
                    ].join('; ')}
                  </Table.Td>
                  <Table.Td>
                    <Switch aria-label={`${r.name} switched on`} checked={r.enabled} disabled={!editable} onChange={() => toggle.mutate(r)} />
                  </Table.Td>
                  {editable && (
                    <Table.Td>
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => confirmDelete(r)}>
                        Delete
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

function History() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['notifications'], queryFn: async () => data(await api.GET('/notifications', { params: { query: { limit: 50 } } })) });
  const resend = useMutation({
    mutationFn: async (notificationId: string) => data(await api.POST('/notifications/{notificationId}/resend', { params: { path: { notificationId } } })),
    onSuccess: async () => {
      toasts.show({ color: 'green', message: 'Sent again.' });
      await queryClient.invalidateQueries({ queryKey: ['notifications'] });
    },
  });
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        History
      </Title>
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {resend.error ? <ProblemAlert error={resend.error} /> : null}
      {list.isPending && <Loader size="sm" aria-label="Loading the history" />}
      {list.data && list.data.items.length === 0 && <Text c="dimmed">Nothing sent yet.</Text>}
      {list.data?.items.map((n) => (
        <Card key={n.notificationId} withBorder mb="xs" p="sm">
          <Text fw={600}>
            {n.subject} <Badge variant="light" ml={4}>{n.status}</Badge>
          </Text>
          <Text size="sm">
            {n.ruleName} · {n.channel} to {n.to.join(', ') || n.target} · <Time iso={n.createdAt} />
            {n.lastError ? ` · last error: ${n.lastError}` : ''}
          </Text>
          <Button size="compact-xs" variant="subtle" onClick={() => setOpen(open === n.notificationId ? null : n.notificationId)}>
            {open === n.notificationId ? 'Hide attempts' : `Delivery attempts (${n.deliveryLog.length})`}
          </Button>
          {auth.can('notification-rules:edit') && (
            <Button size="compact-xs" variant="subtle" onClick={() => resend.mutate(n.notificationId)}>
              Resend
            </Button>
          )}
          {open === n.notificationId && (
            <Timeline mt="xs" bulletSize={10}>
              {n.deliveryLog.map((a) => (
                <Timeline.Item key={`${a.round}:${a.attempt}`} title={`${a.round === 0 ? 'Delivery' : `Resend ${a.round}`}, attempt ${a.attempt}: ${a.outcome}`}>
                  <Text size="xs">
                    <Time iso={a.at} /> · {a.durationMs} ms{a.error ? ` · ${a.error}` : ''}
                    {a.response ? ` · ${a.response}` : ''}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </Card>
      ))}
    </Card>
  );
}

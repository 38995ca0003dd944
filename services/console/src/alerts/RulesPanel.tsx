import { Anchor, Badge, Button, Group, Paper, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications as toasts } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import type { operations } from '../api/schema';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { PagedList } from '../components/PagedList';
import { RULE_KINDS, kindLabel, type Rule, type RuleKind } from './ruleForm';
import { useListParams } from '../components/ListTable';

type Query = NonNullable<operations['listNotificationRules']['parameters']['query']>;

/** The rules (oldest first, as the API lists them) by kind and package, cursor pages; switch, edit, delete. */
export function RulesPanel() {
  const auth = useAuth();
  const editable = auth.can('notification-rules:edit');
  const queryClient = useQueryClient();
  const { get, set } = useListParams();
  const query: Query = {
    limit: 25,
    ...(get('kind') ? { kind: get('kind') as RuleKind } : {}),
    ...(get('packageId') ? { packageId: get('packageId')! } : {}),
    ...(get('cursor') ? { cursor: get('cursor')! } : {}),
  };
  const rules = useQuery({
    queryKey: ['notification-rules', query],
    queryFn: async () => data(await api.GET('/notification-rules', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const [packageId, setPackageId] = useState(get('packageId') ?? '');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['notification-rules'] });
  // the list's revision is the rule's ETag: a switch or delete applies to the rule as shown
  const toggle = useMutation({
    mutationFn: async (r: Rule) =>
      data(await api.PATCH('/notification-rules/{ruleId}', { params: { path: { ruleId: r.ruleId }, header: { 'If-Match': `"${r.revision}"` } }, body: { enabled: !r.enabled } })),
    onSuccess: async (r) => {
      toasts.show({ message: `${r.name} is switched ${r.enabled ? 'on' : 'off'}.` });
      await refresh();
    },
    onError: refresh,
  });
  const remove = useMutation({
    mutationFn: async (r: Rule) => api.DELETE('/notification-rules/{ruleId}', { params: { path: { ruleId: r.ruleId }, header: { 'If-Match': `"${r.revision}"` } } }),
    onSuccess: refresh,
    onError: refresh,
  });
  const confirmDelete = (r: Rule) =>
    modals.openConfirmModal({
      title: `Delete the rule ${r.name}?`,
      children: <Text size="sm">It raises no more alerts; what it sent stays in the history.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(r),
    });
  const submitPackage = (e: FormEvent) => {
    e.preventDefault();
    set({ packageId: packageId.trim() || null });
  };

  return (
    <Stack>
      <Paper withBorder p="sm">
        <form onSubmit={submitPackage} aria-label="Rule filters">
          <Group align="end" wrap="wrap">
            <Select label="Kind" placeholder="Any" clearable data={RULE_KINDS} value={get('kind')} onChange={(k) => set({ kind: k })} w={200} />
            <TextInput label="Package id" placeholder="033…" value={packageId} onChange={(e) => setPackageId(e.currentTarget.value)} w={210} />
            <Button type="submit" variant="light">
              Apply
            </Button>
            {editable && (
              <Button ml="auto" onClick={() => set({ rule: 'new' }, true)}>
                New rule
              </Button>
            )}
          </Group>
        </form>
      </Paper>
      {toggle.error ? <ProblemAlert error={toggle.error} /> : null}
      {remove.error ? <ProblemAlert error={remove.error} /> : null}
      <PagedList
        list={rules}
        loadingLabel="Loading the rules"
        emptyText={get('kind') || get('packageId') ? 'No rule matches these filters.' : 'No rule: nobody is alerted.'}
        placeholder={{ rows: 4, height: 32 }}
      >
        {rules.data && (
          <Table.ScrollContainer minWidth={820}>
            <Table striped aria-label="Notification rules" opacity={rules.isPlaceholderData ? 0.6 : 1}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Recipients</Table.Th>
                  <Table.Th>Webhooks (secrets end …)</Table.Th>
                  <Table.Th>On</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rules.data.items.map((r) => (
                  <Table.Tr key={r.ruleId}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {r.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {r.packageId ?? 'every package'}
                      </Text>
                      <Text size="xs" c="dimmed">
                        changed <Time iso={r.updatedAt} /> by {r.updatedBy}
                      </Text>
                    </Table.Td>
                    <Table.Td>{kindLabel(r.kind)}</Table.Td>
                    <Table.Td>
                      {r.kind === 'license-expiring'
                        ? `${r.stages.join(', ')} days before`
                        : r.kind === 'onboarding-parked'
                          ? `parked ${r.parkedMinutes ?? '?'} min`
                          : 'at once'}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {[
                          ...r.recipients.emails,
                          ...r.recipients.roles.map((x) => `every ${x}`),
                          ...r.recipients.teamMemberIds.map((x) => `member ${x}`),
                          ...(r.recipients.leadManager ? ['the lead manager'] : []),
                        ].join(', ') || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {r.recipients.webhooks.length === 0
                        ? '—'
                        : r.recipients.webhooks.map((w) => (
                            <Text key={w.id} size="sm">
                              {w.id}: {w.url}{' '}
                              {w.secretHints.map((hint) => (
                                <Badge key={hint} variant="outline" size="sm" ml={4} tt="none">
                                  {hint}
                                </Badge>
                              ))}
                            </Text>
                          ))}
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={`${r.name} switched on`}
                        checked={r.enabled}
                        disabled={!editable || (toggle.isPending && toggle.variables?.ruleId === r.ruleId)}
                        onChange={() => toggle.mutate(r)}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {editable && (
                          <Button size="compact-sm" variant="light" aria-label={`Edit ${r.name}`} onClick={() => set({ rule: r.ruleId }, true)}>
                            Edit
                          </Button>
                        )}
                        <Anchor component={Link} size="sm" to={`/alerts?tab=history&ruleId=${r.ruleId}`} aria-label={`History of ${r.name}`}>
                          History
                        </Anchor>
                        {editable && (
                          <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${r.name}`} onClick={() => confirmDelete(r)}>
                            Delete
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </PagedList>
    </Stack>
  );
}

import { Button, Card, Group, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { ListTable } from '../components/ListTable';
import { Time } from '../components/Time';
import { MemberDialog } from './MemberDialog';
import { ROLE_LABELS } from './permissions';

/** The team: members, their roles and permissions, whether they are active; add and edit (admin). */
export function TeamMembers() {
  const team = useQuery({ queryKey: ['team-members'], queryFn: async () => data(await api.GET('/team-members', { params: { query: { limit: 200 } } })) });
  // undefined: no dialog; null: a new member
  const [editing, setEditing] = useState<Schemas['TeamMember'] | null | undefined>(undefined);
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3">
          Team members
        </Title>
        <Button variant="light" onClick={() => setEditing(null)}>
          Add a team member
        </Button>
      </Group>
      <ListTable
        label="Team members"
        minWidth={760}
        items={team.data?.items}
        error={team.error}
        loading={team.isPending}
        rowKey={(m) => m.id}
        empty="No team member yet."
        columns={[
          {
            header: 'Member',
            cell: (m) => (
              <>
                {m.name}{' '}
                <Text span size="xs" c="dimmed">
                  ({m.id})
                </Text>
                <Text size="xs">{m.email}</Text>
              </>
            ),
          },
          { header: 'Roles', cell: (m) => m.roles.map((r) => ROLE_LABELS[r]).join(', ') || '—' },
          {
            header: 'Permissions',
            cell: (m) => (
              <span data-testid={`permissions-${m.id}`}>
                {m.permissions.join(', ') || 'none'}
                {m.permissionsFromRoles ? <Text span size="xs" c="dimmed"> (from the roles)</Text> : null}
              </span>
            ),
          },
          {
            header: 'Active',
            cell: (m) => (
              <Text span size="sm" c={m.active ? 'green' : 'dimmed'} fw={500}>
                {m.active ? 'active' : 'inactive'}
              </Text>
            ),
          },
          { header: 'Changed', cell: (m) => <Time iso={m.updatedAt} /> },
          {
            header: 'Action',
            cell: (m) => (
              <Button size="compact-sm" variant="subtle" onClick={() => setEditing(m)} aria-label={`Edit ${m.name} (${m.id})`}>
                Edit
              </Button>
            ),
          },
        ]}
      />
      {editing !== undefined && <MemberDialog key={editing?.id ?? 'new'} member={editing} onClose={() => setEditing(undefined)} />}
    </Card>
  );
}

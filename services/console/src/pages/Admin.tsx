import { Alert, Badge, Button, Card, Code, CopyButton, Group, Loader, Modal, MultiSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';

const PERMISSIONS = [
  'licenses:read',
  'licenses:edit',
  'packages:read',
  'packages:edit',
  'leads:read',
  'leads:edit',
  'accounts:read',
  'contacts:read',
  'team:read',
  'notification-rules:read',
  'notification-rules:edit',
  'admin',
];

/** Administration: API keys (admin) and the team directory (team:read). */
export function AdminPage() {
  const auth = useAuth();
  return (
    <Stack>
      <Title order={1}>Administration</Title>
      {auth.can('admin') ? <ApiKeys /> : <Alert title="API keys">Only administrators manage API keys.</Alert>}
      {auth.can('team:read') && <Team />}
    </Stack>
  );
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: async () => data(await api.GET('/api-keys', { params: { query: { limit: 200 } } })) });
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<string[]>(['licenses:read']);
  const [created, setCreated] = useState<Schemas['NewApiKey'] | null>(null);
  const create = useMutation({
    mutationFn: async () => data(await api.POST('/api-keys', { body: { name: name.trim(), permissions: permissions as Schemas['ApiKey']['permissions'] } })),
    onSuccess: async (k) => {
      setCreated(k);
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (keyId: string) => data(await api.DELETE('/api-keys/{keyId}', { params: { path: { keyId } } })),
    onSuccess: async (k) => {
      notifications.show({ color: 'green', message: `API key ${k.name} revoked: it no longer works.` });
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        API keys
      </Title>
      <Group align="end" mb="sm">
        <TextInput label="Name" placeholder="billing sync" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <MultiSelect label="Permissions" data={PERMISSIONS} value={permissions} onChange={setPermissions} w={360} />
        <Button onClick={() => create.mutate()} disabled={!name.trim() || permissions.length === 0} loading={create.isPending}>
          Create API key
        </Button>
      </Group>
      {create.error ? <ProblemAlert error={create.error} /> : null}
      {revoke.error ? <ProblemAlert error={revoke.error} /> : null}
      {keys.error ? <ProblemAlert error={keys.error} /> : null}
      {keys.isPending && <Loader size="sm" aria-label="Loading API keys" />}
      {keys.data && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.items.map((k) => (
                <Table.Tr key={k.keyId}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>{k.permissions.join(', ')}</Table.Td>
                  <Table.Td>
                    <Time iso={k.createdAt} /> by {k.createdBy}
                  </Table.Td>
                  <Table.Td>
                    {k.revokedAt ? (
                      <Badge color="gray">revoked</Badge>
                    ) : (
                      <Button size="compact-sm" color="red" variant="subtle" onClick={() => revoke.mutate(k.keyId)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={created !== null} onClose={() => setCreated(null)} title="API key created">
        {created && (
          <Stack>
            <Text>This is the only time the key is shown: LMA keeps only its hash. Store it in your secret manager now.</Text>
            <Code block data-testid="new-api-key">
              {created.key}
            </Code>
            <Group justify="flex-end">
              <CopyButton value={created.key}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
              <Button variant="default" onClick={() => setCreated(null)}>
                Done
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}

function Team() {
  const team = useQuery({ queryKey: ['team-members'], queryFn: async () => data(await api.GET('/team-members', { params: { query: { limit: 200 } } })) });
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Team members
      </Title>
      {team.error ? <ProblemAlert error={team.error} /> : null}
      {team.data && team.data.items.length === 0 && <Text c="dimmed">No team member yet.</Text>}
      {team.data && team.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Team members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Roles</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Active</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {team.data.items.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    {m.name} <Text span size="xs" c="dimmed">({m.id})</Text>
                  </Table.Td>
                  <Table.Td>{m.email}</Table.Td>
                  <Table.Td>{m.roles.join(', ')}</Table.Td>
                  <Table.Td>{m.permissions.join(', ')}</Table.Td>
                  <Table.Td>{m.active ? 'yes' : 'no'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

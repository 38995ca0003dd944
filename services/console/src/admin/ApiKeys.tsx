import { Badge, Button, Card, Code, CopyButton, Group, Modal, MultiSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data, type Schemas } from '../api/client';
import { ListTable } from '../components/ListTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { PERMISSIONS, type Permission } from './permissions';

/** API keys for vendor systems: create one (its key shown once), revoke one. */
export function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: async () => data(await api.GET('/api-keys', { params: { query: { limit: 200 } } })) });
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<Permission[]>(['licenses:read']);
  const [created, setCreated] = useState<Schemas['NewApiKey'] | null>(null);
  const create = useMutation({
    mutationFn: async () => data(await api.POST('/api-keys', { body: { name: name.trim(), permissions } })),
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && permissions.length > 0) create.mutate();
  };
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        API keys
      </Title>
      <form onSubmit={submit} aria-label="New API key">
        <Group align="end" mb="sm">
          <TextInput label="Name" placeholder="billing sync" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <MultiSelect label="Permissions" data={PERMISSIONS} value={permissions} onChange={(v) => setPermissions(v as Permission[])} w={{ base: '100%', sm: 360 }} />
          <Button type="submit" disabled={!name.trim() || permissions.length === 0} loading={create.isPending}>
            Create API key
          </Button>
        </Group>
      </form>
      {create.error ? <ProblemAlert error={create.error} /> : null}
      {revoke.error ? <ProblemAlert error={revoke.error} /> : null}
      <ListTable
        label="API keys"
        items={keys.data?.items}
        error={keys.error}
        loading={keys.isPending}
        rowKey={(k) => k.keyId}
        empty="No API key yet."
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Permissions', cell: (k) => k.permissions.join(', ') },
          {
            header: 'Created',
            cell: (k) => (
              <>
                <Time iso={k.createdAt} /> by {k.createdBy}
              </>
            ),
          },
          {
            header: 'State',
            cell: (k) =>
              k.revokedAt ? (
                <Badge color="gray">revoked</Badge>
              ) : (
                <Button size="compact-sm" color="red" variant="subtle" onClick={() => revoke.mutate(k.keyId)} aria-label={`Revoke ${k.name}`}>
                  Revoke
                </Button>
              ),
          },
        ]}
      />
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

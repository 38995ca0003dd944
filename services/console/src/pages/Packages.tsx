import { Anchor, Button, Card, Code, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, data } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { LeadManager } from '../packages/LeadManager';
import { Refresh } from '../packages/Refresh';

export function PackagesPage() {
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  const list = useQuery({
    queryKey: ['packages', cursor],
    queryFn: async () => data(await api.GET('/packages', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
  });
  return (
    <Stack>
      <Title order={1}>Packages</Title>
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {list.isPending && <Loader aria-label="Loading packages" />}
      {list.data && list.data.items.length === 0 && <Text>No package registered yet.</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label="Packages">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Package</Table.Th>
                <Table.Th>Developer</Table.Th>
                <Table.Th>Latest version</Table.Th>
                <Table.Th>Default license</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((p) => (
                <Table.Tr key={p.packageId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/packages/${p.packageId}`}>
                      {p.packageName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{p.developerName}</Table.Td>
                  <Table.Td>{p.latestVersionNumber ?? '—'}</Table.Td>
                  <Table.Td>
                    {p.defaultLicense.status}, {p.defaultLicense.seats ?? 'site'} seats, {p.defaultLicense.lengthDays ?? 'unlimited'} days
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between">
        <Button variant="default" disabled={!cursor} onClick={() => setParams({})}>
          First page
        </Button>
        <Button variant="default" disabled={!list.data?.nextCursor} onClick={() => setParams({ cursor: list.data!.nextCursor! })}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}

export function PackagePage() {
  const { packageId = '' } = useParams();
  const pkg = useQuery({ queryKey: ['package', packageId], queryFn: async () => data(await api.GET('/packages/{packageId}', { params: { path: { packageId } } })) });
  const versions = useQuery({
    queryKey: ['package', packageId, 'versions'],
    queryFn: async () => data(await api.GET('/packages/{packageId}/versions', { params: { path: { packageId }, query: { limit: 50 } } })),
  });
  if (pkg.error) return <ProblemAlert error={pkg.error} />;
  if (!pkg.data) return <Loader aria-label="Loading the package" />;
  const p = pkg.data;
  return (
    <Stack>
      <Title order={1}>{p.packageName}</Title>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <div>
            <Text size="xs" c="dimmed">Package id</Text>
            <Code>{p.packageId}</Code>
          </div>
          <div>
            <Text size="xs" c="dimmed">Developer</Text>
            {p.developerName}
          </div>
          <div>
            <Text size="xs" c="dimmed">Registered</Text>
            <Time iso={p.registeredAt} />
          </div>
          <div>
            <Text size="xs" c="dimmed">Default license</Text>
            {p.defaultLicense.status}, {p.defaultLicense.seats ?? 'site license'} seats, {p.defaultLicense.lengthDays ?? 'no'} day limit
          </div>
          <div>
            <Text size="xs" c="dimmed">Lead manager</Text>
            {p.leadManagerId ?? '—'}
          </div>
          <div>
            <Text size="xs" c="dimmed">Licenses</Text>
            <Anchor component={Link} to={`/licenses?packageId=${p.packageId}`}>
              Licenses of this package
            </Anchor>
          </div>
        </SimpleGrid>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <LeadManager packageId={p.packageId} />
        <Refresh packageId={p.packageId} />
      </SimpleGrid>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Versions
        </Title>
        {versions.error ? <ProblemAlert error={versions.error} /> : null}
        {versions.data && (
          <Table aria-label="Versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Released</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.data.items.map((v) => (
                <Table.Tr key={v.packageVersionId}>
                  <Table.Td>
                    {v.versionNumber}
                    {v.beta ? ' (beta)' : ''}
                  </Table.Td>
                  <Table.Td>{v.versionName}</Table.Td>
                  <Table.Td>
                    <Time iso={v.releasedAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  );
}

import { Anchor, Card, Code, Loader, SimpleGrid, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, data } from '../api/client';
import { Field } from '../components/Field';
import { ListTable, Pager, useListParams } from '../components/ListTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';
import { DefaultLicense } from '../packages/DefaultLicense';
import { describeDefaults } from '../packages/defaultsForm';
import { LeadManager } from '../packages/LeadManager';
import { Refresh } from '../packages/Refresh';

export function PackagesPage() {
  const { cursor, set } = useListParams();
  const list = useQuery({
    queryKey: ['packages', cursor],
    queryFn: async () => data(await api.GET('/packages', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
  });
  return (
    <Stack>
      <Title order={1}>Packages</Title>
      <ListTable
        label="Packages"
        striped
        items={list.data?.items}
        error={list.error}
        loading={list.isPending}
        rowKey={(p) => p.packageId}
        empty="No package registered yet."
        columns={[
          {
            header: 'Package',
            cell: (p) => (
              <Anchor component={Link} to={`/packages/${p.packageId}`}>
                {p.packageName}
              </Anchor>
            ),
          },
          { header: 'Developer', cell: (p) => p.developerName },
          { header: 'Latest version', cell: (p) => p.latestVersionNumber ?? '—' },
          { header: 'Default license', cell: (p) => describeDefaults(p) },
        ]}
      />
      <Pager cursor={cursor} next={list.data?.nextCursor} onCursor={(c) => set({ cursor: c })} />
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
          <Field label="Package id">
            <Code>{p.packageId}</Code>
          </Field>
          <Field label="Developer">{p.developerName}</Field>
          <Field label="Registered">
            <Time iso={p.registeredAt} />
          </Field>
          <Field label="Licenses">
            <Anchor component={Link} to={`/licenses?packageId=${p.packageId}`}>
              Licenses of this package
            </Anchor>
          </Field>
        </SimpleGrid>
      </Card>
      <DefaultLicense pkg={p} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <LeadManager packageId={p.packageId} />
        <Refresh packageId={p.packageId} />
      </SimpleGrid>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Versions
        </Title>
        <ListTable
          label="Versions"
          minWidth={420}
          items={versions.data?.items}
          error={versions.error}
          loading={versions.isPending}
          rowKey={(v) => v.packageVersionId}
          empty="No version uploaded yet."
          columns={[
            { header: 'Version', cell: (v) => `${v.versionNumber}${v.beta ? ' (beta)' : ''}` },
            { header: 'Name', cell: (v) => v.versionName },
            { header: 'Released', cell: (v) => <Time iso={v.releasedAt} /> },
          ]}
        />
      </Card>
    </Stack>
  );
}

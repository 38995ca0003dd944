import { Anchor, Badge, Button, Group, Paper, Select, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, data, type License } from '../api/client';
import type { operations } from '../api/schema';
import { useListParams } from '../components/ListTable';
import { PagedList } from '../components/PagedList';
import { Time } from '../components/Time';
import { SeatsText, StatusBadge } from '../licenses/parts';

type Query = NonNullable<operations['listLicenses']['parameters']['query']>;

/** The licenses list: every filter of GET /licenses in the URL (deep-linkable), sort, cursor pages. */
export function LicensesPage() {
  const { params, set } = useListParams();
  const query: Query = {
    limit: 25,
    ...(params.get('status') ? { status: params.get('status') as License['status'] } : {}),
    ...(params.get('packageId') ? { packageId: params.get('packageId')! } : {}),
    ...(params.get('subscriberOrgId') ? { subscriberOrgId: params.get('subscriberOrgId')! } : {}),
    ...(params.get('expiringBefore') ? { expiringBefore: params.get('expiringBefore')! } : {}),
    ...(params.get('sandbox') ? { sandbox: params.get('sandbox') as 'true' | 'false' } : {}),
    sort: (params.get('sort') as Query['sort']) ?? 'licenseName',
    order: (params.get('order') as 'asc' | 'desc') ?? 'asc',
    ...(params.get('cursor') ? { cursor: params.get('cursor')! } : {}),
  };
  const list = useQuery({
    queryKey: ['licenses', query],
    queryFn: async () => data(await api.GET('/licenses', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const [text, setText] = useState<Record<'packageId' | 'subscriberOrgId', string>>({ packageId: params.get('packageId') ?? '', subscriberOrgId: params.get('subscriberOrgId') ?? '' });

  const submitText = (e: FormEvent) => {
    e.preventDefault();
    set({ packageId: text.packageId.trim() || null, subscriberOrgId: text.subscriberOrgId.trim() || null });
  };

  return (
    <Stack>
      <Title order={1}>Licenses</Title>
      <Paper withBorder p="sm">
        <form onSubmit={submitText} aria-label="Filters">
          <Group align="end" wrap="wrap">
            <Select label="Status" placeholder="Any" clearable data={['Trial', 'Active', 'Suspended', 'Uninstalled']} value={params.get('status')} onChange={(v) => set({ status: v })} w={150} />
            <TextInput label="Package id" placeholder="033…" value={text.packageId} onChange={(e) => setText({ ...text, packageId: e.currentTarget.value })} w={210} />
            <TextInput label="Subscriber org id" placeholder="00D…" value={text.subscriberOrgId} onChange={(e) => setText({ ...text, subscriberOrgId: e.currentTarget.value })} w={190} />
            <DateInput label="Expiring before" placeholder="YYYY-MM-DD" valueFormat="YYYY-MM-DD" clearable value={params.get('expiringBefore')} onChange={(v) => set({ expiringBefore: v })} w={160} />
            <Select label="Sandbox" placeholder="Any" clearable data={[{ value: 'false', label: 'Production' }, { value: 'true', label: 'Sandbox' }]} value={params.get('sandbox')} onChange={(v) => set({ sandbox: v })} w={140} />
            <Button type="submit" variant="light">
              Apply
            </Button>
          </Group>
          <Group mt="sm" align="end">
            <Select
              label="Sort by"
              allowDeselect={false}
              data={[
                { value: 'licenseName', label: 'Name' },
                { value: 'expiresOn', label: 'Expiration' },
                { value: 'installDate', label: 'Install date' },
                { value: 'updatedAt', label: 'Last change' },
              ]}
              value={query.sort ?? 'licenseName'}
              onChange={(v) => set({ sort: v })}
              w={170}
            />
            <SegmentedControl aria-label="Order" data={[{ value: 'asc', label: 'Ascending' }, { value: 'desc', label: 'Descending' }]} value={query.order ?? 'asc'} onChange={(v) => set({ order: v })} />
          </Group>
        </form>
      </Paper>
      <PagedList list={list} loadingLabel="Loading licenses" emptyText="No license matches these filters." placeholder={{ rows: 6, height: 32 }}>
        {list.data && (
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover aria-label="Licenses" opacity={list.isPlaceholderData ? 0.6 : 1}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>License</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Package</Table.Th>
                  <Table.Th>Subscriber org</Table.Th>
                  <Table.Th>Seats (used / limit)</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Installed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((l) => (
                  <Table.Tr key={l.licenseId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/licenses/${l.licenseId}`}>
                        {l.licenseName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={l.status} />
                      {l.sandbox && (
                        <Badge ml={4} variant="outline" size="sm">
                          sandbox
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {l.packageId}
                      </Text>
                      <Text size="xs" c="dimmed">
                        v{l.versionNumber}
                      </Text>
                    </Table.Td>
                    <Table.Td ff="monospace">{l.subscriberOrgId}</Table.Td>
                    <Table.Td>
                      <SeatsText license={l} />
                    </Table.Td>
                    <Table.Td>{l.expiresOn ?? 'Does not expire'}</Table.Td>
                    <Table.Td>
                      <Time iso={l.installDate} />
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

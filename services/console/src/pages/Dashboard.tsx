import { Anchor, Card, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data, type License } from '../api/client';
import { useAuth } from '../auth';
import { DeadLetters } from '../dashboard/DeadLetters';
import { OnboardingsNeedingAttention } from '../dashboard/OnboardingsNeedingAttention';
import { ProblemAlert } from '../components/ProblemAlert';
import { addDays, todayUtc } from '../licenses/modifyRules';
import { StatusBadge } from '../licenses/parts';

const STATUSES: License['status'][] = ['Active', 'Trial', 'Suspended', 'Uninstalled'];
const SAMPLE = 200;

/**
 * What the API exposes at a glance: licenses by status (counted up to a page of 200 each), the
 * licenses expiring in the next 30 days, installs per day over the latest 200 installs, the
 * onboardings parked or failed, and (admins) the records dead-lettered in the last day.
 */
export function DashboardPage() {
  const auth = useAuth();
  const today = todayUtc();
  const byStatus = useQueries({
    queries: STATUSES.map((status) => ({
      queryKey: ['licenses', { status, limit: SAMPLE }],
      queryFn: async () => data(await api.GET('/licenses', { params: { query: { status, limit: SAMPLE, sort: 'licenseName' } } })),
    })),
  });
  const expiring = useQuery({
    queryKey: ['licenses', { expiringBefore: addDays(today, 31), sort: 'expiresOn' }],
    queryFn: async () => data(await api.GET('/licenses', { params: { query: { expiringBefore: addDays(today, 31), sort: 'expiresOn', order: 'asc', limit: 50 } } })),
  });
  const recent = useQuery({
    queryKey: ['licenses', { sort: 'installDate', order: 'desc', limit: SAMPLE }],
    queryFn: async () => data(await api.GET('/licenses', { params: { query: { sort: 'installDate', order: 'desc', limit: SAMPLE } } })),
  });
  const counts = STATUSES.map((status, i) => {
    const page = byStatus[i]?.data;
    return { status, count: page ? page.items.length : 0, more: !!page?.nextCursor };
  });
  const perDay = new Map<string, number>();
  for (const l of recent.data?.items ?? []) perDay.set(l.installDate.slice(0, 10), (perDay.get(l.installDate.slice(0, 10)) ?? 0) + 1);
  const installs = [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, installs: count }));
  const error = byStatus.find((q) => q.error)?.error ?? expiring.error ?? recent.error;
  const upcoming = (expiring.data?.items ?? []).filter((l) => l.expiresOn !== null && l.expiresOn >= today && l.status !== 'Uninstalled');

  return (
    <Stack>
      <Title order={1}>Dashboard</Title>
      {error ? <ProblemAlert error={error} /> : null}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        {counts.map((c) => (
          <Card withBorder key={c.status}>
            <StatusBadge status={c.status} />
            <Text size="xl" fw={700} mt="xs" aria-label={`${c.status} licenses`}>
              <Anchor component={Link} to={`/licenses?status=${c.status}`} inherit>
                {c.count}
                {c.more ? '+' : ''}
              </Anchor>
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            Installs per day
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            The latest {SAMPLE} installs, by UTC day.
          </Text>
          {recent.isPending ? <Loader size="sm" /> : installs.length === 0 ? <Text c="dimmed">No install yet.</Text> : <BarChart h={220} data={installs} dataKey="day" series={[{ name: 'installs', color: 'indigo.6' }]} aria-label="Installs per day" />}
        </Card>
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            Expiring in the next 30 days
          </Title>
          {expiring.isPending ? (
            <Loader size="sm" />
          ) : upcoming.length === 0 ? (
            <Text c="dimmed">No license expires in the next 30 days.</Text>
          ) : (
            <Table aria-label="Licenses expiring in the next 30 days">
              <Table.Tbody>
                {upcoming.map((l) => (
                  <Table.Tr key={l.licenseId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/licenses/${l.licenseId}`}>
                        {l.licenseName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={l.status} />
                    </Table.Td>
                    <Table.Td>{l.expiresOn}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      </SimpleGrid>
      {auth.can('licenses:read') ? <OnboardingsNeedingAttention /> : null}
      {auth.can('admin') ? <DeadLetters /> : null}
    </Stack>
  );
}

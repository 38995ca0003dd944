import { Alert, Button, Card, Group, Loader, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';

const RUNNING: Schemas['RefreshJob']['state'][] = ['requested', 'running', 'finalizing'];

/** Refresh licenses: the weekly allowance (next allowed time), starting one, its live progress and its summary. */
export function Refresh({ packageId }: { packageId: string }) {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const status = useQuery({
    queryKey: ['refresh', packageId],
    queryFn: async () => data(await api.GET('/packages/{packageId}/refresh', { params: { path: { packageId } } })),
    // while a job runs, its progress is read every second
    refetchInterval: (q) => (q.state.data?.lastRefresh && RUNNING.includes(q.state.data.lastRefresh.state) ? 1000 : false),
  });
  const start = useMutation({
    mutationFn: async () => data(await api.POST('/packages/{packageId}/refresh', { params: { path: { packageId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['refresh', packageId] }),
  });
  const s = status.data;
  const job = s?.lastRefresh ?? null;
  const running = !!job && RUNNING.includes(job.state);
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Refresh licenses
      </Title>
      {status.error ? <ProblemAlert error={status.error} /> : null}
      {status.isPending && <Loader size="sm" aria-label="Loading the refresh status" />}
      {s && (
        <Stack gap="xs">
          <Text size="sm">
            Reconciles this package's licenses with the marketplace: missing licenses are created, drifted ones corrected. Once every 7 days
            {s.grantsAvailable > 0 ? `, plus ${s.grantsAvailable} extra granted` : ''}.
          </Text>
          <Text size="sm" data-testid="refresh-allowance">
            {s.availableNow || s.grantsAvailable > 0 ? (
              'Available now.'
            ) : (
              <>
                Next available <Time iso={s.nextAvailableAt} />.
              </>
            )}
          </Text>
          {auth.can('packages:edit') && (
            <Group>
              <Button onClick={() => start.mutate()} loading={start.isPending} disabled={running || (!s.availableNow && s.grantsAvailable === 0)}>
                Refresh licenses
              </Button>
            </Group>
          )}
          {start.error ? <ProblemAlert error={start.error} /> : null}
          {job && <Job job={job} />}
        </Stack>
      )}
    </Card>
  );
}

function Job({ job }: { job: Schemas['RefreshJob'] }) {
  const p = job.progress;
  const pct = p.lastPage ? Math.round((100 * p.pagesDone) / p.lastPage) : 0;
  const sum = job.summary;
  const byField = Object.entries(sum.correctedByField);
  const rows: [string, string][] = [
    ['Created', String(sum.created)],
    ['Corrected', `${sum.corrected}${byField.length > 0 ? ` (${byField.map(([f, n]) => `${f}: ${n}`).join(', ')})` : ''}`],
    ['Unchanged', String(sum.unchanged)],
    ['Onboarding under way', String(sum.onboardingUnderway)],
    ['Missing upstream', String(sum.missingUpstream)],
    ['Failed', String(sum.failed)],
  ];
  return (
    <Stack gap={4}>
      <Text size="sm">
        Last refresh {job.jobId} ({job.kind}) by {job.requestedBy}, <Time iso={job.acceptedAt} />: <b data-testid="refresh-state">{job.state}</b>
      </Text>
      {RUNNING.includes(job.state) && (
        <>
          <Progress value={pct} animated aria-label="Refresh progress" />
          <Text size="xs">
            {p.pagesDone} of {p.lastPage ?? '?'} pages, {p.installations} installations
          </Text>
        </>
      )}
      {job.incomplete && (
        <Alert color="orange" title="Incomplete">
          {job.incomplete.reason} (missing pages {job.incomplete.missingPages.join(', ')})
        </Alert>
      )}
      <Table aria-label="Refresh summary" withRowBorders={false}>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Td>{k}</Table.Td>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

import { Alert, Badge, Button, Card, Group, Loader, SegmentedControl, Stack, Text, TextInput, Timeline, Title, Anchor } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';

const UNDER_WAY: Schemas['Onboarding']['state'][] = ['lead_requested', 'license_requested', 'withdrawing_lead'];
const STATE_COLORS: Record<string, string> = { completed: 'green', parked: 'orange', failed: 'red' };

/** "Why has this install no license?": the onboardings of an install (org + package) or of one event. */
export function OnboardingsPage() {
  const [params, setParams] = useSearchParams();
  const mode = params.get('eventId') !== null || params.get('by') === 'event' ? 'event' : 'install';
  const [form, setForm] = useState({ packageId: params.get('packageId') ?? '', subscriberOrgId: params.get('subscriberOrgId') ?? '', eventId: params.get('eventId') ?? '' });
  const packageId = params.get('packageId');
  const subscriberOrgId = params.get('subscriberOrgId');
  const eventId = params.get('eventId');
  const found = useQuery({
    queryKey: ['onboardings', packageId, subscriberOrgId, eventId],
    enabled: !!eventId || (!!packageId && !!subscriberOrgId),
    queryFn: async (): Promise<Schemas['Onboarding'][]> =>
      eventId
        ? [data(await api.GET('/onboardings/by-event/{eventId}', { params: { path: { eventId } } }))]
        : data(await api.GET('/onboardings', { params: { query: { packageId: packageId!, subscriberOrgId: subscriberOrgId! } } })).items,
    // an onboarding under way is followed live until it completes, parks or fails
    refetchInterval: (q) => (q.state.data?.some((o) => UNDER_WAY.includes(o.state)) ? 2000 : false),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = mode === 'event' ? { eventId: form.eventId.trim() } : { packageId: form.packageId.trim(), subscriberOrgId: form.subscriberOrgId.trim() };
    // the same lookup again reads it again
    if (new URLSearchParams(next).toString() === params.toString()) void found.refetch();
    else setParams(next);
  };
  return (
    <Stack>
      <Title order={1}>Onboardings</Title>
      <Text>Why has an install no license? Look up its onboarding by install or by the marketplace event that started it.</Text>
      <Card withBorder>
        <form onSubmit={submit} aria-label="Find onboardings">
          <SegmentedControl mb="sm" aria-label="Look up by" value={mode} onChange={(v) => setParams(v === 'event' ? { by: 'event' } : {})} data={[{ value: 'install', label: 'Install (package + org)' }, { value: 'event', label: 'Event id' }]} />
          <Group align="end">
            {mode === 'install' ? (
              <>
                <TextInput label="Package id" required placeholder="033…" value={form.packageId} onChange={(e) => setForm({ ...form, packageId: e.currentTarget.value })} />
                <TextInput label="Subscriber org id" required placeholder="00D…" value={form.subscriberOrgId} onChange={(e) => setForm({ ...form, subscriberOrgId: e.currentTarget.value })} />
              </>
            ) : (
              <TextInput label="Event id" required value={form.eventId} onChange={(e) => setForm({ ...form, eventId: e.currentTarget.value })} w={360} />
            )}
            <Button type="submit">Look up</Button>
          </Group>
        </form>
      </Card>
      {found.error ? <ProblemAlert error={found.error} /> : null}
      {found.isFetching && <Loader size="sm" aria-label="Looking up" />}
      {found.data && found.data.length === 0 && <Text>No onboarding for this install: the marketplace event has not reached LMA.</Text>}
      {found.data?.map((o) => <Onboarding key={o.sagaId} onboarding={o} />)}
    </Stack>
  );
}

function Onboarding({ onboarding: o }: { onboarding: Schemas['Onboarding'] }) {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: async () => data(await api.POST('/onboardings/{sagaId}/retry', { params: { path: { sagaId: o.sagaId } } })),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Retried: the onboarding resumes now.' });
      await queryClient.invalidateQueries({ queryKey: ['onboardings'] });
    },
  });
  return (
    <Card withBorder aria-label={`Onboarding ${o.sagaId}`}>
      <Group justify="space-between">
        <Group>
          <Title order={2} size="h4">
            {o.sagaId}
          </Title>
          <Badge color={STATE_COLORS[o.state] ?? 'blue'}>{o.state}</Badge>
          <Text size="sm">{o.stage}</Text>
        </Group>
        {o.state === 'parked' && auth.can('licenses:edit') && (
          <Button onClick={() => retry.mutate()} loading={retry.isPending}>
            Retry now
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Started <Time iso={o.createdAt} /> by event {o.installEventId}
      </Text>
      {o.lead?.leadId && (
        <Text>
          Lead: <Anchor component={Link} to={`/leads/${o.lead.leadId}`}>{o.lead.leadId}</Anchor> (owner {o.lead.ownerId}, {o.lead.created ? 'new' : `matched by ${o.lead.matchedBy}`})
        </Text>
      )}
      {o.license && (
        <Text>
          License: <Anchor component={Link} to={`/licenses/${o.license.licenseId}`}>{o.license.licenseName ?? o.license.licenseId}</Anchor>
        </Text>
      )}
      {o.parked && (
        <Alert color="orange" title={`Parked: ${o.parked.reason}`} mt="sm">
          <div>Step: {o.parked.step ?? '—'}; since <Time iso={o.parked.since} /></div>
          <div>Resumes on: {o.parked.resumesOn}</div>
          {o.parked.nextRetryAt && (
            <div>
              Next retry: <Time iso={o.parked.nextRetryAt} />
            </div>
          )}
        </Alert>
      )}
      {o.failed && (
        <Alert color="red" title="Failed" mt="sm">
          {o.failed.reason ?? 'No reason recorded'} (step {o.failed.step ?? '—'}, {o.failed.attempts} attempts)
        </Alert>
      )}
      {retry.error ? <ProblemAlert error={retry.error} /> : null}
      <Timeline mt="md" bulletSize={12} aria-label="Onboarding timeline">
        {o.history.map((h) => (
          <Timeline.Item key={`${h.commandId}:${h.outcome}:${h.at}`} title={`${h.step}: ${h.outcome}`}>
            <Text size="xs">
              <Time iso={h.at} />
              {h.detail ? ` · ${h.detail}` : ''}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </Card>
  );
}

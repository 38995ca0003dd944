import { Anchor, Badge, Card, Group, SegmentedControl, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { Time } from '../components/Time';
import { PagedTable } from './PagedTable';

type Attention = Schemas['OnboardingAttention'];
type StateFilter = 'all' | 'parked' | 'failed';
const PAGE = 20;
/** A column as wide as its content, never wrapped or cut. */
const NARROW = { whiteSpace: 'nowrap', width: 1 } as const;

/** Onboardings parked or failed (within install-intake's attention window), newest first, with their reason and a way to diagnose each. */
export function OnboardingsNeedingAttention() {
  const [state, setState] = useState<StateFilter>('all');
  const list = useInfiniteQuery({
    queryKey: ['onboardings', 'attention', state],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      data(await api.GET('/onboardings/attention', { params: { query: { limit: PAGE, ...(state === 'all' ? {} : { state }), ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h3">
          Onboardings parked or failed
        </Title>
        <SegmentedControl
          size="xs"
          aria-label="Onboardings shown"
          value={state}
          onChange={(v) => setState(v as StateFilter)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'parked', label: 'Parked' },
            { value: 'failed', label: 'Failed' },
          ]}
        />
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        Installs without a license yet: parked ones resume by themselves once their cause is fixed; failed ones are kept here for a week.
      </Text>
      <PagedTable
        list={list}
        label="Onboardings parked or failed"
        empty={`No onboarding is ${state === 'all' ? 'parked or failed' : state}.`}
        head={['Since', 'State', 'Reason', 'Org', 'Package']}
        row={(o) => <AttentionRow key={o.sagaId} o={o} />}
      />
    </Card>
  );
}

function AttentionRow({ o }: { o: Attention }) {
  return (
    <Table.Tr data-testid={`attention-${o.installEventId}`}>
      <Table.Td style={NARROW}>
        <Time iso={o.since} />
      </Table.Td>
      <Table.Td style={NARROW}>
        <Badge color={o.state === 'failed' ? 'red' : 'yellow'} variant="light" style={{ minWidth: 'max-content' }}>
          {o.state}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/onboardings?eventId=${encodeURIComponent(o.installEventId)}`} aria-label={`Diagnose the onboarding of ${o.orgName ?? o.subscriberOrgId}`}>
          {o.reason}
        </Anchor>
        <Text size="xs" c="dimmed">
          {o.step ? `at ${o.step}` : null}
          {o.resumesOn ? `${o.step ? '; ' : ''}resumes on ${o.resumesOn}` : null}
        </Text>
        {o.lead?.leadId ? (
          <Anchor component={Link} to={`/leads/${encodeURIComponent(o.lead.leadId)}`} size="xs">
            its lead
          </Anchor>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{o.orgName ?? '—'}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {o.subscriberOrgId}
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/packages/${encodeURIComponent(o.packageId)}`} ff="monospace" size="sm">
          {o.packageId}
        </Anchor>
      </Table.Td>
    </Table.Tr>
  );
}

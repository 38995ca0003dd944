import { Alert, Anchor, Badge, Card, Code, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { Time } from '../components/Time';
import { PagedTable } from './PagedTable';

type DeadLetter = Schemas['DeadLetter'];
const PAGE = 20;
const DAY_MS = 86_400_000;
/** Records of this topic are installs and package events: their event id is what the onboarding lookup takes. */
const MARKETPLACE_TOPIC = 'marketplace.events';

/** Records dead-lettered by any service in the last 24 hours (admins), newest first, with the reason each was refused. */
export function DeadLetters() {
  const [since] = useState(() => new Date(Date.now() - DAY_MS).toISOString());
  const list = useInfiniteQuery({
    queryKey: ['dead-letters', since],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => data(await api.GET('/dead-letters', { params: { query: { since, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const unavailable = [...new Set(list.data?.pages.flatMap((p) => p.unavailable) ?? [])];
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Dead letters in the last day
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Records a service could not use: each went to its topic&apos;s dead-letter topic with the reason below.
      </Text>
      {unavailable.length ? (
        <Alert color="yellow" variant="light" mb="xs" title="Some services did not answer">
          Dead letters of {unavailable.join(', ')} are missing from this list.
        </Alert>
      ) : null}
      <PagedTable
        list={list}
        label="Dead letters in the last day"
        empty="No record was dead-lettered in the last day."
        head={['When', 'Service', 'Record', 'Reason']}
        row={(d) => <DeadLetterRow key={d.id} d={d} />}
      />
    </Card>
  );
}

function DeadLetterRow({ d }: { d: DeadLetter }) {
  return (
    <Table.Tr data-testid={`dead-letter-${d.eventId ?? d.id}`}>
      <Table.Td style={{ whiteSpace: 'nowrap', width: 1 }}>
        <Time iso={d.at} />
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color="gray">
          {d.service}
        </Badge>
        <Text size="xs" c="dimmed">
          {d.consumerGroup}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{d.type ?? 'no type'}</Text>
        <Text size="xs" c="dimmed">
          {d.topic} #{d.partition}@{d.offset}
        </Text>
        {d.eventId ? (
          d.topic === MARKETPLACE_TOPIC ? (
            <Anchor component={Link} to={`/onboardings?eventId=${encodeURIComponent(d.eventId)}`} size="xs" ff="monospace">
              {d.eventId}
            </Anchor>
          ) : (
            <Code>{d.eventId}</Code>
          )
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{d.reason}</Text>
        {d.field ? (
          <Text size="xs" c="dimmed">
            field {d.field}
          </Text>
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

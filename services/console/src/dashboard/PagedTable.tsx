import { Button, Loader, Stack, Table, Text } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from '../components/ProblemAlert';

/**
 * A dashboard list read page by page (a cursor list of the API): its problem, a loader, what it
 * says when empty, or the table with **Show more** while the API has more.
 */
export function PagedTable<T>(p: {
  list: UseInfiniteQueryResult<InfiniteData<{ items: T[] }>>;
  /** The table's accessible name; the loader's is "Loading <label>". */
  label: string;
  empty: string;
  head: string[];
  row: (item: T) => ReactNode;
}) {
  const { list } = p;
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  if (list.error) return <ProblemAlert error={list.error} />;
  if (list.isPending) return <Loader size="sm" aria-label={`Loading ${p.label.toLowerCase()}`} />;
  if (items.length === 0) return <Text c="dimmed">{p.empty}</Text>;
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={p.label} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              {p.head.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{items.map(p.row)}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.hasNextPage ? (
        <Button variant="subtle" size="xs" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} w="fit-content">
          Show more
        </Button>
      ) : null}
    </Stack>
  );
}

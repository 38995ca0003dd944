import { Paper, Skeleton, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Pager, useListParams } from './ListTable';
import { ProblemAlert } from './ProblemAlert';

/**
 * The frame of a cursor-paged list whose cursor is in the URL: the API's refusal, placeholders
 * while it loads, the empty state, the items, and first and next page.
 */
export function PagedList({
  list,
  loadingLabel,
  emptyText,
  placeholder,
  children,
}: {
  list: UseQueryResult<{ items: unknown[]; nextCursor: string | null }>;
  loadingLabel: string;
  emptyText: string;
  placeholder: { rows: number; height: number };
  children: ReactNode;
}) {
  const { cursor, set } = useListParams();
  return (
    <>
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {list.isPending ? (
        <Stack aria-label={loadingLabel} gap="xs">
          {Array.from({ length: placeholder.rows }, (_, i) => (
            <Skeleton key={i} h={placeholder.height} />
          ))}
        </Stack>
      ) : list.data && list.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <Text ta="center">{emptyText}</Text>
        </Paper>
      ) : (
        children
      )}
      <Pager cursor={cursor} next={list.data?.nextCursor} onCursor={(c) => set({ cursor: c })} />
    </>
  );
}

import { Button, Group, Loader, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { ProblemAlert } from './ProblemAlert';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/**
 * A list as every page shows one: the API's refusal in words, a loader while it loads, the empty
 * state, else a labelled table that scrolls inside its frame on a narrow screen.
 */
export function ListTable<T>({
  label,
  items,
  error,
  loading,
  rowKey,
  columns,
  empty,
  minWidth = 640,
  striped = false,
}: {
  /** The table's accessible name; the loader says "Loading <label>". */
  label: string;
  items: readonly T[] | undefined;
  error?: unknown;
  loading?: boolean;
  rowKey: (row: T) => string;
  columns: readonly (Column<T> | false)[];
  empty: ReactNode;
  minWidth?: number;
  striped?: boolean;
}) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <>
      {error ? <ProblemAlert error={error} /> : null}
      {loading && <Loader size="sm" aria-label={`Loading ${label.toLowerCase()}`} />}
      {items && items.length === 0 && <Text c="dimmed">{empty}</Text>}
      {items && items.length > 0 && (
        <Table.ScrollContainer minWidth={minWidth}>
          <Table striped={striped} aria-label={label}>
            <Table.Thead>
              <Table.Tr>
                {shown.map((c) => (
                  <Table.Th key={c.header}>{c.header}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((row) => (
                <Table.Tr key={rowKey(row)}>
                  {shown.map((c) => (
                    <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}

/** First page / next page of a cursor-paged list. */
export function Pager({ cursor, next, onCursor }: { cursor: string | null; next: string | null | undefined; onCursor: (c: string | null) => void }) {
  return (
    <Group justify="space-between">
      <Button variant="default" disabled={!cursor} onClick={() => onCursor(null)}>
        First page
      </Button>
      <Button variant="default" disabled={!next} onClick={() => onCursor(next ?? null)}>
        Next page
      </Button>
    </Group>
  );
}

/**
 * A page's state in the URL (filters, order, cursor, open tab or record), so every view is a link
 * to share. `set` changes some parameters and goes back to the first page, unless it names the
 * cursor or is told to keep it (opening a record over the list).
 */
export function useListParams() {
  const [params, setParams] = useSearchParams();
  const set = (changes: Record<string, string | null>, keepCursor = 'cursor' in changes) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!keepCursor) next.delete('cursor');
    setParams(next);
  };
  const get = (name: string): string | null => params.get(name) || null;
  return { params, cursor: get('cursor'), get, set, replace: (next: Record<string, string>) => setParams(new URLSearchParams(next)) };
}

import { Tooltip, Text } from '@mantine/core';

const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A moment in the viewer's time zone; the UTC value on hover and focus. */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <Text span c="dimmed">—</Text>;
  const d = new Date(iso);
  return (
    <Tooltip label={`${d.toISOString().replace('.000Z', 'Z')} (UTC)`} events={{ hover: true, focus: true, touch: true }}>
      <time dateTime={iso} tabIndex={0}>
        {format.format(d)}
      </time>
    </Tooltip>
  );
}

import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One labelled value of a record page. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <div>{children}</div>
    </div>
  );
}

import { Badge, Text } from '@mantine/core';
import type { License } from '../api/client';

const COLORS: Record<License['status'], string> = { Active: 'green', Trial: 'blue', Suspended: 'orange', Uninstalled: 'gray' };

export function StatusBadge({ status }: { status: License['status'] }) {
  return (
    <Badge color={COLORS[status]} variant="light">
      {status}
    </Badge>
  );
}

/** Seats in use over the limit; available may be negative when seats were cut below use. */
export function seatsAvailable(l: Pick<License, 'seats' | 'usedLicenses'>): number | null {
  return l.seats === null ? null : l.seats - (l.usedLicenses ?? 0);
}

export function SeatsText({ license }: { license: Pick<License, 'seats' | 'usedLicenses'> }) {
  if (license.seats === null) return <Text size="sm">{license.usedLicenses ?? 0} / site license</Text>;
  const available = seatsAvailable(license)!;
  return (
    <Text size="sm" c={available < 0 ? 'red' : undefined}>
      {license.usedLicenses ?? 0} / {license.seats}
    </Text>
  );
}

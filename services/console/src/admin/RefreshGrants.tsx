import { Badge, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data } from '../api/client';
import { ListTable, useListParams } from '../components/ListTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';

/**
 * Refresh grants: an extra Refresh licenses for a package beyond its weekly allowance, used by its
 * next refresh; each with who gave it, when and why. The chosen package is in the URL (?grants=).
 */
export function RefreshGrants() {
  const queryClient = useQueryClient();
  const { params, set } = useListParams();
  const packageId = params.get('grants');
  const packages = useQuery({ queryKey: ['packages', 'all'], queryFn: async () => data(await api.GET('/packages', { params: { query: { limit: 200 } } })) });
  const grants = useQuery({
    queryKey: ['refresh-grants', packageId],
    enabled: !!packageId,
    queryFn: async () => data(await api.GET('/packages/{packageId}/refresh-grants', { params: { path: { packageId: packageId! }, query: { limit: 50 } } })),
  });
  const [reason, setReason] = useState('');
  const grant = useMutation({
    mutationFn: async () => data(await api.POST('/packages/{packageId}/refresh-grants', { params: { path: { packageId: packageId! } }, body: { reason: reason.trim() } })),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Refresh granted: the package may refresh once more, now.' });
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['refresh-grants', packageId] });
      await queryClient.invalidateQueries({ queryKey: ['refresh', packageId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (packageId && reason.trim()) grant.mutate();
  };
  const options = (packages.data?.items ?? []).map((p) => ({ value: p.packageId, label: `${p.packageName} (${p.packageId})` }));
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="xs">
        Refresh grants
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        A package refreshes its licenses once every 7 days. A grant allows one more refresh now; the next refresh uses it.
      </Text>
      {packages.error ? <ProblemAlert error={packages.error} /> : null}
      <Stack gap="sm">
        <Select
          label="Package"
          placeholder="Choose a package"
          searchable
          data={options}
          value={packageId}
          onChange={(v) => set({ grants: v })}
          nothingFoundMessage="No package"
          w={{ base: '100%', sm: 420 }}
        />
        {packageId && (
          <>
            <form onSubmit={submit} aria-label="Grant a refresh">
              <Group align="end">
                <TextInput
                  label="Reason for the extra refresh"
                  description="Kept with the grant (up to 500 characters)"
                  value={reason}
                  maxLength={500}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  w={{ base: '100%', sm: 360 }}
                />
                <Button type="submit" disabled={!reason.trim()} loading={grant.isPending}>
                  Grant a refresh
                </Button>
              </Group>
            </form>
            {grant.error ? <ProblemAlert error={grant.error} /> : null}
            <ListTable
              label="Refresh grants"
              items={grants.data?.items}
              error={grants.error}
              loading={grants.isPending}
              rowKey={(g) => g.grantId}
              empty="No grant for this package yet."
              columns={[
                { header: 'Granted', cell: (g) => <Time iso={g.grantedAt} /> },
                { header: 'By', cell: (g) => g.grantedBy },
                { header: 'Reason', cell: (g) => g.reason },
                {
                  header: 'Used',
                  cell: (g) =>
                    g.usedByJobId ? (
                      <>
                        by {g.usedByJobId}, <Time iso={g.usedAt} />
                      </>
                    ) : (
                      <Badge variant="light">unused</Badge>
                    ),
                },
              ]}
            />
          </>
        )}
      </Stack>
    </Card>
  );
}

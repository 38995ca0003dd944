import { Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';

/** Why a team member cannot be a package's lead manager (the rule of PUT /packages/{id}/lead-manager), or null. */
export function whyNotLeadManager(m: Pick<Schemas['TeamMember'], 'active' | 'permissions'>): string | null {
  if (!m.active) return 'inactive';
  if (!m.permissions.includes('licenses:read') && !m.permissions.includes('admin')) return 'no access to licenses';
  return null;
}

/**
 * The lead manager of a package: who owns its new leads. A picker of the team (with team:read)
 * that shows who cannot be chosen and why; without team:read, the member's id typed in.
 */
export function LeadManager({ packageId }: { packageId: string }) {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const canEdit = auth.can('packages:edit');
  const canSeeTeam = auth.can('team:read');
  const routing = useQuery({
    queryKey: ['lead-routing', packageId],
    queryFn: async () => data(await api.GET('/packages/{packageId}/lead-routing', { params: { path: { packageId } } })),
  });
  const team = useQuery({
    queryKey: ['team-members'],
    enabled: canEdit && canSeeTeam,
    queryFn: async () => data(await api.GET('/team-members', { params: { query: { limit: 200 } } })),
  });
  const [choice, setChoice] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: async (leadManagerId: string | null) =>
      data(await api.PUT('/packages/{packageId}/lead-manager', { params: { path: { packageId } }, body: { leadManagerId } })),
    onSuccess: async (r) => {
      notifications.show({ color: 'green', title: 'Lead manager changed', message: `New leads of this package go to ${r.leadManagerId ?? 'LMA'}.` });
      setChoice(null);
      await queryClient.invalidateQueries({ queryKey: ['lead-routing', packageId] });
      await queryClient.invalidateQueries({ queryKey: ['package', packageId] });
    },
  });
  const current = routing.data?.leadManagerId ?? null;
  const members = team.data?.items ?? [];
  const nameOf = (id: string) => {
    const m = members.find((x) => x.id === id);
    return m ? `${m.name} (${id})` : id;
  };
  const options = members.map((m) => {
    const why = whyNotLeadManager(m);
    return { value: m.id, label: `${m.name} (${m.id})${why ? `: ${why}` : ''}`, disabled: why !== null };
  });
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Lead manager
      </Title>
      {routing.error ? <ProblemAlert error={routing.error} /> : null}
      <Text data-testid="lead-manager">
        Current: {routing.isPending ? '…' : current ? nameOf(current) : 'none (LMA owns new leads)'}
      </Text>
      {canEdit && (
        <Stack mt="sm" gap="xs">
          <Text size="sm" c="dimmed">
            The lead manager must be an active team member with access to licenses. Onboardings waiting for a lead manager resume after the change.
          </Text>
          <Group align="end">
            {canSeeTeam ? (
              <Select label="New lead manager" placeholder="Pick a team member" searchable data={options} value={choice} onChange={setChoice} w={340} nothingFoundMessage="No team member" />
            ) : (
              <TextInput label="New lead manager (team member id)" description="You cannot see the team directory (team:read)" value={choice ?? ''} onChange={(e) => setChoice(e.currentTarget.value || null)} w={340} />
            )}
            <Button onClick={() => choice && change.mutate(choice.trim())} disabled={!choice} loading={change.isPending}>
              Change
            </Button>
            {current && (
              <Button variant="default" onClick={() => change.mutate(null)}>
                Remove
              </Button>
            )}
          </Group>
          {team.error ? <ProblemAlert error={team.error} /> : null}
          {change.error ? <ProblemAlert error={change.error} /> : null}
        </Stack>
      )}
    </Card>
  );
}

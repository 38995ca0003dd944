import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiKeys } from '../admin/ApiKeys';
import { RefreshGrants } from '../admin/RefreshGrants';
import { TeamMembers } from '../admin/TeamMembers';
import { api, data } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';

/** Administration (admin): the team, API keys, refresh grants. */
export function AdminPage() {
  const auth = useAuth();
  return (
    <Stack>
      <Title order={1}>Administration</Title>
      {auth.can('admin') ? (
        <>
          <TeamMembers />
          <ApiKeys />
          <RefreshGrants />
        </>
      ) : (
        <NotAdmin />
      )}
    </Stack>
  );
}

/** Someone who is not an administrator followed a link here: the API's own answer, said plainly. */
function NotAdmin() {
  const probe = useQuery({ queryKey: ['api-keys'], retry: false, queryFn: async () => data(await api.GET('/api-keys', { params: { query: { limit: 1 } } })) });
  return (
    <>
      <Text>Administration is for administrators.</Text>
      {probe.error ? <ProblemAlert error={probe.error} /> : null}
    </>
  );
}

import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={1}>Page not found</Title>
      <Text>
        No page here. <Anchor component={Link} to="/licenses">Go to the licenses</Anchor>.
      </Text>
    </Stack>
  );
}

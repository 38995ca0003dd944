import { Alert } from '@mantine/core';
import { describeProblem } from '../api/client';

/** The API's refusal in words (a 403 says which permission is missing). */
export function ProblemAlert({ error }: { error: unknown }) {
  const { title, lines } = describeProblem(error);
  return (
    <Alert color="red" title={title} role="alert">
      {lines.map((l) => (
        <div key={l}>{l}</div>
      ))}
    </Alert>
  );
}

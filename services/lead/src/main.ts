import { createRuntime, runMain } from '@lma/service';
import { readConfig } from './config';

// Connects to its database and the broker and serves health; its features arrive with their issues.
runMain('lead', async () => {
  const config = readConfig();
  const rt = await createRuntime({ name: 'lead', config, models: () => undefined, topics: [] });
  await rt.serve(() => undefined);
});

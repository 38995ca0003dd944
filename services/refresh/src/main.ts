import { createRuntime, runMain } from '@lma/service';
import { readConfig } from './config';

// Connects to its database and the broker and serves health; its features arrive with their issues.
runMain('refresh', async () => {
  const config = readConfig();
  const rt = await createRuntime({ name: 'refresh', config, models: () => undefined, topics: [] });
  await rt.serve(() => undefined);
});

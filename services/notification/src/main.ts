import { createRuntime, runMain } from '@lma/service';
import { readConfig } from './config';

// Connects to its database and the broker and serves health; its features arrive with their issues.
runMain('notification', async () => {
  const config = readConfig();
  const rt = await createRuntime({ name: 'notification', config, models: () => undefined, topics: [] });
  await rt.serve(() => undefined);
});

import { createRuntime, runMain } from '@lma/service';
import { createApp } from './app';
import { readConfig } from './config';

// Connects to its database and the broker and serves health; its features arrive with their issues.
runMain('refresh', async () => {
  const config = readConfig();
  const rt = await createRuntime({ name: 'refresh', config, models: () => undefined, topics: [] });
  const auth = config.AUTH_JWT_SECRET ? { secret: config.AUTH_JWT_SECRET, issuer: config.AUTH_JWT_ISSUER } : undefined;
  await rt.serve(createApp({ auth }));
});

export * from './permissions';
export * from './route';
export * from './pagination';
export * from './openapi';
export * from './schemas';
export * from './asyncapi';
export * from './asyncapiPage';
export * from './routes/install-intake';
export * from './routes/gateway';
export * from './routes/refresh';
export * from './routes/notification';
export * from './routes/dead-letters';
export * as leadApi from './routes/lead';
export * as licenseApi from './routes/license';
import { gatewayRoutes } from './routes/gateway';
import { deadLetterRoutes } from './routes/dead-letters';
import { installIntakeRoutes } from './routes/install-intake';
import { leadRoutes } from './routes/lead';
import { licenseRoutes } from './routes/license';
import { notificationRoutes } from './routes/notification';
import { refreshRoutes } from './routes/refresh';
export { gatewayRoutes, deadLetterRoutes, installIntakeRoutes, leadRoutes, licenseRoutes, notificationRoutes, refreshRoutes };
import type { ApiRoute } from './route';

/** Every public operation, in the order the OpenAPI document lists them. */
export const allRoutes = (): ApiRoute[] => [
  ...gatewayRoutes,
  ...deadLetterRoutes,
  ...licenseRoutes,
  ...leadRoutes,
  ...installIntakeRoutes,
  ...notificationRoutes,
  ...refreshRoutes,
];

import type { ApiRoute } from '../route';

/** Public operations served by the notification service (see route.ts). */
export const notificationRoutes: ApiRoute[] = [];

import type { ApiRoute } from '../route';

/** Public operations served by the install-intake service (see route.ts). */
export const installIntakeRoutes: ApiRoute[] = [];

import type { ApiRoute } from '../route';

/** Public operations served by the refresh service (see route.ts). */
export const refreshRoutes: ApiRoute[] = [];

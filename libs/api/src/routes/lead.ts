import type { ApiRoute } from '../route';

/** Public operations served by the lead service (see route.ts). */
export const leadRoutes: ApiRoute[] = [];

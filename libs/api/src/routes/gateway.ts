import type { ApiRoute } from '../route';

/** Public operations served by the gateway service (see route.ts). */
export const gatewayRoutes: ApiRoute[] = [];

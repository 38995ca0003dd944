import type { ApiRoute } from '../route';

/** Public operations served by the license service (see route.ts). */
export const licenseRoutes: ApiRoute[] = [];

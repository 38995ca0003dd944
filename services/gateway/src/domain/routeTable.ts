import type { ApiRoute, HttpMethod } from '@lma/api';

/**
 * The routes compiled once into path patterns. A path matches the route with the most literal
 * segments first (`/onboardings/by-event/{id}` before `/onboardings/{id}/...`).
 */
export type Match =
  | { kind: 'route'; route: ApiRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' }
  | { kind: 'bad-path'; param: string };

interface Compiled {
  route: ApiRoute;
  pattern: RegExp;
  names: string[];
}

export function compileRoutes(routes: readonly ApiRoute[]): (method: string, path: string) => Match {
  const literals = (p: string) => p.split('/').filter((s) => s && !s.startsWith('{')).length;
  const compiled: Compiled[] = [...routes]
    .sort((a, b) => literals(b.path) - literals(a.path))
    .map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((seg) => {
          const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { route, pattern: new RegExp(`^${source}$`), names };
    });
  return (method, path) => {
    const m = method.toLowerCase() as HttpMethod;
    let allow: string[] | undefined;
    for (const c of compiled) {
      const found = c.pattern.exec(path);
      if (!found) continue;
      if (c.route.method !== m) {
        (allow ??= []).push(c.route.method.toUpperCase());
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < c.names.length; i++) {
        try {
          params[c.names[i]!] = decodeURIComponent(found[i + 1]!);
        } catch {
          return { kind: 'bad-path', param: c.names[i]! };
        }
      }
      return { kind: 'route', route: c.route, params };
    }
    return allow ? { kind: 'method-not-allowed', allow: [...new Set(allow)] } : { kind: 'not-found' };
  };
}

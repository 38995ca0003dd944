import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createBaseApp, createLogger, problemMiddleware } from '@lma/core';
import { consoleRoutes, type ConsoleSettings } from '../src/api/console';

const logger = createLogger('gateway-test', 'silent');
const settings: ConsoleSettings = { authority: 'https://id.partner.example', clientId: 'lma-console', resource: 'urn:lma:api', scope: 'openid', permissionsClaim: 'permissions', rolePermissions: null };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function appWith(dir: string) {
  const app = createBaseApp([]);
  app.use(consoleRoutes({ dir, settings, logger }));
  app.use(problemMiddleware(logger));
  return app;
}

describe('the console at / (gateway)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lma-console-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-Ab12.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'index-Ab12.js'), 'console.log(1)');
  const app = appWith(dir);

  it('answers index.html (no-cache, a CSP naming the provider) for client routes and hashed assets as immutable', async () => {
    for (const route of ['/', '/licenses', '/licenses/lic_1?status=Active']) {
      const res = await request(app).get(route);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("connect-src 'self' https://id.partner.example");
    }
    const js = await request(app).get('/assets/index-Ab12.js');
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves the sign-in settings; a missing file, a traversal and other methods are 404 problems, not the application', async () => {
    const s = await request(app).get('/console-config.json');
    expect(s.body).toEqual(settings);
    for (const res of [await request(app).get('/assets/nope.js'), await request(app).get('/favicon.ico'), await request(app).get('/assets/..%2f..%2fetc%2fpasswd'), await request(app).get('//etc/passwd'), await request(app).get('/metrics'), await request(app).get('/no-such-section'), await request(app).get('/licenses/..%2f..%2fetc'), await request(app).post('/licenses').send({})]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('without a built console, / is a 404 problem saying how to build it; health still answers', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'lma-console-empty-'));
    dirs.push(empty);
    const bare = appWith(empty);
    const res = await request(bare).get('/');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(/console is not built.*npm run build.*CONSOLE_DIR/);
    expect((await request(bare).get('/healthz')).status).toBe(200);
    expect((await request(bare).get('/console-config.json')).body).toEqual(settings);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain ES module script without types (scripts/api-schema.mjs)
import { generateSchemaText } from '../scripts/api-schema.mjs';

describe('the console API types', () => {
  it('src/api/schema.d.ts is what the gateway OpenAPI document gives (run npm run generate -w @lma/console after an API change)', async () => {
    const committed = readFileSync(new URL('../src/api/schema.d.ts', import.meta.url), 'utf8');
    expect(committed === (await (generateSchemaText as () => Promise<string>)()), 'services/console/src/api/schema.d.ts differs from the OpenAPI document').toBe(true);
  }, 30_000);
});

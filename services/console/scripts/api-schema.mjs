// The console's API types, generated from the gateway's OpenAPI document (libs/api) with
// openapi-typescript: src/api/schema.d.ts. `npm run build` writes it; a unit test fails when the
// committed copy differs from what the document gives (test/schema.unit.spec.ts).
import { createRequire } from 'node:module';
import openapiTS, { astToString } from 'openapi-typescript';

const require = createRequire(import.meta.url);

export async function generateSchemaText() {
  const api = require('@lma/api');
  const doc = api.openApiDocument(api.allRoutes());
  const ast = await openapiTS(JSON.parse(JSON.stringify(doc)));
  return `// Generated from the gateway's OpenAPI document by scripts/generate-api.mjs; do not edit.\n${astToString(ast)}`;
}

/* global URL, console */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSchemaText } from './api-schema.mjs';

const target = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));
const text = await generateSchemaText();
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  /* first generation */
}
if (current !== text) {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}

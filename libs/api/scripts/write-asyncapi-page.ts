import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { asyncApiDocument } from '../src/asyncapi';
import { renderAsyncApiPage } from '../src/asyncapiPage';

/** Writes docs/asyncapi.md from the AsyncAPI document (as the gateway serves it with the default settings). */
const target = path.resolve(__dirname, '../../../docs/asyncapi.md');
writeFileSync(target, renderAsyncApiPage(asyncApiDocument()));
console.log(`wrote ${path.relative(process.cwd(), target)}`);

/**
 * Writes src/config/routes.schema.json (the editors' `$schema` for routes.config.json) with the
 * `policy`, `intercept` and `answer` enums taken from the registries. The proxy itself validates
 * with the registries' names whatever the file says; a unit test fails while the file is stale.
 *
 *   npx tsx scripts/routesSchema.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { routeMapSchemaFor } from '../src/config/routeMap.js';
import { routeVocabulary } from '../src/routes/routeMap.js';

export const routesSchemaFile = fileURLToPath(new URL('../src/config/routes.schema.json', import.meta.url));
export const routesSchemaText = (): string => `${JSON.stringify(routeMapSchemaFor(routeVocabulary), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(routesSchemaFile, routesSchemaText());

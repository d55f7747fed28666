// Writes schemas/run-config.schema.json from the zod RunConfig schema: `npx tsx scripts/export-config-schema.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_CONFIG_SCHEMA_FILE, renderRunConfigJsonSchema } from '../core/run/run-config-json-schema';

const target = join(__dirname, '..', RUN_CONFIG_SCHEMA_FILE);
writeFileSync(target, renderRunConfigJsonSchema());
console.log(`wrote ${RUN_CONFIG_SCHEMA_FILE}`);

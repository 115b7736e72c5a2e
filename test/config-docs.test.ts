import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../packages/core/src/index.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { renderConfigDocs } from '../scripts/config-docs.mjs';

describe('docs/configuration.md', () => {
  it('is what scripts/config-docs.mjs generates from the config schema (regenerate it if this fails)', () => {
    const onDisk = readFileSync(join(import.meta.dirname, '..', 'docs', 'configuration.md'), 'utf8');
    expect(onDisk).toBe(renderConfigDocs(CONFIG_VARIABLES));
  });

  it('lists every variable with its default, and marks secrets', () => {
    const text: string = renderConfigDocs(CONFIG_VARIABLES);
    for (const name of Object.keys(CONFIG_VARIABLES)) expect(text).toContain(`| \`${name}\` |`);
    expect(text).toMatch(/\| `DB_POOL_SIZE` \| `5` \|/);
    expect(text).toMatch(/\| `DATABASE_URL` \| — \|.*DATABASE_URL_FILE/);
  });
});

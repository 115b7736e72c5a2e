import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { RULES, violations } from '../scripts/check-deps.mjs';

const dirs: string[] = [];
function srcWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lb-deps-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('dependency direction check', () => {
  it('flags core importing a driver, HTTP or MCP code', () => {
    const dir = srcWith({
      'a.ts': "import pg from 'pg';\nimport { z } from 'zod';",
      'b/c.ts': "import type { McpServer } from '@modelcontextprotocol/server';",
      'd.ts':
        "const x = await import('express');\nimport { readFileSync } from 'node:fs';\nimport './local.js';",
    });
    const found = violations(dir, RULES.core)
      .map((v: { spec: string }) => v.spec)
      .sort();
    expect(found).toEqual(['@modelcontextprotocol/server', 'express', 'pg']);
  });

  it('accepts core importing only zod, neverthrow and node builtins', () => {
    const dir = srcWith({
      'a.ts':
        "import { ok } from 'neverthrow';\nimport { createHash } from 'node:crypto';\nimport path from 'path';",
    });
    expect(violations(dir, RULES.core)).toEqual([]);
  });

  it('keeps adapters out of the transport and the transport out of adapters', () => {
    const adapter = srcWith({ 'a.ts': "import { createMcpServer } from '@legacybridge/transport-mcp';" });
    expect(violations(adapter, RULES['adapter-sqlite'])).toHaveLength(1);
    const transport = srcWith({ 'a.ts': "import { sqliteAdapter } from '@legacybridge/adapter-sqlite';" });
    expect(violations(transport, RULES['transport-mcp'])).toHaveLength(1);
  });
});

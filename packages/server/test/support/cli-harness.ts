import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

/** The built CLI these end-to-end tests spawn: they test what users run, not the sources. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Throws a message saying how to build when dist/cli.js is missing, instead of an obscure spawn error. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} is missing: build first with\n  ${BUILD_COMMAND}`);
  }
  // Testing a stale build would pass or fail for code that no longer exists.
  const built = statSync(CLI_PATH).mtimeMs;
  const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
  const newer = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).find(
    (file) => file.endsWith('.ts') && statSync(join(srcDir, file)).mtimeMs > built,
  );
  if (newer !== undefined) {
    throw new Error(`${CLI_PATH} is older than src/${newer}: rebuild with\n  ${BUILD_COMMAND}`);
  }
}

const BUILD_COMMAND =
  'npm_config_nodedir=/usr npx --yes pnpm@12.4.2 -r --filter-prod "@legacybridge/server..." run build';

/** A private HOME and cache directory, so no test touches the real user cache. */
export interface Sandbox {
  readonly dir: string;
  readonly env: Record<string, string>;
  /** Where the CLI puts the demo database in this sandbox. */
  readonly demoPath: string;
  remove(): void;
}

/** A sandbox whose environment holds only PATH, HOME, XDG_CACHE_HOME and `extra`. */
export function createSandbox(extra: Record<string, string> = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'lb-e2e-'));
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  return {
    dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: join(dir, 'home'),
      XDG_CACHE_HOME: join(dir, 'cache'),
      ...extra,
    },
    demoPath: join(dir, 'cache', 'legacybridge', `demo-${version}.db`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion with stdin closed; kills it after `timeoutMs`. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end();
  });
}

/** sha256 of a file's bytes. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The client API these tests use; both SDK generations satisfy it. */
export interface E2eClient {
  listTools(): Promise<{ tools: { name: string; annotations?: Record<string, unknown> }[] }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<ToolResult>;
}

export interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface StdioConnection {
  readonly client: E2eClient;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/**
 * Spawns the CLI as an MCP stdio server and connects a real client: the v2 client in `auto`
 * negotiation (which also starts a throwaway probe copy of the server) or the v1 SDK client.
 */
export async function connectStdio(
  kind: 'v2-auto' | 'v1',
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<StdioConnection> {
  requireBuiltCli();
  let stderr = '';
  const params = { command: process.execPath, args: [CLI_PATH, ...args], env, stderr: 'pipe' as const };
  if (kind === 'v2-auto') {
    const transport = new StdioClientTransport(params);
    transport.stderr?.on('data', (d) => {
      stderr += d;
    });
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    return { client: client as unknown as E2eClient, stderr: () => stderr, close: () => client.close() };
  }
  const transport = new V1StdioClientTransport(params);
  transport.stderr?.on('data', (d) => {
    stderr += d;
  });
  const client = new V1Client({ name: 'e2e-v1', version: '1.0.0' });
  await client.connect(transport);
  return { client: client as unknown as E2eClient, stderr: () => stderr, close: () => client.close() };
}

/** The text of a tool result's content blocks. */
export function textOf(result: ToolResult): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

/** The process facts the cache location depends on, injectable for tests. */
export interface CacheDirInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly home: string;
}

/**
 * The per-user cache directory for LegacyBridge files, following each platform's convention:
 * `$XDG_CACHE_HOME/legacybridge` when set, else `~/Library/Caches/legacybridge` on macOS,
 * `%LOCALAPPDATA%\legacybridge` on Windows, `~/.cache/legacybridge` elsewhere. Never the package
 * folder: npx caches and global installs are often read-only or shared between users.
 */
export function userCacheDir(
  input: CacheDirInput = { env: process.env, platform: process.platform, home: homedir() },
): string {
  const { env, platform, home } = input;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'legacybridge');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'legacybridge');
  if (platform === 'win32') {
    return win32.join(env.LOCALAPPDATA ?? win32.join(home, 'AppData', 'Local'), 'legacybridge');
  }
  return join(home, '.cache', 'legacybridge');
}

/** Where the demo database of `version` lives by default; a new version gets a fresh file. */
export function defaultDemoPath(version: string, input?: CacheDirInput): string {
  const dir = userCacheDir(input);
  const file = `demo-${version}.db`;
  return input?.platform === 'win32' ? win32.join(dir, file) : join(dir, file);
}

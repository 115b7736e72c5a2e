import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chainSecrets,
  createDefaultSecretPort,
  createEnvSecretPort,
  createFileSecretPort,
} from '../src/secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'lb-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('createEnvSecretPort', () => {
  it('returns a set variable and refuses an unset or empty one', async () => {
    const port = createEnvSecretPort({ A: 'x', B: '' });
    expect((await port.get('A'))._unsafeUnwrap()).toEqual({ name: 'A', value: 'x' });
    expect((await port.get('B'))._unsafeUnwrapErr().kind).toBe('SecretNotFound');
    expect((await port.get('C'))._unsafeUnwrapErr().kind).toBe('SecretNotFound');
  });
});

describe('createFileSecretPort', () => {
  it('reads NAME_FILE and trims exactly one trailing newline', async () => {
    const port = createFileSecretPort({
      DATABASE_URL_FILE: file('url', 'postgres://u:p@h/db\n'),
      CRLF_FILE: file('crlf', 'v  \r\n'),
      TWO_FILE: file('two', 'line1\nline2\n\n'),
    });
    expect((await port.get('DATABASE_URL'))._unsafeUnwrap().value).toBe('postgres://u:p@h/db');
    expect((await port.get('CRLF'))._unsafeUnwrap().value).toBe('v  ');
    expect((await port.get('TWO'))._unsafeUnwrap().value).toBe('line1\nline2\n');
  });

  it('is NotFound without NAME_FILE, Unreadable for a missing or empty file, and never shows the value', async () => {
    const port = createFileSecretPort({ X_FILE: join(dir, 'nope'), E_FILE: file('empty', '\n') });
    expect((await port.get('Y'))._unsafeUnwrapErr().kind).toBe('SecretNotFound');
    const missing = (await port.get('X'))._unsafeUnwrapErr();
    expect(missing.kind).toBe('SecretUnreadable');
    expect(missing.message).toContain('X_FILE');
    expect(missing.message).toContain('ENOENT');
    expect((await port.get('E'))._unsafeUnwrapErr()).toMatchObject({ kind: 'SecretUnreadable' });
  });
});

describe('chainSecrets', () => {
  it('takes the first source that has the secret', async () => {
    const chain = chainSecrets(
      createEnvSecretPort({ A: 'env' }),
      createEnvSecretPort({ A: 'second', B: 'b' }),
    );
    expect((await chain.get('A'))._unsafeUnwrap().value).toBe('env');
    expect((await chain.get('B'))._unsafeUnwrap().value).toBe('b');
    expect((await chain.get('C'))._unsafeUnwrapErr().kind).toBe('SecretNotFound');
  });

  it('stops at an unreadable configured secret instead of falling through', async () => {
    const chain = chainSecrets(
      createFileSecretPort({ A_FILE: join(dir, 'missing') }),
      createEnvSecretPort({ A: 'env' }),
    );
    expect((await chain.get('A'))._unsafeUnwrapErr().kind).toBe('SecretUnreadable');
  });

  it('default chain: the variable wins over NAME_FILE, NAME_FILE serves when the variable is unset', async () => {
    const path = file('db', 'sqlite:///from-file.db\n');
    expect(
      (await createDefaultSecretPort({ DATABASE_URL_FILE: path }).get('DATABASE_URL'))._unsafeUnwrap().value,
    ).toBe('sqlite:///from-file.db');
    expect(
      (
        await createDefaultSecretPort({ DATABASE_URL: 'x.db', DATABASE_URL_FILE: path }).get('DATABASE_URL')
      )._unsafeUnwrap().value,
    ).toBe('x.db');
  });
});

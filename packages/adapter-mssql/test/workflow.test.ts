import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `.github/workflows/conformance.yml` can only run on GitHub: this proves its shape here. No YAML
 * library is a dependency of the workspace, so a small parser for the block subset the file uses
 * (mappings, sequences, scalars, folded `>-` blocks, comments) reads it and refuses anything else
 * (tabs, flow collections it does not know, duplicate keys, bad indentation) — a file it cannot
 * read fails the test rather than passing unchecked.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKFLOW = `${ROOT}.github/workflows/conformance.yml`;

type Yaml = string | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly number: number;
}

/** Parses the block-YAML subset; throws with the line number on anything outside it. */
export function parseYamlSubset(source: string): Yaml {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tab character`);
    const text = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (text.trim() === '') return;
    const indent = text.length - text.trimStart().length;
    lines.push({ indent, text: text.trim(), number: i + 1 });
  });
  let at = 0;

  const scalar = (text: string, line: number): Yaml => {
    if (text === '' || text === '~' || text === 'null') return null;
    if (/^'.*'$/.test(text)) return text.slice(1, -1).replace(/''/g, "'");
    if (/^".*"$/.test(text)) return JSON.parse(text) as string;
    if (text.startsWith('[')) {
      if (!/^\[[^[\]{}]*\]$/.test(text)) throw new Error(`line ${line}: unsupported flow sequence`);
      return text
        .slice(1, -1)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    }
    if (/^[{&*!|>]/.test(text)) throw new Error(`line ${line}: unsupported scalar ${text}`);
    if ((text.match(/\$\{\{/g) ?? []).length !== (text.match(/\}\}/g) ?? []).length) {
      throw new Error(`line ${line}: unbalanced expression`);
    }
    return text;
  };

  const folded = (parentIndent: number): string => {
    const parts: string[] = [];
    while (at < lines.length && lines[at]!.indent > parentIndent) parts.push(lines[at++]!.text);
    return parts.join(' ');
  };

  const block = (indent: number): Yaml => {
    const first = lines[at];
    if (!first || first.indent < indent) return null;
    if (first.indent !== indent) throw new Error(`line ${first.number}: unexpected indentation`);
    if (first.text.startsWith('- ') || first.text === '-') return sequence(indent);
    return mapping(indent);
  };

  const entry = (map: { [key: string]: Yaml }, text: string, indent: number, line: number) => {
    const m = /^([A-Za-z0-9_.\-/ ]+|'[^']*'|"[^"]*"):(?:\s+(.*))?$/.exec(text);
    if (!m) throw new Error(`line ${line}: not a key: value pair: ${text}`);
    const key = m[1]!.replace(/^['"]|['"]$/g, '');
    if (Object.hasOwn(map, key)) throw new Error(`line ${line}: duplicate key ${key}`);
    const rest = m[2]?.trim() ?? '';
    if (rest === '>-' || rest === '>' || rest === '|') map[key] = folded(indent);
    else if (rest === '')
      map[key] = block(lines[at] && lines[at]!.indent > indent ? lines[at]!.indent : indent + 1);
    else map[key] = scalar(rest, line);
  };

  const mapping = (indent: number): Yaml => {
    const map: { [key: string]: Yaml } = {};
    while (at < lines.length && lines[at]!.indent === indent && !lines[at]!.text.startsWith('- ')) {
      const line = lines[at++]!;
      entry(map, line.text, indent, line.number);
    }
    if (at < lines.length && lines[at]!.indent > indent) {
      throw new Error(`line ${lines[at]!.number}: unexpected indentation`);
    }
    return map;
  };

  const sequence = (indent: number): Yaml => {
    const items: Yaml[] = [];
    while (at < lines.length && lines[at]!.indent === indent && lines[at]!.text.startsWith('-')) {
      const line = lines[at++]!;
      const rest = line.text.replace(/^-\s*/, '');
      if (/^[A-Za-z0-9_.\-/]+:(\s|$)/.test(rest)) {
        // `- key: value` opens a mapping whose other keys sit at the item's content indentation.
        const map: { [key: string]: Yaml } = {};
        const contentIndent = indent + 2;
        entry(map, rest, contentIndent, line.number);
        while (
          at < lines.length &&
          lines[at]!.indent === contentIndent &&
          !lines[at]!.text.startsWith('- ')
        ) {
          const next = lines[at++]!;
          entry(map, next.text, contentIndent, next.number);
        }
        items.push(map);
      } else {
        items.push(scalar(rest, line.number));
      }
    }
    return items;
  };

  const document = block(0);
  if (at !== lines.length) throw new Error(`line ${lines[at]!.number}: could not parse`);
  return document;
}

type Map = { [key: string]: Yaml };
const map = (v: Yaml | undefined): Map => {
  expect(v !== null && typeof v === 'object' && !Array.isArray(v)).toBe(true);
  return v as Map;
};

/** What each job must name: its service image, health check, variable and suite. */
const DATABASES = {
  postgres: {
    image: /^postgres:/,
    variable: 'LEGACYBRIDGE_TEST_POSTGRES_URL',
    require: 'postgres',
    suite: 'adapter-postgres',
  },
  mysql: {
    image: /^mysql:/,
    variable: 'LEGACYBRIDGE_TEST_MYSQL_URL',
    require: 'mysql',
    suite: 'adapter-mysql',
  },
  mariadb: {
    image: /^mariadb:/,
    variable: 'LEGACYBRIDGE_TEST_MYSQL_URL',
    require: 'mysql',
    suite: 'adapter-mysql',
  },
  mssql: {
    image: /^mcr\.microsoft\.com\/mssql\/server:2022/,
    variable: 'LEGACYBRIDGE_TEST_MSSQL_URL',
    require: 'mssql',
    suite: 'adapter-mssql',
  },
  oracle: {
    image: /^gvenzl\/oracle-free:/,
    variable: 'LEGACYBRIDGE_TEST_ORACLE_URL',
    require: 'oracle',
    suite: 'adapter-oracle',
  },
} as const;

describe('the YAML subset parser', () => {
  it('reads mappings, sequences, folded blocks and quoted scalars', () => {
    expect(
      parseYamlSubset(
        'a: 1\nb:\n  - x\n  - k: v\n    j: \'w\'\nc: >-\n  one\n  two\nd: [p, q]\n# note\ne:\n  f: "g"\n',
      ),
    ).toEqual({ a: '1', b: ['x', { k: 'v', j: 'w' }], c: 'one two', d: ['p', 'q'], e: { f: 'g' } });
  });

  it('refuses tabs, duplicate keys, bad indentation and unknown syntax', () => {
    expect(() => parseYamlSubset('a:\n\tb: 1')).toThrow(/tab/);
    expect(() => parseYamlSubset('a: 1\na: 2')).toThrow(/duplicate key a/);
    expect(() => parseYamlSubset('a: 1\n   b: 2')).toThrow(/indentation/);
    expect(() => parseYamlSubset('a: {b: 1}')).toThrow(/unsupported/);
    // A GitHub expression missing its closing braces (built with concatenation: it is no template).
    expect(() => parseYamlSubset(`a: $${'{{'} x }`)).toThrow(/unbalanced/);
  });
});

describe('.github/workflows/conformance.yml', () => {
  const workflow = map(parseYamlSubset(readFileSync(WORKFLOW, 'utf8')));

  it('runs on pushes, pull requests and by hand, with read-only permissions', () => {
    expect(Object.keys(map(workflow.on))).toEqual(['push', 'pull_request', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('has one job per database, each with its server as a healthy service and the suite required', () => {
    const jobs = map(workflow.jobs);
    expect(Object.keys(jobs).sort()).toEqual(Object.keys(DATABASES).sort());
    for (const [name, expected] of Object.entries(DATABASES)) {
      const job = map(jobs[name]);
      expect(job['runs-on'], name).toBe('ubuntu-latest');
      const services = map(job.services);
      expect(Object.keys(services), name).toHaveLength(1);
      const service = map(Object.values(services)[0]);
      expect(String(service.image), name).toMatch(expected.image);
      expect(String(service.options), name).toMatch(/--health-cmd \S/);
      expect(service.ports, name).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+:\d+$/)]));
      const env = map(job.env);
      expect(env.LEGACYBRIDGE_REQUIRE_DB, name).toBe(expected.require);
      const url = String(env[expected.variable]);
      expect(url, name).toMatch(/^[a-z]+:\/\/[^@]+@127\.0\.0\.1:\d+\//);
      // The URL's port is the one the service publishes.
      const port = /127\.0\.0\.1:(\d+)/.exec(url)?.[1];
      expect(
        (service.ports as string[]).map((p) => p.split(':')[0]),
        name,
      ).toContain(port);
      const steps = job.steps as Map[];
      const run = steps.map((s) => String(s.run ?? '')).join('\n');
      const suite = new RegExp(`vitest run packages/${expected.suite}/test/conformance\\.test\\.ts`);
      expect(run, name).toMatch(suite);
      expect(existsSync(`${ROOT}packages/${expected.suite}/test/conformance.test.ts`), expected.suite).toBe(
        true,
      );
      expect(run, name).toMatch(/node scripts\/dev\.mjs setup/);
      expect(steps[0]?.uses, name).toMatch(/^actions\/checkout@v\d+$/);
    }
  });

  it('gives SQL Server the EULA acceptance and a password that meets its policy, used by the URL', () => {
    const service = map(map(map(map(workflow.jobs).mssql).services).mssql);
    const env = map(service.env);
    expect(env.ACCEPT_EULA).toBe('Y');
    const password = String(env.MSSQL_SA_PASSWORD);
    expect(password.length).toBeGreaterThanOrEqual(8);
    expect(
      [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length,
    ).toBeGreaterThanOrEqual(3);
    expect(String(service.options)).toContain(password);
    expect(String(map(map(map(workflow.jobs).mssql).env).LEGACYBRIDGE_TEST_MSSQL_URL)).toContain(
      `sa:${password}@`,
    );
  });

  it('gives Oracle its password, used by the URL', () => {
    const job = map(map(workflow.jobs).oracle);
    const password = String(map(map(map(job.services).oracle).env).ORACLE_PASSWORD);
    expect(String(map(job.env).LEGACYBRIDGE_TEST_ORACLE_URL)).toContain(`system:${password}@`);
  });
});

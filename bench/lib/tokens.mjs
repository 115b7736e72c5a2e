// Token counts of what a model reads from a tool answer, for comparing answer sizes between MCP servers.
// The tokenizer (gpt-tokenizer's o200k_base, the encoding of GPT-4o and later) is installed OUTSIDE the
// workspace, like DBHub, so the lockfile stays untouched; without it the counts fall back to a
// characters/4 estimate, labelled as such on every line that prints one — never a silent substitute.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TOKENIZER_PIN = '4.0.0';
const TOKENIZER_DIR = process.env.BENCH_TOKENIZER_DIR ?? '/tmp/tok';

/**
 * Loads the o200k_base tokenizer from BENCH_TOKENIZER_DIR (/tmp/tok), or a chars/4 estimate with a
 * message on stderr saying how to install the real one. `label` names what the counts are.
 */
export async function loadTokenizer() {
  const entry = join(TOKENIZER_DIR, 'node_modules', 'gpt-tokenizer', 'esm', 'encoding', 'o200k_base.js');
  if (existsSync(entry)) {
    const { countTokens } = await import(pathToFileURL(entry).href);
    // Database text could contain a special-token string such as <|endoftext|>: a model's client sends
    // it as plain text, so count it as plain text instead of letting the encoder refuse it.
    const plain = { disallowedSpecial: new Set() };
    return { label: 'o200k_base tokens', exact: true, count: (text) => countTokens(text, plain) };
  }
  console.error(`bench: no tokenizer at ${entry} (BENCH_TOKENIZER_DIR); token counts below are ESTIMATES
(characters / 4, marked ≈). For real o200k_base counts install it outside the workspace:
  mkdir -p ${TOKENIZER_DIR} && cd ${TOKENIZER_DIR} && npm init -y && npm install gpt-tokenizer@${TOKENIZER_PIN}`);
  return { label: '≈ tokens (chars/4 estimate)', exact: false, count: (text) => Math.ceil(text.length / 4) };
}

/**
 * What a model sees of an MCP tool result: its text content items, in order (images and resources do
 * not occur in these answers), and, apart, the size of its structuredContent as compact JSON — the
 * form a client passes on when it gives the model structured content instead of the text.
 */
export function answerSize(result, tokenizer) {
  const text = (result.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  const structured =
    result.structuredContent === undefined ? undefined : JSON.stringify(result.structuredContent);
  return {
    tokens: tokenizer.count(text),
    textBytes: Buffer.byteLength(text),
    structuredBytes: structured === undefined ? undefined : Buffer.byteLength(structured),
    structuredTokens: structured === undefined ? undefined : tokenizer.count(structured),
  };
}

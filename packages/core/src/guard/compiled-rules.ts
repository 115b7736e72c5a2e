/**
 * A dialect's rules rearranged once for lookup: what each keyword triggers, and which readings of
 * the text can only differ when it contains a given character. The guard runs on every query, so
 * per call it does map lookups instead of scanning lists, and lexes a second reading only when the
 * text holds a character that can make it differ.
 */
import type { DialectRules, LexMode } from './dialects.js';
import {
  COMMON_REFUSED_SEQUENCES,
  DATA_CHANGE_ANYWHERE,
  type KeywordGroup,
  type WordSequence,
} from './statement-rules.js';

/** What a keyword standing where it is not a name triggers. */
export interface WordRule {
  /** Refused runs starting with this word, longest first so `INTO OUTFILE` wins over `INTO`. */
  readonly sequences: readonly WordSequence[];
  readonly changesData: boolean;
  readonly anywhere?: KeywordGroup | undefined;
}

/** One reading of the text, and when an earlier reading already stands for it. */
export interface Reading {
  readonly mode: LexMode;
  /** Per earlier reading: the characters whose presence can make the two differ, or null when they always may. */
  readonly differsFrom: readonly (readonly string[] | null)[];
}

export interface CompiledRules {
  readonly readings: readonly Reading[];
  readonly words: ReadonlyMap<string, WordRule>;
}

/** Lexer options that change the reading only when the text holds one character (every other difference always may). */
const TRIGGERS: Partial<Record<keyof LexMode, string>> = {
  backslashEscapes: '\\',
  doubleQuote: '"',
  crEndsLineComment: '\r',
  bracketIdentifiers: '[',
};

function triggersBetween(a: LexMode, b: LexMode): readonly string[] | null {
  const triggers: string[] = [];
  for (const key of Object.keys({ ...a, ...b }) as (keyof LexMode)[]) {
    if (key === 'label' || a[key] === b[key]) continue;
    const trigger = TRIGGERS[key];
    if (trigger === undefined) return null;
    triggers.push(trigger);
  }
  return triggers;
}

function compile(rules: DialectRules): CompiledRules {
  const readings = rules.lexModes.map((mode, index) => ({
    mode,
    differsFrom: rules.lexModes.slice(0, index).map((earlier) => triggersBetween(earlier, mode)),
  }));
  const sequences = [...rules.refusedSequences, ...COMMON_REFUSED_SEQUENCES].sort(
    (a, b) => b.words.length - a.words.length,
  );
  const words = new Map<string, WordRule>();
  const keywords = new Set([
    ...sequences.map((sequence) => sequence.words[0] as string),
    ...DATA_CHANGE_ANYWHERE.keywords,
    ...rules.refusedAnywhere.flatMap((group) => group.keywords),
  ]);
  for (const word of keywords) {
    words.set(word, {
      sequences: sequences.filter((sequence) => sequence.words[0] === word),
      changesData: DATA_CHANGE_ANYWHERE.keywords.includes(word),
      anywhere: rules.refusedAnywhere.find((group) => group.keywords.includes(word)),
    });
  }
  return { readings, words };
}

const COMPILED = new WeakMap<DialectRules, CompiledRules>();

/** The compiled form of `rules`, built on first use and kept as long as the rules object lives. */
export function compiled(rules: DialectRules): CompiledRules {
  let result = COMPILED.get(rules);
  if (!result) {
    result = compile(rules);
    COMPILED.set(rules, result);
  }
  return result;
}

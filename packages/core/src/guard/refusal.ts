import { err, type Result } from 'neverthrow';
import type { Token } from './lexer.js';

/** Why the guard refused, before it becomes a DatabaseFailure. */
export interface Refusal {
  readonly kind: 'ReadOnlyViolation' | 'InvalidInput';
  readonly reason: string;
}

/** "character N", 1-based, for reasons an assistant reads. */
export function at(position: number): string {
  return `character ${position + 1}`;
}

/** True when `token` is the punctuation `text` (`(`, `)`, `,`, `;`, `.`). */
export function isPunct(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'punctuation' && token.text === text;
}

/** True when `token` is an unquoted word, optionally with upper-cased `value`. */
export function isWord(token: Token | undefined, value?: string): token is Token {
  return token !== undefined && token.kind === 'word' && (value === undefined || token.value === value);
}

/** A ReadOnlyViolation refusal with `reason`. */
export function violation(reason: string): Result<never, Refusal> {
  return err({ kind: 'ReadOnlyViolation', reason });
}

import { describe, expect, it } from 'vitest';
import {
  abbreviatedStart,
  abbreviates,
  closestNames,
  coverByWords,
  editDistance,
  matchesNamePattern,
  nameParts,
  oneTypo,
} from '../src/use-cases/name-matching.js';

describe('matchesNamePattern', () => {
  it('matches a substring case-insensitively when there is no wildcard', () => {
    expect(matchesNamePattern('ORDHDR', 'hdr')).toBe(true);
    expect(matchesNamePattern('ORDHDR', 'dtl')).toBe(false);
  });

  it('anchors a glob at both ends; * is any run, ? one character; the rest is literal', () => {
    expect(matchesNamePattern('ORD_HDR', 'ord*')).toBe(true);
    expect(matchesNamePattern('XORD_HDR', 'ord*')).toBe(false);
    expect(matchesNamePattern('ORD1', 'ORD?')).toBe(true);
    expect(matchesNamePattern('ORD12', 'ORD?')).toBe(false);
    expect(matchesNamePattern('AXB', 'a.b*')).toBe(false);
    expect(matchesNamePattern('A.B', 'a.b*')).toBe(true);
    expect(matchesNamePattern('T(1)', 't(?)*')).toBe(true);
    expect(matchesNamePattern('T$', '*$')).toBe(true);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions, and stops early past max', () => {
    expect(editDistance('custmst', 'custmst')).toBe(0);
    expect(editDistance('custmst', 'custmstr')).toBe(1);
    expect(editDistance('custmst', 'cusmst')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('nameParts', () => {
  it('splits legacy and camel-case identifiers into lower-case words', () => {
    expect(nameParts('ORD_HDR_2003')).toEqual(['ord', 'hdr', '2003']);
    expect(nameParts('CustMst')).toEqual(['cust', 'mst']);
    expect(nameParts('orderID')).toEqual(['order', 'id']);
    expect(nameParts('HTTPServerLog')).toEqual(['http', 'server', 'log']);
    expect(nameParts('ITEM#NO')).toEqual(['item', 'no']);
  });
});

describe('closestNames', () => {
  it('ranks close names first, case-insensitively, and leaves far ones out', () => {
    const names = ['CUSTMST', 'CUSTADR', 'ORDHDR', 'ORDDTL', 'ITMMST'];
    expect(closestNames('custmstr', names)).toEqual(['CUSTMST']);
    expect(closestNames('ordhd', names)).toEqual(['ORDHDR']);
    expect(closestNames('zzzzzz', names)).toEqual([]);
    expect(closestNames('ord', names, 1)).toHaveLength(1);
  });
});

describe('oneTypo', () => {
  it('names the single edit, counting a swapped pair as one, and nothing for equal or farther names', () => {
    expect(oneTypo('custmst', 'custmsx')).toBe('substitution');
    expect(oneTypo('custmst', 'custmsst')).toBe('insertion');
    expect(oneTypo('custmst', 'cusmst')).toBe('deletion');
    expect(oneTypo('custmst', 'custmts')).toBe('transposition');
    expect(oneTypo('custmst', 'custmst')).toBeUndefined();
    expect(oneTypo('custmst', 'cstmts')).toBeUndefined();
    expect(oneTypo('order', 'ordre')).toBe('transposition');
    expect(oneTypo('abc', 'abcde')).toBeUndefined();
  });
});

describe('abbreviates', () => {
  it('accepts known legacy abbreviations and same-start letters in order, nothing shorter or unrelated', () => {
    expect(abbreviates('qty', 'quantity')).toBe('known');
    expect(abbreviates('txn', 'transaction')).toBe('known');
    expect(abbreviates('no', 'number')).toBe('known');
    expect(abbreviates('hdr', 'header')).toBe('known');
    expect(abbreviates('hder', 'header')).toBe('letters');
    expect(abbreviates('custm', 'customer')).toBe('letters');
    expect(abbreviates('mastr', 'master')).toBe('letters');
    expect(abbreviates('mts', 'master')).toBeUndefined();
    expect(abbreviates('st', 'status')).toBeUndefined();
    expect(abbreviates('ust', 'customer')).toBeUndefined();
    expect(abbreviates('customer', 'cust')).toBeUndefined();
  });

  it('finds the longest abbreviating start of a compound part', () => {
    expect(abbreviatedStart('custmst', 'customer')).toBe('custm');
    expect(abbreviatedStart('ordhdr', 'order')).toBe('ord');
    expect(abbreviatedStart('mstrlog', 'customer')).toBeUndefined();
  });

  it('covers a compound part with one segment per word, or not at all', () => {
    expect(coverByWords('custmst', ['customer', 'master'])?.map((s) => s.segment)).toEqual(['cust', 'mst']);
    expect(coverByWords('ordhdr', ['header', 'order'])?.map((s) => `${s.word}:${s.segment}`)).toEqual([
      'order:ord',
      'header:hdr',
    ]);
    expect(coverByWords('custmstx', ['customer', 'master'])).toBeUndefined();
    expect(coverByWords('custmst', ['customer'])).toBeUndefined();
  });
});

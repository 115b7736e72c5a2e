import type { SchemaSnapshot } from './schema-snapshot.js';
/** The kind of evidence behind a match, strongest first. */
export type MatchKind = 'exact' | 'prefix' | 'part' | 'substring' | 'typo' | 'comment' | 'abbreviation';
/** One ranked hit: a table (no `column`) or a column. */
export interface RankedMatch {
    readonly type: 'table' | 'column';
    readonly schema?: string | undefined;
    readonly table: string;
    readonly column?: string | undefined;
    readonly score: number;
    /** The strongest kind of evidence among the query's words. */
    readonly matched: MatchKind;
    /** Why, word by word, e.g. `name part "hdr"; "customer" abbreviated as "cust"`. */
    readonly reason: string;
}
/** The query's words: lower case, split on anything but letters, digits and underscores, deduplicated. */
export declare function queryWords(query: string): string[];
/**
 * Tables and columns of `snapshot` ranked against `query`: per word, exact name > name prefix > word
 * part (`ORD_HDR_2003`, `CustMst` split into parts) > substring > one typo > comment > abbreviation
 * (`cust` ↔ customer, `hdr` ↔ header, `qty` ↔ quantity, and compounds such as `CUSTMST` ↔
 * "customer master"); the words' points add up. Best first, at most `limit`.
 */
export declare function searchSnapshot(snapshot: SchemaSnapshot, query: string, limit: number): RankedMatch[];
//# sourceMappingURL=schema-search.d.ts.map
import { z } from 'zod';
import type { PoolOptions } from '../ports.js';

/** Upper bounds an adapter accepts for its pool (a process per session allows fewer than a socket). */
export interface PoolOptionLimits {
  readonly maxSize: number;
  readonly maxOverflow: number;
}

const ms = (max: number) => z.number().int().min(0).max(max);

/**
 * The zod schema of a partial PoolOptions as adapter configs accept it: every field optional, whole
 * milliseconds, acquire wait up to an hour, lifetime up to a week.
 */
export function poolOptionsSchema(limits: PoolOptionLimits = { maxSize: 1000, maxOverflow: 10_000 }) {
  return z.object({
    size: z.number().int().min(1).max(limits.maxSize).optional(),
    maxOverflow: z.number().int().min(0).max(limits.maxOverflow).optional(),
    acquireTimeoutMs: ms(3_600_000).optional(),
    recycleMs: ms(604_800_000).optional(),
    prePing: z.boolean().optional(),
  });
}

/** The schema of the pool's idle thresholds (`overflowIdleMs`, `prePingIdleMs`): up to a day. */
export const poolIdleMsSchema = ms(86_400_000);

/** `defaults` with every field `partial` sets; an explicit `undefined` keeps the default. */
export function resolvePoolOptions(
  partial: { readonly [K in keyof PoolOptions]?: PoolOptions[K] | undefined } | undefined,
  defaults: PoolOptions,
): PoolOptions {
  const set = Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set };
}

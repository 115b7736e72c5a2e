import type { DatabasePort } from '@legacybridge/core';

/**
 * The same database port, with `shutdown` added to the signal of every query and plan, so the
 * shutdown deadline cancels what still runs at the database (and the caller gets a "cancelled"
 * answer) instead of the connection being cut under it. A Proxy rather than a copy: adapters are
 * classes whose methods need their own `this`, and every other member passes through unchanged.
 */
export function cancelOnShutdown(db: DatabasePort, shutdown: AbortSignal): DatabasePort {
  const withShutdown = (signal: AbortSignal | undefined) =>
    signal === undefined ? shutdown : AbortSignal.any([signal, shutdown]);
  return new Proxy(db, {
    get(target, property) {
      if (property === 'executeReadOnly') {
        return ((query, limits, signal) =>
          target.executeReadOnly(
            query,
            limits,
            withShutdown(signal),
          )) satisfies DatabasePort['executeReadOnly'];
      }
      if (property === 'explain') {
        return ((query, limits, signal) =>
          target.explain(query, limits, withShutdown(signal))) satisfies DatabasePort['explain'];
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

import type { DatabasePort } from '@legacybridge/core';

// Signals known to abort when shutdown gives up waiting (REST's per-request signal follows it).
const followsShutdown = new WeakSet<AbortSignal>();

/** Marks `signal` as one that aborts whenever the shutdown signal does: no second link is needed. */
export function markFollowsShutdown(signal: AbortSignal): AbortSignal {
  followsShutdown.add(signal);
  return signal;
}

/**
 * The same database port, with `shutdown` added to the signal of every query and plan, so the
 * shutdown deadline cancels what still runs at the database (and the caller gets a "cancelled"
 * answer) instead of the connection being cut under it. A Proxy rather than a copy: adapters are
 * classes whose methods need their own `this`, and every other member passes through unchanged.
 */
export function cancelOnShutdown(db: DatabasePort, shutdown: AbortSignal): DatabasePort {
  /**
   * Runs `call` with a signal that aborts when the caller's or the shutdown signal does. Not
   * AbortSignal.any: on Node 20 that costs a composite signal, weak references and a finalization
   * registration per query, kept on the long-lived shutdown signal until the query's signal is
   * collected. Here both listeners go once the call has settled.
   */
  const withShutdown = <T extends { then(onSettled: () => void, onFailed: () => void): unknown }>(
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => T,
  ): T => {
    if (signal === undefined || signal === shutdown || followsShutdown.has(signal))
      return call(signal ?? shutdown);
    if (signal.aborted || shutdown.aborted) return call(signal.aborted ? signal : shutdown);
    const both = new AbortController();
    const onCaller = () => both.abort(signal.reason);
    const onShutdown = () => both.abort(shutdown.reason);
    signal.addEventListener('abort', onCaller, { once: true });
    shutdown.addEventListener('abort', onShutdown, { once: true });
    const result = call(both.signal);
    const detach = () => {
      signal.removeEventListener('abort', onCaller);
      shutdown.removeEventListener('abort', onShutdown);
    };
    result.then(detach, detach);
    return result;
  };
  const executeReadOnly: DatabasePort['executeReadOnly'] = (query, limits, signal) =>
    withShutdown(signal, (s) => db.executeReadOnly(query, limits, s));
  const explain: DatabasePort['explain'] = (query, limits, signal) =>
    withShutdown(signal, (s) => db.explain(query, limits, s));
  // Bound once per method, not on every property read.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(db, {
    get(target, property) {
      if (property === 'executeReadOnly') return executeReadOnly;
      if (property === 'explain') return explain;
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(property) as { original: unknown; bound: unknown } | undefined;
      if (fn === undefined || fn.original !== value) {
        fn = { original: value, bound: value.bind(target) };
        bound.set(property, fn);
      }
      return fn.bound;
    },
  });
}

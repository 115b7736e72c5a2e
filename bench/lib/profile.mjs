// Reads the V8 CPU profiles a `node --cpu-prof` process wrote and prints where its time went: self
// time by package (node internals, each dependency, each LegacyBridge package) and the hottest
// functions. Enough to tell "the SDK's JSON-RPC and schema validation" from "our code" at a glance.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function bucketOf(url) {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node internals';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1];
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  const own = /packages\/([^/]+)\//.exec(url);
  if (own) return `@legacybridge/${own[1]}`;
  return url;
}

/** Prints a self-time breakdown of every `.cpuprofile` in `dir`. */
export function summariseProfiles(dir) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    // timeDeltas[i] is the time before sample i: attribute it to the node sampled.
    profile.samples.forEach((id, i) => {
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const buckets = new Map();
    const functions = new Map();
    for (const [id, us] of self) {
      const { callFrame } = byId.get(id);
      if (callFrame.functionName === '(idle)' || callFrame.functionName === '(program)') continue;
      const bucket = bucketOf(callFrame.url);
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
      const key = `${callFrame.functionName || '(anonymous)'} ${bucket}:${callFrame.lineNumber + 1}`;
      functions.set(key, (functions.get(key) ?? 0) + us);
    }
    const busy = [...buckets.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\nprofile ${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy`,
    );
    for (const [bucket, us] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${bucket}`);
    }
    console.log('  hottest functions (self time):');
    for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${fn}`);
    }
  }
}

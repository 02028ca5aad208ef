/**
 * The Node/V8 flags a gateway process runs with. `npm start` passes them on its command line,
 * and `serve --workers N` passes them to every worker it forks (whatever flags the primary got,
 * unless it got its own value of one). Node refuses these V8 flags in NODE_OPTIONS. V8 ignores
 * `--no-memory-reducer` from `v8.setFlagsFromString` once the heap exists, so a process started
 * without it (`npx switchyard serve`) runs without it (the README says how to pass it there);
 * `--no-allocation-site-pretenuring` it does honour at run time, so `serve` sets that one itself
 * where node was started without it (applyRuntimeFlags).
 *
 * `--no-memory-reducer`: V8's memory reducer runs full GCs once a process's allocation rate
 * drops (after ~8 s of little traffic) to hand memory back to the OS. A gateway between bursts
 * of traffic then serves its next requests slower for seconds: after 60 s idle, one client's
 * requests took 0.78–0.85 ms at p50 with it and 0.49–0.61 without (BENCHMARKS.md, "The eleventh
 * round"). Under load it never runs; without it, memory freed after a burst is returned at the
 * next regular GC instead of while idle.
 *
 * `--no-allocation-site-pretenuring`: V8 counts, per object or array literal, how many of the
 * objects it made survive a scavenge, and from a site it judges long-lived it allocates straight
 * in old space. Under load it judged several per-request literals so (`RequestAbort`'s listener
 * array and `UpstreamCall`'s body queue among them: 99–100 % of them were born in old space),
 * though they die with their request. An old-space object is freed only by a full GC, and until
 * then every scavenge keeps alive whatever young objects it points at, which are then copied and
 * promoted in turn. With pretenuring the gateway promoted ~1.5 KB per request to old space,
 * without it ~0.13 KB (the bare proxy 0.12 either way), and its scavenges took 5.3–5.5 µs per JSON
 * request against 2.6–3.7 (BENCHMARKS.md, "The fourteenth round"). What it gives up is small for a
 * server: its long-lived objects (caches, connections) are promoted after two scavenges instead.
 *
 * Not in the list: `--max-semi-space-size=64` (MiB; Node 20's default is 16). A young generation
 * of up to 3 × 64 MiB lets most requests in flight die before a scavenge copies them: loaded
 * beside the same build on 16, the gateway took 7–12 % less CPU per request over all threads.
 * But it holds ~100 MiB more under load, and in the bench the RSS ratio to the bare proxy (both
 * on the same flags; the line is 1.5×) was 1.33–1.71× with it, against 1.20–1.32× in most
 * runs without (BENCHMARKS.md, "The twelfth round"). An operator who has the memory can pass it
 * to node; the workers of `serve --workers N` get it too (withServeFlags keeps the primary's flags).
 */
import { setFlagsFromString } from 'node:v8';

export const SERVE_NODE_FLAGS: readonly string[] = ['--no-memory-reducer', '--no-allocation-site-pretenuring'];

/** The flags of SERVE_NODE_FLAGS that V8 takes from `v8.setFlagsFromString` in a running process. */
export const RUNTIME_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

/**
 * What a flag sets: `--max-semi-space-size=64` → `max-semi-space-size`, `--no-memory-reducer` →
 * `memory-reducer` (V8 reads `_` and `-` alike).
 */
const flagName = (arg: string): string => arg.split('=')[0]!.replaceAll('_', '-').replace(/^--(no-)?/, '');

/** What the flags on node's command line and in NODE_OPTIONS set. */
const givenFlags = (execArgv: readonly string[], nodeOptions: string): Set<string> =>
  new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => a.startsWith('--')).map(flagName));

/**
 * `execArgv` with every flag of SERVE_NODE_FLAGS it lacks added at the end: a flag counts as
 * present when `execArgv` or NODE_OPTIONS (`nodeOptions`) sets the same thing with any value or
 * sign, so an operator's own `--memory-reducer` (or `--max-semi-space-size=N`, were it listed) is
 * kept, not overridden.
 */
export function withServeFlags(execArgv: readonly string[], nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const out = [...execArgv];
  const given = givenFlags(execArgv, nodeOptions);
  for (const f of SERVE_NODE_FLAGS) if (!given.has(flagName(f))) out.push(f);
  return out;
}

/**
 * Sets each of RUNTIME_FLAGS that neither `execArgv` nor NODE_OPTIONS sets (either sign, any
 * value): `serve` calls it first, so a gateway started as `npx switchyard serve` runs as `npm
 * start` does. Returns the flags it set.
 */
export function applyRuntimeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '', set: (flags: string) => void = setFlagsFromString): string[] {
  const given = givenFlags(execArgv, nodeOptions);
  const applied = RUNTIME_FLAGS.filter((f) => !given.has(flagName(f)));
  for (const f of applied) set(f);
  return applied;
}

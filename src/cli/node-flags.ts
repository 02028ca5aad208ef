/**
 * The Node/V8 flags a gateway process runs with. `npm start` passes them on its command line,
 * and `serve --workers N` passes them to every worker it forks (whatever flags the primary got,
 * unless it got its own value of one). Node refuses `--no-memory-reducer` in NODE_OPTIONS, and V8
 * ignores it from `v8.setFlagsFromString` once the heap exists, so a process started without
 * them (`npx switchyard serve`) runs without them; the README says how to pass them there.
 *
 * `--no-memory-reducer`: V8's memory reducer runs full GCs once a process's allocation rate
 * drops (after ~8 s of little traffic) to hand memory back to the OS. A gateway between bursts
 * of traffic then serves its next requests slower for seconds: after 60 s idle, one client's
 * requests took 0.78–0.85 ms at p50 with it and 0.49–0.61 without (BENCHMARKS.md, "The eleventh
 * round"). Under load it never runs; without it, memory freed after a burst is returned at the
 * next regular GC instead of while idle.
 *
 * Not in the list: `--max-semi-space-size=64` (MiB; Node 20's default is 16). A young generation
 * of up to 3 × 64 MiB lets most requests in flight die before a scavenge copies them: loaded
 * beside the same build on 16, the gateway took 7–12 % less CPU per request over all threads.
 * But it holds ~100 MiB more under load, and in the bench the RSS ratio to the bare proxy (both
 * on the same flags; the line is 1.5×) was 1.33–1.71× with it, against 1.20–1.32× in most
 * runs without (BENCHMARKS.md, "The twelfth round"). An operator who has the memory can pass it
 * to node; the workers of `serve --workers N` get it too (withServeFlags keeps the primary's flags).
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/**
 * What a flag sets: `--max-semi-space-size=64` → `max-semi-space-size`, `--no-memory-reducer` →
 * `memory-reducer` (V8 reads `_` and `-` alike).
 */
const flagName = (arg: string): string => arg.split('=')[0]!.replaceAll('_', '-').replace(/^--(no-)?/, '');

/**
 * `execArgv` with every flag of SERVE_NODE_FLAGS it lacks added at the end: a flag counts as
 * present when `execArgv` or NODE_OPTIONS (`nodeOptions`) sets the same thing with any value or
 * sign, so an operator's own `--memory-reducer` (or `--max-semi-space-size=N`, were it listed) is
 * kept, not overridden.
 */
export function withServeFlags(execArgv: readonly string[], nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const out = [...execArgv];
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => a.startsWith('--')).map(flagName));
  for (const f of SERVE_NODE_FLAGS) if (!given.has(flagName(f))) out.push(f);
  return out;
}

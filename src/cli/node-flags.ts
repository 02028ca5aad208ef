/**
 * The Node/V8 flags a gateway process runs with. `npm start` passes them on its command line,
 * and `serve --workers N` passes them to every worker it forks (whatever flags the primary got).
 * Node refuses them in NODE_OPTIONS, and V8 ignores them from `v8.setFlagsFromString` once the
 * heap exists, so a process started without them (`npx switchyard serve`) runs without them; the
 * README says how to pass them there.
 *
 * `--no-memory-reducer`: V8's memory reducer runs full GCs once a process's allocation rate
 * drops (after ~8 s of little traffic) to hand memory back to the OS. A gateway between bursts
 * of traffic then serves its next requests slower for seconds: after 60 s idle, one client's
 * requests took 0.78–0.85 ms at p50 with it and 0.49–0.61 without (BENCHMARKS.md, "The eleventh
 * round"). Under load it never runs; without it, memory freed after a burst is returned at the
 * next regular GC instead of while idle.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** `execArgv` with every flag of SERVE_NODE_FLAGS it lacks added at the end. */
export function withServeFlags(execArgv: readonly string[]): string[] {
  const out = [...execArgv];
  for (const f of SERVE_NODE_FLAGS) if (!out.includes(f)) out.push(f);
  return out;
}

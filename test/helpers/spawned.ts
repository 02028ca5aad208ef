/** Helpers for tests that spawn the gateway (`serve`, `npm start`) as a child process. */
import type { ChildProcess } from 'node:child_process';

export interface ListeningOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Named in the errors ("npm start", "replica"). */
  what?: string;
  /** The child's stderr so far, quoted in the errors. */
  stderr?: () => string;
}

/**
 * The URL of the `listening on http://…` line the gateway prints on stdout once it serves;
 * rejects (with its stderr) when the child exits first or the time runs out.
 */
export function listeningUrl(child: ChildProcess, opts: ListeningOptions = {}): Promise<string> {
  const what = opts.what ?? 'the gateway';
  const stderr = opts.stderr ?? (() => '');
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${what} did not listen within ${(opts.timeoutMs ?? 30_000) / 1000} s:\n${out}\n${stderr()}`)), opts.timeoutMs ?? 30_000);
    const onData = (d: Buffer | string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        done();
        resolve(m[1]!);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`${what} exited ${code} before listening:\n${out}\n${stderr()}`));
    const done = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.stdout!.resume(); // keep draining what it prints later
    };
    const fail = (e: Error) => {
      done();
      reject(e);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

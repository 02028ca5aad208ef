/**
 * The cancellation signal of one chat request: the subset of AbortSignal the gateway uses
 * (`aborted`, `reason`, `addEventListener` / `removeEventListener` of 'abort'), which the router,
 * the upstream client (undici takes any EventTarget-like signal) and the replay transport read.
 * An AbortController per request cost ~7 µs (an EventTarget, listeners through its slow paths);
 * this costs ~0.1 µs. Aborting gives the same reason as AbortController: an AbortError DOMException.
 */
type Listener = (this: unknown, ev: { type: 'abort' }) => void;

export class RequestAbort {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Listener[] | undefined;

  /** Typed as what consumers expect; only the members above are used. */
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  addEventListener(type: string, listener: Listener | null): void {
    if (type !== 'abort' || typeof listener !== 'function' || this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: Listener | null): void {
    const l = this.listeners;
    if (type !== 'abort' || l === undefined) return;
    const i = l.indexOf(listener as Listener);
    if (i !== -1) l.splice(i, 1);
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    const l = this.listeners;
    this.listeners = undefined; // every listener runs once
    if (l !== undefined) for (const f of l) f.call(this, { type: 'abort' });
  }
}

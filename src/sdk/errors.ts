/** An error answer of the gateway (`{"error":{"code","message","metadata"}}`), HTTP or mid-stream. */
export class SwitchyardError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly metadata?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SwitchyardError';
  }

  static fromBody(status: number, text: string): SwitchyardError {
    try {
      const b = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; metadata?: Record<string, unknown> } };
      if (b?.error && typeof b.error.message === 'string') {
        return new SwitchyardError(typeof b.error.code === 'number' ? b.error.code : status, b.error.message, b.error.metadata);
      }
    } catch {
      /* not JSON */
    }
    return new SwitchyardError(status, text.trim() === '' ? `HTTP ${status}` : text.slice(0, 500));
  }
}

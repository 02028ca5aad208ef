/** Reasoning-effort vocabularies of the hosts, from OpenAI's (none|minimal|low|medium|high|xhigh). */

/** Hosts that take low|medium|high (gpt-oss on Groq, Together, Fireworks). `none` passes. */
export function clampEffort(body: Record<string, unknown>): void {
  const e = body.reasoning_effort;
  if (e === 'xhigh' || e === 'max') body.reasoning_effort = 'high';
  else if (e === 'minimal') body.reasoning_effort = 'low';
}

/** xAI (grok-3-mini) takes only low|high and has no off switch. */
export function lowHighEffort(body: Record<string, unknown>): void {
  const e = body.reasoning_effort;
  if (e === undefined) return;
  if (e === 'none') delete body.reasoning_effort;
  else body.reasoning_effort = e === 'high' || e === 'xhigh' || e === 'max' ? 'high' : 'low';
}

/**
 * Native chat APIs with strict user/assistant alternation (Anthropic, Bedrock, Gemini) need
 * consecutive turns of the same role merged into one. Generic over the turn shape: the caller
 * says how to append one turn's content to another.
 */
export function mergeSameRoleTurns<T extends { role: string }>(turns: readonly T[], append: (into: T, next: T) => void): T[] {
  const out: T[] = [];
  for (const t of turns) {
    const last = out[out.length - 1];
    if (last !== undefined && last.role === t.role) append(last, t);
    else out.push(t);
  }
  return out;
}

/**
 * One `<tool_call>` block → a checked call: the JSON parsed (an object with name and arguments,
 * or a list of them), the tool known, tool_choice respected, the arguments valid against the
 * tool's schema. Anything else is a malformed call with a reason the model can act on.
 */
import type { NormalizedToolChoice } from '../../schema/canonical.js';
import type { FunctionTool } from '../../schema/types.js';
import type { Segment } from './scanner.js';
import { argumentProblems } from './validate.js';

export interface CheckedCall {
  name: string;
  /** The arguments as a JSON string (canonical form). */
  arguments: string;
}

export type BlockResult = { ok: true; calls: CheckedCall[] } | { ok: false; error: string };

export function checkBlock(block: Extract<Segment, { type: 'call' }>, tools: readonly FunctionTool[], choice: NormalizedToolChoice | undefined): BlockResult {
  let value: unknown;
  try {
    value = JSON.parse(stripFence(block.body));
  } catch (e) {
    return { ok: false, error: block.closed ? `the <tool_call> block is not valid JSON (${(e as Error).message})` : 'the <tool_call> block was never closed with </tool_call>' };
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return { ok: false, error: 'the <tool_call> block holds an empty list' };
  const calls: CheckedCall[] = [];
  for (const item of items) {
    const r = checkOne(item, tools, choice);
    if (!r.ok) return r;
    calls.push(r.call);
  }
  return { ok: true, calls };
}

function checkOne(item: unknown, tools: readonly FunctionTool[], choice: NormalizedToolChoice | undefined): { ok: true; call: CheckedCall } | { ok: false; error: string } {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return { ok: false, error: 'a tool call must be a JSON object {"name": …, "arguments": {…}}' };
  const o = item as Record<string, unknown>;
  const name = o.name;
  if (typeof name !== 'string' || name === '') return { ok: false, error: 'the tool call has no "name"' };
  const tool = tools.find((t) => t.function.name === name);
  if (tool === undefined) return { ok: false, error: `there is no tool named "${name}" (tools: ${tools.map((t) => t.function.name).join(', ')})` };
  if (choice?.type === 'function' && choice.name !== name) return { ok: false, error: `this reply must call "${choice.name}", not "${name}"` };
  let args = o.arguments ?? o.parameters ?? {};
  if (typeof args === 'string') {
    try {
      args = args.trim() === '' ? {} : JSON.parse(args);
    } catch {
      return { ok: false, error: `the arguments of "${name}" are a string that is not JSON` };
    }
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return { ok: false, error: `the arguments of "${name}" must be a JSON object` };
  const problems = argumentProblems(tool.function.parameters, args);
  if (problems !== undefined) return { ok: false, error: `the arguments of "${name}" do not match its schema: ${problems}` };
  return { ok: true, call: { name, arguments: JSON.stringify(args) } };
}

/** Models like to wrap JSON in a Markdown fence even inside the tags. */
function stripFence(s: string): string {
  const t = s.trim();
  const m = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(t);
  return m ? m[1]! : t;
}

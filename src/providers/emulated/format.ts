/**
 * The emulated tool-calling prompt format (documented in docs/emulated-tools.md): tool
 * definitions and tool_choice rendered into the system prompt, calls written by the model as
 * `<tool_call>{"name": …, "arguments": {…}}</tool_call>` blocks, results sent back in
 * `<tool_response name="…">…</tool_response>` blocks. One place for every string of the format.
 */
import type { NormalizedToolChoice } from '../../schema/canonical.js';
import type { FunctionTool } from '../../schema/types.js';

export const CALL_OPEN = '<tool_call>';
export const CALL_CLOSE = '</tool_call>';

/** The sentence each tool_choice adds (tests and fakes read them back). */
export const CHOICE_LINES = {
  auto: 'Call tools only when they help; otherwise answer directly.',
  none: 'Do not call any tool in this reply: answer in plain text.',
  required: 'You must call at least one tool in this reply.',
  function: (name: string) => `You must call the tool "${name}" in this reply.`,
  single: 'Call at most one tool per reply.',
} as const;

/** The system-prompt section that declares the tools and how to call them. */
export function renderToolSection(tools: readonly FunctionTool[], choice: NormalizedToolChoice | undefined, parallel: boolean | undefined): string {
  const defs = tools.map((t) => {
    const d: Record<string, unknown> = { name: t.function.name };
    if (t.function.description !== undefined) d.description = t.function.description;
    d.parameters = t.function.parameters ?? { type: 'object', properties: {} };
    return JSON.stringify(d);
  });
  const lines = [
    '# Tools',
    '',
    'You can call the tools listed below, one JSON object per line: name, description, and a JSON Schema for the arguments.',
    '',
    '<tools>',
    ...defs,
    '</tools>',
    '',
    'To call a tool, write a block like this, one block per call, with the arguments as a JSON object that matches the tool\'s schema:',
    '',
    CALL_OPEN,
    '{"name": "<tool name>", "arguments": {"<argument>": "<value>"}}',
    CALL_CLOSE,
    '',
    'You may write text before your calls. After the calls, end your reply: the results come back in <tool_response> blocks.',
    choiceLine(choice),
  ];
  if (parallel === false && choice?.type !== 'none') lines.push(CHOICE_LINES.single);
  return lines.join('\n');
}

function choiceLine(choice: NormalizedToolChoice | undefined): string {
  switch (choice?.type) {
    case 'none': return CHOICE_LINES.none;
    case 'required': return CHOICE_LINES.required;
    case 'function': return CHOICE_LINES.function(choice.name);
    default: return CHOICE_LINES.auto;
  }
}

/** One call as the model writes it (history replay uses the same shape). */
export function renderCall(name: string, args: unknown): string {
  return `${CALL_OPEN}\n${JSON.stringify({ name, arguments: args })}\n${CALL_CLOSE}`;
}

/** One tool result block. */
export function renderResult(name: string | undefined, content: string): string {
  const attr = name === undefined ? '' : ` name="${name.replace(/"/g, '&quot;')}"`;
  return `<tool_response${attr}>\n${content}\n</tool_response>`;
}

/** The user turn of the one retry after a malformed call. */
export function retryMessage(errors: readonly string[], accepted: readonly string[]): string {
  const lines = ['Your last reply could not be used:', ...errors.map((e) => `- ${e}`)];
  if (accepted.length > 0) lines.push(`The calls to ${accepted.map((n) => `"${n}"`).join(', ')} were accepted: do not repeat them.`);
  lines.push(`Reply again with only the corrected ${CALL_OPEN} block(s).`);
  return lines.join('\n');
}

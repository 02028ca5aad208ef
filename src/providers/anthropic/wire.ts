/**
 * The Anthropic body's JSON, with the client's own JSON text spliced in where a value is the
 * client's, unchanged: a message's string content (system, user text, tool result, assistant
 * text), a tool call's arguments as the tool_use input, and the tools (tools.ts `toolsJson`).
 * JSON.stringify costs ~3 ns per character of text on Node 20; the conversation is most of a
 * body, and it is sent again on every step of an agent loop.
 *
 * Same value as JSON.stringify(body): a spliced text is what JSON.parse read that very value
 * from, and member order aside (spliced members come last) the rest is JSON.stringify's.
 */
import type { ContentBlock, MessageParam, MessagesRequest, TextBlock, ToolResultBlock, ToolUseBlock } from './types.js';

/** The JSON texts of client values that blocks of a body carry unchanged. */
export interface ClientTexts {
  /** Block → the JSON of its client value: text blocks' `text`, tool_result `content`, tool_use `input`. */
  blocks: Map<ContentBlock, string>;
  /** The top-level `system` string's JSON, when it is a client string (or several joined). */
  system?: string;
}

/** The member of a block whose JSON ClientTexts holds, by block type. */
const FIELD: Record<string, string | undefined> = { text: 'text', tool_result: 'content', tool_use: 'input' };

// MessageParam, and the common blocks without their optional members, are written by hand below:
// a member added to one of these types must be added there too (these fail to compile until it is).
const allWritten: Exclude<keyof MessageParam, 'role' | 'content'> extends never ? true : never = true;
const allWrittenText: Exclude<keyof TextBlock, 'type' | 'text' | 'cache_control'> extends never ? true : never = true;
const allWrittenUse: Exclude<keyof ToolUseBlock, 'type' | 'id' | 'name' | 'input' | 'cache_control'> extends never ? true : never = true;
const allWrittenResult: Exclude<keyof ToolResultBlock, 'type' | 'tool_use_id' | 'content' | 'is_error' | 'cache_control'> extends never ? true : never = true;
void allWritten, allWrittenText, allWrittenUse, allWrittenResult;

export function bodyJson(body: MessagesRequest, texts: ClientTexts | undefined, toolsText: string | undefined): string {
  if (texts === undefined || texts.blocks.size === 0) {
    if (toolsText === undefined) return JSON.stringify(body);
    return spliced(body, ['tools'], [toolsText]);
  }
  const system = body.system === undefined ? undefined : typeof body.system === 'string' ? texts.system : blocksJson(body.system, texts);
  return spliced(body, ['messages', 'system', 'tools'], [messagesJson(body.messages, texts), system, toolsText]);
}

function messagesJson(turns: readonly MessageParam[], texts: ClientTexts): string {
  let out = '[';
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    out += `${i === 0 ? '' : ','}{"role":${JSON.stringify(t.role)},"content":${blocksJson(t.content, texts)}}`;
  }
  return `${out}]`;
}

function blocksJson(blocks: readonly (ContentBlock | TextBlock)[], texts: ClientTexts): string {
  let out = '[';
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    const text = texts.blocks.get(b);
    const field = text === undefined ? undefined : FIELD[b.type];
    if (i > 0) out += ',';
    out += field === undefined ? JSON.stringify(b) : (plainBlockJson(b, text!) ?? spliced(b, [field], [text]));
  }
  return `${out}]`;
}

/** The common blocks, written without a stringify of the block: no cache_control, no is_error. */
function plainBlockJson(b: ContentBlock, text: string): string | undefined {
  switch (b.type) {
    case 'text':
      return b.cache_control === undefined ? `{"type":"text","text":${text}}` : undefined;
    case 'tool_use':
      return b.cache_control === undefined ? `{"type":"tool_use","id":${JSON.stringify(b.id)},"name":${JSON.stringify(b.name)},"input":${text}}` : undefined;
    case 'tool_result':
      return b.cache_control === undefined && b.is_error === undefined ? `{"type":"tool_result","tool_use_id":${JSON.stringify(b.tool_use_id)},"content":${text}}` : undefined;
    default:
      return undefined;
  }
}

/**
 * JSON.stringify(obj) with the members named in `keys` written as the JSON texts given (those
 * left undefined are stringified as usual). The members are left out of the stringify by setting
 * them undefined on the object for the call and put back after: the objects are this adapter's
 * own, fresh for the request. Keys are plain member names, written without escaping.
 */
function spliced(obj: object, keys: readonly string[], jsons: readonly (string | undefined)[]): string {
  const o = obj as Record<string, unknown>;
  const saved: unknown[] = [];
  for (let k = 0; k < keys.length; k++) {
    const v = o[keys[k]!];
    // a member that is absent stays absent: nothing to splice
    saved.push(jsons[k] !== undefined && v !== undefined ? v : undefined);
    if (saved[k] !== undefined) o[keys[k]!] = undefined;
  }
  let rest: string;
  try {
    rest = JSON.stringify(o);
  } finally {
    for (let k = 0; k < keys.length; k++) if (saved[k] !== undefined) o[keys[k]!] = saved[k];
  }
  let out = rest.slice(0, -1);
  for (let k = 0; k < keys.length; k++) {
    if (saved[k] !== undefined) out += `${out.length === 1 ? '' : ','}"${keys[k]}":${jsons[k]}`;
  }
  return `${out}}`;
}

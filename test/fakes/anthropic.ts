/**
 * A fake Anthropic Messages API (`POST /v1/messages`): validates every request as the real API
 * does on the points a translating gateway can get wrong, and answers in exact Anthropic JSON
 * and SSE (named events, ping, signature_delta, error events after a 200).
 *
 * Checked: x-api-key and anthropic-version headers, unknown top-level fields, max_tokens present,
 * strict user/assistant alternation, non-empty text blocks, block types per role, tool_use ids
 * and object inputs, every tool_use answered by a tool_result in the next turn and every
 * tool_result answering the turn before (results first), tools declared when the history uses
 * them, tool schemas (`input_schema.type: "object"`), tool_choice shapes, cache_control (≤ 4),
 * temperature/top_p/top_k ranges, stop_sequences, and extended thinking: budget ≥ 1024 and below
 * max_tokens, no forced tool_choice, temperature 1 only, no top_k, top_p ≥ 0.95, the final
 * assistant turn with tool_use starting with a thinking block, and every thinking signature /
 * redacted_thinking payload being one this fake issued for exactly that text (its HMAC, or an
 * explicit signature a reply was built with): a dropped, empty or edited signature is rejected.
 */
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import Ajv2020Import from 'ajv/dist/2020.js';
import { FakeServer, sseEvent, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply } from './harness.js';

const SECRET = 'switchyard-fake-anthropic';
const Ajv2020 = Ajv2020Import as unknown as typeof Ajv2020Import.default;
/** Anthropic checks tool input schemas against JSON Schema draft 2020-12. */
const ajv = new Ajv2020({ strict: false, validateFormats: false });
// schemas that name draft-07 (`$schema`, as zod-to-json-schema writes) are accepted by the API; without
// its meta-schema loaded Ajv would throw instead of answering
ajv.addMetaSchema(createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-07.json'));
const ID = /^[a-zA-Z0-9_-]+$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const TOP_LEVEL = new Set([
  'model', 'max_tokens', 'messages', 'system', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k',
  'tools', 'tool_choice', 'thinking', 'service_tier', 'cache_control', 'output_config', 'container', 'inference_geo', 'speed', 'diagnostics',
]);
const TOOL_KEYS = new Set(['name', 'description', 'input_schema', 'cache_control', 'type', 'strict', 'defer_loading', 'eager_input_streaming', 'input_examples', 'allowed_callers']);
const BLOCK_KEYS: Record<string, Set<string>> = {
  text: new Set(['type', 'text', 'cache_control', 'citations']),
  image: new Set(['type', 'source', 'cache_control', 'transformations']),
  document: new Set(['type', 'source', 'cache_control', 'title', 'context', 'citations']),
  thinking: new Set(['type', 'thinking', 'signature']),
  redacted_thinking: new Set(['type', 'data']),
  tool_use: new Set(['type', 'id', 'name', 'input', 'cache_control', 'caller']),
  tool_result: new Set(['type', 'tool_use_id', 'content', 'is_error', 'cache_control']),
};

// ---------------------------------------------------------------------------------------------
// signatures

/** The signature this fake gives a thinking block with this text (HMAC: edits are detected). */
export function signThinking(thinking: string): string {
  return `sig_${createHmac('sha256', SECRET).update(thinking).digest('base64url')}`;
}

/** Signatures a test chose for a reply (a thinking block built with an explicit signature). */
const issued = new Map<string, Set<string>>();

/** The signature a reply carries for this text; an explicit one is remembered as issued. */
function issue(thinking: string, signature: string | undefined): string {
  if (signature === undefined) return signThinking(thinking);
  let set = issued.get(thinking);
  if (set === undefined) issued.set(thinking, (set = new Set()));
  set.add(signature);
  return signature;
}

function signatureValid(thinking: string, signature: string): boolean {
  return signature === signThinking(thinking) || issued.get(thinking)?.has(signature) === true;
}

/** An opaque redacted_thinking payload this fake recognises. */
export function redactedData(seed: string): string {
  const body = Buffer.from(seed).toString('base64url');
  return `red_${body}.${createHmac('sha256', SECRET).update(`r:${body}`).digest('base64url').slice(0, 16)}`;
}

function redactedValid(data: string): boolean {
  const m = /^red_([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{16})$/.exec(data);
  return m !== null && createHmac('sha256', SECRET).update(`r:${m[1]}`).digest('base64url').slice(0, 16) === m[2];
}

// ---------------------------------------------------------------------------------------------
// errors

const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

let reqSeq = 0;

/** An Anthropic error reply: `{type:"error", error:{type, message}, request_id}` with its usual status. */
export function anthropicError(type: string, message: string, opts: { status?: number; headers?: Record<string, string> } = {}): Reply {
  const requestId = `req_fake${String(++reqSeq).padStart(6, '0')}`;
  return {
    kind: 'json',
    status: opts.status ?? ERROR_STATUS[type] ?? 500,
    headers: { 'request-id': requestId, ...opts.headers },
    body: { type: 'error', error: { type, message }, request_id: requestId },
  };
}

const invalid = (message: string) => anthropicError('invalid_request_error', message);

// ---------------------------------------------------------------------------------------------
// validation

const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ValidateOptions {
  /** The x-api-key the fake accepts (any non-empty key when unset). */
  apiKey?: string;
}

export function validateAnthropicRequest(req: RecordedRequest, opts: ValidateOptions = {}): Reply | undefined {
  if (req.method !== 'POST' || req.path.split('?')[0] !== '/v1/messages') return anthropicError('not_found_error', `Not Found: ${req.method} ${req.path}`);
  const key = req.headers['x-api-key'];
  if (typeof key !== 'string' || key === '') return anthropicError('authentication_error', 'x-api-key header is required');
  if (opts.apiKey !== undefined && key !== opts.apiKey) return anthropicError('authentication_error', 'invalid x-api-key');
  if (typeof req.headers['anthropic-version'] !== 'string') return invalid('anthropic-version: header is required');
  if (req.headers.authorization !== undefined) return invalid('authorization: use x-api-key, not a Bearer token');
  const beta = req.headers['anthropic-beta'];
  if (typeof beta === 'string') {
    const bad = beta.split(',').map((v) => v.trim()).filter((v) => !/^[a-z0-9-]+-\d{4}-\d{2}-\d{2}$/.test(v));
    if (bad.length > 0) return invalid(`Unexpected value(s) \`${bad.join(', ')}\` for the \`anthropic-beta\` header. Please consult our documentation at docs.claude.com or try again without the header.`);
  }
  const b = req.body;
  if (!isObj(b)) return invalid('There was an error parsing the body of your request. Please make sure that it is valid JSON.');
  return checkBody(b);
}

function checkBody(b: Record<string, any>): Reply | undefined {
  for (const k of Object.keys(b)) if (!TOP_LEVEL.has(k)) return invalid(`${k}: Extra inputs are not permitted`);
  if (typeof b.model !== 'string' || b.model === '') return invalid('model: Field required');
  if (b.max_tokens === undefined) return invalid('max_tokens: Field required');
  if (!Number.isInteger(b.max_tokens) || b.max_tokens < 1) return invalid('max_tokens: Input should be a valid integer greater than or equal to 1');
  if (b.stream !== undefined && typeof b.stream !== 'boolean') return invalid('stream: Input should be a valid boolean');
  const cache = { count: 0 };
  return (
    checkSampling(b) ??
    checkSystem(b.system, cache) ??
    checkTools(b) ??
    checkMessages(b, cache) ??
    checkThinking(b) ??
    (cache.count > 4 ? invalid(`A maximum of 4 blocks with cache_control may be provided. Found ${cache.count}.`) : undefined)
  );
}

function checkSampling(b: Record<string, any>): Reply | undefined {
  if (b.temperature !== undefined && !(typeof b.temperature === 'number' && b.temperature >= 0 && b.temperature <= 1))
    return invalid('temperature: Input should be less than or equal to 1');
  if (b.top_p !== undefined && !(typeof b.top_p === 'number' && b.top_p >= 0 && b.top_p <= 1)) return invalid('top_p: Input should be less than or equal to 1');
  if (b.top_k !== undefined && !(Number.isInteger(b.top_k) && b.top_k >= 0)) return invalid('top_k: Input should be a valid integer');
  if (b.stop_sequences !== undefined) {
    if (!Array.isArray(b.stop_sequences) || !b.stop_sequences.every((s: unknown) => typeof s === 'string')) return invalid('stop_sequences: Input should be a valid list');
    if (b.stop_sequences.some((s: string) => s.trim() === '')) return invalid('stop_sequences: each stop sequence must contain non-whitespace');
  }
  if (b.metadata !== undefined) {
    if (!isObj(b.metadata)) return invalid('metadata: Input should be a valid dictionary');
    for (const k of Object.keys(b.metadata)) if (k !== 'user_id') return invalid(`metadata.${k}: Extra inputs are not permitted`);
  }
  return undefined;
}

function checkCache(cc: unknown, path: string, cache: { count: number }): Reply | undefined {
  if (cc === undefined || cc === null) return undefined;
  if (!isObj(cc) || cc.type !== 'ephemeral') return invalid(`${path}.cache_control.type: Input should be 'ephemeral'`);
  if (cc.ttl !== undefined && cc.ttl !== '5m' && cc.ttl !== '1h') return invalid(`${path}.cache_control.ttl: Input should be '5m' or '1h'`);
  cache.count++;
  return undefined;
}

function checkSystem(system: unknown, cache: { count: number }): Reply | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return invalid('system: Input should be a valid string or list');
  for (let i = 0; i < system.length; i++) {
    const s = system[i];
    if (!isObj(s) || s.type !== 'text' || typeof s.text !== 'string') return invalid(`system.${i}: Input should be a text block`);
    if (s.text.trim() === '') return invalid(`system.${i}.text: text content blocks must contain non-whitespace text`);
    const e = extraKeys(s, 'text', `system.${i}`) ?? checkCache(s.cache_control, `system.${i}`, cache);
    if (e) return e;
  }
  return undefined;
}

function checkTools(b: Record<string, any>): Reply | undefined {
  if (b.tools !== undefined) {
    if (!Array.isArray(b.tools)) return invalid('tools: Input should be a valid list');
    const names = new Set<string>();
    for (let i = 0; i < b.tools.length; i++) {
      const t = b.tools[i];
      const p = `tools.${i}`;
      if (!isObj(t)) return invalid(`${p}: Input should be a valid dictionary`);
      for (const k of Object.keys(t)) if (!TOOL_KEYS.has(k)) return invalid(`${p}.custom.${k}: Extra inputs are not permitted`);
      if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) return invalid(`${p}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
      if (names.has(t.name)) return invalid('tools: Tool names must be unique.');
      names.add(t.name);
      if (t.description !== undefined && typeof t.description !== 'string') return invalid(`${p}.custom.description: Input should be a valid string`);
      if (!isObj(t.input_schema)) return invalid(`${p}.custom.input_schema: Field required`);
      if (t.input_schema.type !== 'object') return invalid(`${p}.custom.input_schema.type: Input should be 'object'`);
      if (t.input_schema.properties !== undefined && t.input_schema.properties !== null && !isObj(t.input_schema.properties))
        return invalid(`${p}.custom.input_schema: JSON schema is invalid - properties must be an object`);
      if (!ajv.validateSchema(t.input_schema)) return invalid(`${p}.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12 (${ajv.errorsText(ajv.errors)})`);
      const e = checkCache(t.cache_control, p, { count: 0 });
      if (e) return e;
    }
  }
  const tc = b.tool_choice;
  if (tc === undefined) return undefined;
  if (!isObj(tc)) return invalid('tool_choice: Input should be a valid dictionary');
  if (b.tools === undefined || b.tools.length === 0) return invalid('tool_choice: tool_choice may only be specified while providing tools');
  const allowed: Record<string, string[]> = { auto: ['type', 'disable_parallel_tool_use'], any: ['type', 'disable_parallel_tool_use'], tool: ['type', 'name', 'disable_parallel_tool_use'], none: ['type'] };
  const keys = allowed[tc.type];
  if (keys === undefined) return invalid(`tool_choice: Input tag '${tc.type}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`);
  for (const k of Object.keys(tc)) if (!keys.includes(k)) return invalid(`tool_choice.${tc.type}.${k}: Extra inputs are not permitted`);
  if (tc.disable_parallel_tool_use !== undefined && typeof tc.disable_parallel_tool_use !== 'boolean') return invalid(`tool_choice.${tc.type}.disable_parallel_tool_use: Input should be a valid boolean`);
  if (tc.type === 'tool' && !b.tools.some((t: { name: string }) => t.name === tc.name)) return invalid(`tool_choice.tool.name: Tool '${tc.name}' not found in tools`);
  return undefined;
}

function extraKeys(block: Record<string, unknown>, type: string, path: string): Reply | undefined {
  const allowed = BLOCK_KEYS[type];
  if (allowed === undefined) return undefined;
  for (const k of Object.keys(block)) if (!allowed.has(k)) return invalid(`${path}.${type}.${k}: Extra inputs are not permitted`);
  return undefined;
}

function checkSource(block: Record<string, any>, path: string): Reply | undefined {
  const s = block.source;
  if (!isObj(s)) return invalid(`${path}.source: Field required`);
  if (s.type === 'url') return typeof s.url === 'string' && /^https?:\/\//.test(s.url) ? undefined : invalid(`${path}.source.url: Input should be a valid URL`);
  if (s.type === 'base64') {
    if (typeof s.data !== 'string' || s.data === '') return invalid(`${path}.source.base64.data: Field required`);
    if (block.type === 'image' && !IMAGE_TYPES.has(s.media_type)) return invalid(`${path}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
    if (block.type === 'document' && s.media_type !== 'application/pdf') return invalid(`${path}.source.base64.media_type: Input should be 'application/pdf'`);
    return undefined;
  }
  if (s.type === 'text' && block.type === 'document') return typeof s.data === 'string' ? undefined : invalid(`${path}.source.text.data: Field required`);
  return invalid(`${path}.source: Input tag '${s.type}' found using 'type' does not match any of the expected tags`);
}

/** One content block; `role` decides which types are allowed. Collects tool ids. */
function checkBlock(block: unknown, path: string, role: string, cache: { count: number }, inToolResult = false, final = false): Reply | undefined {
  if (!isObj(block) || typeof block.type !== 'string') return invalid(`${path}: Input should be a valid dictionary with a 'type'`);
  const type = block.type;
  const roleOk: Record<string, string[]> = {
    text: ['user', 'assistant'], image: ['user'], document: ['user'], thinking: ['assistant'], redacted_thinking: ['assistant'], tool_use: ['assistant'], tool_result: ['user'],
  };
  if (roleOk[type] === undefined) return invalid(`${path}: Input tag '${type}' found using 'type' does not match any of the expected tags`);
  if (!roleOk[type]!.includes(role) || (inToolResult && !['text', 'image', 'document'].includes(type)))
    return invalid(`${path}.type: '${type}' blocks are not allowed in ${inToolResult ? 'tool_result content' : `'${role}' messages`}`);
  const extra = extraKeys(block, type, path);
  if (extra) return extra;
  switch (type) {
    case 'text':
      if (typeof block.text !== 'string') return invalid(`${path}.text: Field required`);
      if (block.text === '') return invalid(`${path}.text: text content blocks must be non-empty`);
      if (role === 'assistant' && !final && block.text.trim() === '') return invalid(`${path}.text: text content blocks must contain non-whitespace text`);
      break;
    case 'image':
    case 'document': {
      const e = checkSource(block, path);
      if (e) return e;
      break;
    }
    case 'thinking':
      if (typeof block.thinking !== 'string') return invalid(`${path}.thinking.thinking: Field required`);
      if (typeof block.signature !== 'string') return invalid(`${path}.thinking.signature: Field required`);
      if (!signatureValid(block.thinking, block.signature)) return invalid(`${path}: Invalid \`signature\` in \`thinking\` block`);
      return undefined;
    case 'redacted_thinking':
      if (typeof block.data !== 'string' || !redactedValid(block.data)) return invalid(`${path}: Invalid \`data\` in \`redacted_thinking\` block`);
      return undefined;
    case 'tool_use':
      if (typeof block.id !== 'string' || !ID.test(block.id)) return invalid(`${path}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      if (typeof block.name !== 'string' || block.name === '') return invalid(`${path}.tool_use.name: Field required`);
      if (!isObj(block.input)) return invalid(`${path}.tool_use.input: Input should be a valid dictionary`);
      break;
    case 'tool_result':
      if (typeof block.tool_use_id !== 'string' || !ID.test(block.tool_use_id)) return invalid(`${path}.tool_result.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      if (block.is_error !== undefined && typeof block.is_error !== 'boolean') return invalid(`${path}.tool_result.is_error: Input should be a valid boolean`);
      if (Array.isArray(block.content)) {
        for (let k = 0; k < block.content.length; k++) {
          const e = checkBlock(block.content[k], `${path}.content.${k}`, 'user', cache, true);
          if (e) return e;
        }
      } else if (block.content !== undefined && typeof block.content !== 'string') return invalid(`${path}.tool_result.content: Input should be a valid string or list`);
      break;
  }
  return checkCache(block.cache_control, path, cache);
}

function checkMessages(b: Record<string, any>, cache: { count: number }): Reply | undefined {
  const msgs = b.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) return invalid('messages: Field required (at least one message)');
  let prevRole: string | undefined;
  let prevCalls = new Set<string>();
  let usesTools = false;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    const p = `messages.${i}`;
    if (!isObj(m)) return invalid(`${p}: Input should be a valid dictionary`);
    for (const k of Object.keys(m)) if (k !== 'role' && k !== 'content') return invalid(`${p}.${k}: Extra inputs are not permitted`);
    if (m.role !== 'user' && m.role !== 'assistant') return invalid(`${p}.role: Input should be 'user' or 'assistant'`);
    if (m.role === prevRole) return invalid(`messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row (${p})`);
    const blocks: unknown[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (!Array.isArray(blocks)) return invalid(`${p}.content: Input should be a valid string or list`);
    if (blocks.length === 0 && !(m.role === 'assistant' && i === msgs.length - 1)) return invalid(`${p}.content: messages must have non-empty content`);
    const calls = new Set<string>();
    const answered = new Set<string>();
    let seenNonResult = false;
    for (let j = 0; j < blocks.length; j++) {
      const e = checkBlock(blocks[j], `${p}.content.${j}`, m.role, cache, false, i === msgs.length - 1);
      if (e) return e;
      const blk = blocks[j] as Record<string, any>;
      if (blk.type === 'tool_use') {
        usesTools = true;
        calls.add(blk.id);
      } else if (blk.type === 'tool_result') {
        usesTools = true;
        if (seenNonResult) return invalid(`${p}.content.${j}: tool_result blocks must come before any other content in a user message`);
        if (!prevCalls.has(blk.tool_use_id))
          return invalid(`${p}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${blk.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
        answered.add(blk.tool_use_id);
      } else seenNonResult = true;
    }
    if (prevCalls.size > 0) {
      const missing = [...prevCalls].filter((id) => !answered.has(id));
      if (missing.length > 0)
        return invalid(`${p}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
    prevCalls = calls;
    prevRole = m.role;
  }
  if (usesTools && !(Array.isArray(b.tools) && b.tools.length > 0)) return invalid('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  return undefined;
}

function checkThinking(b: Record<string, any>): Reply | undefined {
  const t = b.thinking;
  if (t === undefined) return undefined;
  if (!isObj(t)) return invalid('thinking: Input should be a valid dictionary');
  if (t.type === 'disabled') return undefined;
  if (t.type !== 'enabled') return invalid(`thinking: Input tag '${t.type}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled'`);
  for (const k of Object.keys(t)) if (k !== 'type' && k !== 'budget_tokens' && k !== 'display') return invalid(`thinking.enabled.${k}: Extra inputs are not permitted`);
  if (!Number.isInteger(t.budget_tokens)) return invalid('thinking.enabled.budget_tokens: Field required');
  if (t.budget_tokens < 1024) return invalid('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
  if (b.max_tokens <= t.budget_tokens) return invalid('`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size');
  if (b.temperature !== undefined && b.temperature !== 1) return invalid('`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility');
  if (b.top_k !== undefined) return invalid('`top_k` must be unset when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility');
  if (b.top_p !== undefined && b.top_p < 0.95) return invalid('`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility');
  if (b.tool_choice?.type === 'any' || b.tool_choice?.type === 'tool') return invalid('Thinking may not be enabled when tool_choice forces tool use.');
  const msgs = b.messages as { role: string; content: any }[];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i]!;
    if (m.role !== 'assistant') continue;
    const blocks = typeof m.content === 'string' ? [{ type: 'text' }] : m.content;
    const final = i === msgs.length - 1;
    const hasToolUse = blocks.some((x: { type: string }) => x.type === 'tool_use');
    if (!final && !hasToolUse) break;
    const first = blocks[0]?.type;
    if (first !== 'thinking' && first !== 'redacted_thinking')
      return invalid(`messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`);
    break;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// replies

export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; /** how a stream cuts the input JSON */ fragments?: string[] };

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface MessageOptions {
  stop_reason?: string;
  stop_sequence?: string | null;
  usage?: FakeUsage;
  model?: string;
  id?: string;
}

let msgSeq = 0;
const defaultUsage = (): FakeUsage => ({ input_tokens: 25, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

function wireBlock(b: FakeBlock): Record<string, unknown> {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: b.text, citations: null };
    case 'thinking':
      return { type: 'thinking', thinking: b.thinking, signature: issue(b.thinking, b.signature) };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: b.data };
    case 'tool_use':
      return { type: 'tool_use', id: b.id, name: b.name, input: b.input, caller: { type: 'direct' } };
  }
}

const stopFor = (blocks: FakeBlock[]) => (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');

/** The JSON body of a non-streaming Messages response. */
export function messageBody(blocks: FakeBlock[], opts: MessageOptions = {}): Record<string, unknown> {
  const u = opts.usage ?? defaultUsage();
  return {
    id: opts.id ?? `msg_fake${String(++msgSeq).padStart(6, '0')}`,
    type: 'message',
    role: 'assistant',
    model: opts.model ?? 'claude-sonnet-4-5-20250929',
    content: blocks.map(wireBlock),
    container: null,
    stop_reason: opts.stop_reason ?? stopFor(blocks),
    stop_details: null,
    stop_sequence: opts.stop_sequence ?? null,
    usage: { cache_creation: null, inference_geo: null, output_tokens_details: null, server_tool_use: null, service_tier: 'standard', speed: null, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...u },
  };
}

export function message(blocks: FakeBlock[], opts: MessageOptions = {}): Reply {
  return { kind: 'json', headers: { 'request-id': `req_fake${String(++reqSeq).padStart(6, '0')}` }, body: messageBody(blocks, opts) };
}

export interface StreamOptions extends MessageOptions {
  /** Characters per text_delta / thinking_delta (default 8). */
  chunk?: number;
  /** A ping after message_start and between blocks (default true). */
  pings?: boolean;
  /** End with an `error` event of this type instead of message_delta/message_stop, after this many blocks. */
  errorAfterBlocks?: { blocks: number; type: string; message?: string };
}

function pieces(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

/** The SSE frames of a streamed Messages response, exactly as the API names and orders them. */
export function streamFrames(blocks: FakeBlock[], opts: StreamOptions = {}): string[] {
  const chunk = opts.chunk ?? 8;
  const pings = opts.pings ?? true;
  const u = opts.usage ?? defaultUsage();
  const start = messageBody([], opts);
  start.stop_reason = null;
  start.usage = { ...(start.usage as object), output_tokens: 1 };
  const frames = [sseEvent('message_start', { type: 'message_start', message: start })];
  if (pings) frames.push(sseEvent('ping', { type: 'ping' }));
  for (let index = 0; index < blocks.length; index++) {
    if (opts.errorAfterBlocks !== undefined && index === opts.errorAfterBlocks.blocks) break;
    const b = blocks[index]!;
    const delta = (d: Record<string, unknown>) => frames.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: d }));
    switch (b.type) {
      case 'text':
        frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } }));
        for (const t of pieces(b.text, chunk)) delta({ type: 'text_delta', text: t });
        break;
      case 'thinking':
        frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
        for (const t of pieces(b.thinking, chunk)) delta({ type: 'thinking_delta', thinking: t });
        delta({ type: 'signature_delta', signature: issue(b.thinking, b.signature) });
        break;
      case 'redacted_thinking':
        frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'redacted_thinking', data: b.data } }));
        break;
      case 'tool_use': {
        frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {}, caller: { type: 'direct' } } }));
        delta({ type: 'input_json_delta', partial_json: '' });
        const json = JSON.stringify(b.input);
        const parts = b.fragments ?? pieces(json, chunk);
        if (parts.join('') !== json) throw new Error(`fake: fragments of ${b.id} do not join to its input JSON`);
        if (json !== '{}') for (const f of parts) delta({ type: 'input_json_delta', partial_json: f });
        break;
      }
    }
    frames.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
    if (pings && index === 0) frames.push(sseEvent('ping', { type: 'ping' }));
  }
  if (opts.errorAfterBlocks !== undefined) {
    const e = opts.errorAfterBlocks;
    frames.push(sseEvent('error', { type: 'error', error: { type: e.type, message: e.message ?? 'Overloaded' }, request_id: null }));
    return frames;
  }
  frames.push(
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: opts.stop_reason ?? stopFor(blocks), stop_sequence: opts.stop_sequence ?? null, stop_details: null, container: null },
      usage: { input_tokens: u.input_tokens, output_tokens: u.output_tokens, cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0, cache_read_input_tokens: u.cache_read_input_tokens ?? 0, output_tokens_details: null, server_tool_use: null },
    }),
  );
  frames.push(sseEvent('message_stop', { type: 'message_stop' }));
  return frames;
}

export function stream(frames: string[], extra: Partial<Extract<Reply, { kind: 'stream' }>> & { fragment?: Fragmenting } = {}): Reply {
  return { kind: 'stream', frames, headers: { 'request-id': `req_fake${String(++reqSeq).padStart(6, '0')}`, 'cache-control': 'no-cache' }, ...extra };
}

/** A reply in the format the request asked for: JSON, or SSE when `stream: true`. */
export function answer(blocks: FakeBlock[], opts: StreamOptions & { fragment?: Fragmenting } = {}): (req: RecordedRequest) => Reply {
  return (req) => (req.body?.stream === true ? stream(streamFrames(blocks, opts), { fragment: opts.fragment }) : message(blocks, opts));
}

export function startFakeAnthropic(opts: FakeServerOptions & ValidateOptions = {}): Promise<FakeServer> {
  const { apiKey, ...rest } = opts;
  return new FakeServer({ validate: (r) => validateAnthropicRequest(r, { apiKey }), ...rest }).start();
}

// ---------------------------------------------------------------------------------------------
// gateway config

export const ANTHROPIC_MODEL = 'anthropic/claude-sonnet-4.5';
export const ANTHROPIC_UPSTREAM_MODEL = 'claude-sonnet-4-5';
export const ANTHROPIC_KEY = 'sk-ant-upstream-secret';

/** A config with one anthropic provider pointing at a fake and one Claude model on it. */
export function anthropicConfig(fakeUrl: string, over: { endpoint?: Record<string, unknown>; provider?: Record<string, unknown>; [k: string]: unknown } = {}): Record<string, unknown> {
  const { endpoint, provider, ...rest } = over;
  return {
    providers: { fakeanthropic: { type: 'anthropic', base_url: fakeUrl, api_key: ANTHROPIC_KEY, ...provider } },
    models: [
      {
        id: ANTHROPIC_MODEL,
        name: 'Claude Sonnet 4.5',
        context_length: 200000,
        endpoints: [
          {
            provider: 'fakeanthropic',
            model: ANTHROPIC_UPSTREAM_MODEL,
            pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375' },
            ...endpoint,
          },
        ],
      },
    ],
    ...rest,
  };
}

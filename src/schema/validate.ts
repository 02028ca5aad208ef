/**
 * Request validation and normalisation: the router validates tools on every call (the seed's
 * rule). Every failure is a 400 whose message names the offending path, and nothing invalid
 * reaches an upstream. Tool parameter schemas are checked against the JSON Schema meta-schema
 * with Ajv; the meta-schema validators are compiled once at load, never per request.
 */
import { createRequire } from 'node:module';
import Ajv2020Import from 'ajv/dist/2020.js';
import type { CanonicalRequest, NormalizedReasoning, NormalizedToolChoice } from './canonical.js';
import { badRequest, GatewayError } from './errors.js';
import { detachedCopy, type RawMembers } from './raw-json.js';
import { TextCache } from './text-cache.js';
import type { ChatRequest, FunctionTool, Message, ReasoningEffort } from './types.js';

const require = createRequire(import.meta.url);
const Ajv2020 = Ajv2020Import as unknown as typeof Ajv2020Import.default;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
/** Older drafts' meta-schemas, added on the first schema whose `$schema` names one (most tools name none): ~3 MiB less at start. */
const OLDER_DRAFTS = new Map([
  ['http://json-schema.org/draft-07/schema', 'ajv/dist/refs/json-schema-draft-07.json'],
  ['http://json-schema.org/draft-06/schema', 'ajv/dist/refs/json-schema-draft-06.json'],
]);
function addDraftFor(schema: Record<string, unknown>): void {
  if (typeof schema.$schema !== 'string') return;
  const uri = schema.$schema.replace(/#$/, '');
  const file = OLDER_DRAFTS.get(uri);
  if (file !== undefined && ajv.getSchema(uri) === undefined) ajv.addMetaSchema(require(file));
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const EFFORTS = new Set<string>(['max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none']);
const PART_TYPES = new Set(['text', 'image_url', 'file', 'input_audio', 'video_url', 'input_video']);
const NUMERIC = ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'repetition_penalty', 'min_p', 'top_a'] as const;
const INTEGER = ['max_tokens', 'max_completion_tokens', 'top_k', 'seed', 'top_logprobs'] as const;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Agents send the same tools on every step, so meta-schema verdicts are cached by the schema's
 * serialized text (a stringify is ~3× cheaper than a meta-schema validation). Bounded: the
 * oldest verdicts are dropped first.
 */
const verdicts = new Map<string, string | undefined>();
const VERDICTS_MAX = 2048;

/** Meta-schema check of a JSON Schema; returns the first problem, or undefined. */
export function jsonSchemaProblem(schema: unknown): string | undefined {
  if (!isObj(schema)) return 'must be a JSON Schema object';
  const key = JSON.stringify(schema);
  if (verdicts.has(key)) return verdicts.get(key);
  const verdict = metaSchemaProblem(schema);
  if (verdicts.size >= VERDICTS_MAX) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(key, verdict);
  return verdict;
}

function metaSchemaProblem(schema: Record<string, unknown>): string | undefined {
  let ok: boolean;
  try {
    addDraftFor(schema);
    ok = ajv.validateSchema(schema) as boolean;
  } catch (e) {
    return `must be a JSON Schema object: ${(e as Error).message}`;
  }
  if (!ok) {
    const err = ajv.errors?.[0];
    const where = err?.instancePath ? err.instancePath.replace(/^\//, '').replace(/\//g, '.') + ' ' : '';
    return `must be a JSON Schema object: ${where}${err?.message ?? 'invalid'}`;
  }
  return undefined;
}

/** Validates a parsed body and builds the canonical request. Throws GatewayError(400). */
export function validateChatRequest(input: unknown, raw?: RawMembers): CanonicalRequest {
  if (!isObj(input)) throw badRequest('request body must be a JSON object');
  const body = input as ChatRequest;
  if (typeof body.model !== 'string' || body.model === '') {
    if (!(Array.isArray(body.models) && body.models.length > 0)) throw badRequest('model: required (a model id such as "openai/gpt-4o-mini")');
  }
  if (body.models !== undefined && !(Array.isArray(body.models) && body.models.every((m) => typeof m === 'string' && m !== '')))
    throw badRequest('models: must be a list of model ids');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw badRequest('stream: must be a boolean');

  for (const k of NUMERIC) {
    const v = body[k];
    if (v != null && (typeof v !== 'number' || !Number.isFinite(v))) throw badRequest(`${k}: must be a number`);
  }
  for (const k of INTEGER) {
    const v = body[k];
    if (v != null && !Number.isInteger(v)) throw badRequest(`${k}: must be an integer`);
  }
  if (body.max_tokens != null && body.max_tokens < 1) throw badRequest('max_tokens: must be at least 1');
  if (body.max_completion_tokens != null && body.max_completion_tokens < 1) throw badRequest('max_completion_tokens: must be at least 1');

  const tools = validateTools(body.tools, raw);
  const toolChoice = normalizeToolChoice(body.tool_choice, tools);
  if (body.parallel_tool_calls != null && typeof body.parallel_tool_calls !== 'boolean') throw badRequest('parallel_tool_calls: must be a boolean');
  validateMessages(body.messages, tools !== undefined);

  let stop: string[] | undefined;
  if (body.stop != null) {
    if (typeof body.stop === 'string') stop = [body.stop];
    else if (Array.isArray(body.stop) && body.stop.every((s) => typeof s === 'string')) stop = body.stop;
    else throw badRequest('stop: must be a string or a list of strings');
  }

  return {
    body,
    messages: body.messages,
    tools,
    toolChoice,
    parallelToolCalls: body.parallel_tool_calls ?? undefined,
    reasoning: normalizeReasoning(body),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    stop,
    stream: body.stream === true,
    raw,
  };
}

/**
 * Whole-list verdicts keyed by the tools' own request text (agents send the same list on every
 * step): a hit skips every check below, a stringify included. '' = valid, else the 400 message.
 * A TextCache, not a Map: the text is a new slice on every request, and a Map would hash it.
 */
const listVerdicts = new TextCache<string>({ maxEntries: 512 });
const LIST_TEXT_MAX = 256 * 1024;

function validateTools(tools: unknown, rawMembers: RawMembers | undefined): FunctionTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw badRequest('tools: must be a list');
  if (tools.length === 0) return undefined;
  const raw = rawMembers?.of(tools);
  if (raw === undefined || raw.length > LIST_TEXT_MAX) return checkTools(tools);
  const known = listVerdicts.get(raw);
  if (known === '') return tools as FunctionTool[];
  if (known !== undefined) throw badRequest(known);
  let verdict: string | undefined;
  try {
    const out = checkTools(tools);
    verdict = '';
    return out;
  } catch (e) {
    if (e instanceof GatewayError && e.status === 400) verdict = e.message;
    throw e;
  } finally {
    if (verdict !== undefined) listVerdicts.set(detachedCopy(raw), verdict); // not the slice: it would keep the whole body alive
  }
}

function checkTools(tools: unknown[]): FunctionTool[] {
  const names = new Set<string>();
  tools.forEach((t, i) => {
    const p = `tools[${i}]`;
    if (!isObj(t)) throw badRequest(`${p}: must be an object {type:"function", function:{name, description?, parameters?}}`);
    if (t.type !== 'function') throw badRequest(`${p}.type: must be "function" (got ${JSON.stringify(t.type)})`);
    const f = t.function;
    if (!isObj(f)) throw badRequest(`${p}.function: must be an object {name, description?, parameters?}`);
    if (typeof f.name !== 'string' || !TOOL_NAME.test(f.name))
      throw badRequest(`${p}.function.name: must match ^[a-zA-Z0-9_-]{1,64}$ (got ${JSON.stringify(f.name)})`);
    if (names.has(f.name)) throw badRequest(`${p}.function.name: duplicate tool name "${f.name}"`);
    names.add(f.name);
    if (f.description !== undefined && f.description !== null && typeof f.description !== 'string')
      throw badRequest(`${p}.function.description: must be a string`);
    if (f.parameters !== undefined && f.parameters !== null) {
      const problem = jsonSchemaProblem(f.parameters);
      if (problem !== undefined) throw badRequest(`${p}.function.parameters: ${problem}`);
      const type = (f.parameters as Record<string, unknown>).type;
      if (type !== undefined && type !== 'object')
        throw badRequest(`${p}.function.parameters: top-level type must be "object" (got ${JSON.stringify(type)})`);
    }
  });
  return tools as FunctionTool[];
}

function normalizeToolChoice(choice: unknown, tools: FunctionTool[] | undefined): NormalizedToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'none' || choice === 'auto' || choice === 'required') {
    if (choice === 'required' && tools === undefined) throw badRequest('tool_choice: "required" needs a non-empty tools list');
    return { type: choice };
  }
  if (isObj(choice) && choice.type === 'function' && isObj(choice.function) && typeof choice.function.name === 'string') {
    const name = choice.function.name;
    if (!tools?.some((t) => t.function.name === name)) throw badRequest(`tool_choice.function.name: "${name}" is not one of the tools`);
    return { type: 'function', name };
  }
  throw badRequest('tool_choice: must be "none", "auto", "required" or {"type":"function","function":{"name":…}}');
}

function validateMessages(messages: unknown, hasTools: boolean): asserts messages is Message[] {
  if (!Array.isArray(messages) || messages.length === 0) throw badRequest('messages: required, a non-empty list');
  let callIds: Set<string> | undefined; // made at the first tool call: most requests have none
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const p = `messages[${i}]`;
    if (!isObj(m)) throw badRequest(`${p}: must be an object`);
    const role = m.role;
    if (typeof role !== 'string' || !ROLES.has(role))
      throw badRequest(`${p}.role: must be one of system, developer, user, assistant, tool (got ${JSON.stringify(role)})`);
    if (role === 'assistant') {
      if (m.content !== undefined && m.content !== null) checkContent(m.content, `${p}.content`);
      if (m.tool_calls !== undefined && m.tool_calls !== null) {
        if (!Array.isArray(m.tool_calls)) throw badRequest(`${p}.tool_calls: must be a list`);
        if (m.tool_calls.length > 0 && !hasTools)
          throw badRequest(`${p}.tool_calls: the conversation has tool calls but the request has no tools; send the tools on every request`);
        m.tool_calls.forEach((tc: unknown, j: number) => {
          const q = `${p}.tool_calls[${j}]`;
          if (!isObj(tc)) throw badRequest(`${q}: must be an object`);
          if (typeof tc.id !== 'string' || tc.id === '') throw badRequest(`${q}.id: required string`);
          if (tc.type !== undefined && tc.type !== 'function') throw badRequest(`${q}.type: must be "function"`);
          if (!isObj(tc.function) || typeof tc.function.name !== 'string') throw badRequest(`${q}.function.name: required string`);
          if (tc.function.arguments !== undefined && typeof tc.function.arguments !== 'string')
            throw badRequest(`${q}.function.arguments: must be a JSON string`);
          (callIds ??= new Set()).add(tc.id);
        });
      }
      if (m.reasoning_details !== undefined && m.reasoning_details !== null && !Array.isArray(m.reasoning_details))
        throw badRequest(`${p}.reasoning_details: must be a list`);
    } else if (role === 'tool') {
      if (!hasTools) throw badRequest(`${p}: tool results need the tools in the request; send the tools on every request`);
      if (typeof m.tool_call_id !== 'string' || m.tool_call_id === '') throw badRequest(`${p}.tool_call_id: required string`);
      if (callIds?.has(m.tool_call_id) !== true)
        throw badRequest(`${p}.tool_call_id: "${m.tool_call_id}" matches no tool call of an earlier assistant message`);
      if (m.content === undefined || m.content === null) throw badRequest(`${p}.content: required`);
      checkContent(m.content, `${p}.content`);
    } else {
      if (m.content === undefined || m.content === null) throw badRequest(`${p}.content: required`);
      checkContent(m.content, `${p}.content`);
    }
  }
}

function checkContent(content: unknown, p: string): void {
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) throw badRequest(`${p}: must be a string or a list of content parts`);
  content.forEach((part: unknown, k: number) => {
    if (!isObj(part) || typeof part.type !== 'string' || !PART_TYPES.has(part.type))
      throw badRequest(`${p}[${k}].type: must be one of ${[...PART_TYPES].join(', ')}`);
    if (part.type === 'text' && typeof part.text !== 'string') throw badRequest(`${p}[${k}].text: required string`);
    if (part.type === 'image_url' && !(isObj(part.image_url) && typeof part.image_url.url === 'string'))
      throw badRequest(`${p}[${k}].image_url.url: required string`);
  });
}

function normalizeReasoning(body: ChatRequest): NormalizedReasoning | undefined {
  const r = body.reasoning;
  const top = body.reasoning_effort;
  if (r !== undefined && r !== null && !isObj(r)) throw badRequest('reasoning: must be an object');
  if (top !== undefined && top !== null && !EFFORTS.has(top)) throw badRequest(`reasoning_effort: must be one of ${[...EFFORTS].join(', ')}`);
  if (r?.effort !== undefined && !EFFORTS.has(r.effort)) throw badRequest(`reasoning.effort: must be one of ${[...EFFORTS].join(', ')}`);
  if (r?.effort !== undefined && top != null && r.effort !== top)
    throw badRequest(`reasoning_effort: "${top}" conflicts with reasoning.effort "${r.effort}"`);
  if (r?.max_tokens !== undefined && !(Number.isInteger(r.max_tokens) && r.max_tokens > 0))
    throw badRequest('reasoning.max_tokens: must be a positive integer');
  if (r == null && top == null) {
    if (body.include_reasoning === true) return { enabled: true, exclude: false };
    if (body.include_reasoning === false) return { enabled: false, exclude: true };
    return undefined;
  }
  const effort = (r?.effort ?? top ?? undefined) as ReasoningEffort | undefined;
  const maxTokens = r?.max_tokens;
  const enabled = r?.enabled === false ? false : effort === 'none' ? false : effort !== undefined || maxTokens !== undefined || r?.enabled === true || r !== undefined;
  const out: NormalizedReasoning = { enabled, exclude: r?.exclude === true };
  // max_tokens wins when both arrive (provider-mapping §9)
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  else if (effort !== undefined) out.effort = effort;
  return out;
}

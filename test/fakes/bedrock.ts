/**
 * A fake AWS Bedrock Runtime (Converse / ConverseStream): checks the SigV4 signature by
 * recomputing it with AWS's signer from the known test credentials, validates the body as the
 * service does (alternation, blank text, toolConfig with tool blocks, toolUse/toolResult pairing,
 * extraneous keys), and answers with Converse JSON or binary eventstream frames encoded with
 * AWS's EventStreamCodec.
 */
import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { FakeServer, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply, type Script } from './harness.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
export const TEST_REGION = 'eu-west-3';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const EXCEPTION_FOR_STATUS: Record<number, string> = {
  400: 'ValidationException',
  401: 'UnrecognizedClientException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** An error response as Bedrock sends it: x-amzn-ErrorType header and `{message}`. */
export function bedrockError(status: number, message: string, name = EXCEPTION_FOR_STATUS[status] ?? 'InternalServerException'): Reply {
  return {
    kind: 'json',
    status,
    headers: { 'x-amzn-errortype': `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'b2c5a7e4-0000-4000-8000-000000000001' },
    body: { message },
  };
}

const invalid = (message: string) => bedrockError(400, message, 'ValidationException');

const TOP_LEVEL = new Set(['messages', 'system', 'inferenceConfig', 'toolConfig', 'guardrailConfig', 'additionalModelRequestFields', 'promptVariables', 'additionalModelResponseFieldPaths', 'requestMetadata', 'performanceConfig', 'serviceTier', 'outputConfig']);
const INFERENCE = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);
const BLOCKS = new Set(['text', 'image', 'document', 'video', 'toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent', 'citationsContent', 'searchResult']);
const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What the Converse API rejects that a translating gateway could get wrong. */
export function validateConverse(req: RecordedRequest): Reply | undefined {
  const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(req.path);
  if (req.method !== 'POST' || m === null) return bedrockError(404, `Unknown operation ${req.method} ${req.path}`, 'UnknownOperationException');
  const b = req.body;
  if (!isObj(b)) return invalid('Malformed input request, please reformat your input and try again.');
  for (const k of Object.keys(b)) if (!TOP_LEVEL.has(k)) return invalid(`Malformed input request: extraneous key [${k}] is not permitted, please reformat your input and try again.`);
  if (b.inferenceConfig !== undefined) for (const k of Object.keys(b.inferenceConfig)) if (!INFERENCE.has(k)) return invalid(`extraneous key [inferenceConfig.${k}] is not permitted`);
  for (const [i, s] of (b.system ?? []).entries()) if (typeof s.text === 'string' && s.text.trim() === '') return invalid(`The text field in the SystemContentBlock object at system.${i} is blank.`);
  if (!Array.isArray(b.messages) || b.messages.length === 0) return invalid('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  let hasToolBlocks = false;
  let openToolUses: string[] = [];
  const mistralModel = decodeURIComponent(m[1]!).includes('mistral.');
  for (let i = 0; i < b.messages.length; i++) {
    const msg = b.messages[i];
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (msg.role !== expected) {
      return invalid(i === 0 ? 'A conversation must start with a user message. Try again with a conversation that starts with a user message.'
        : 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    }
    if (!Array.isArray(msg.content) || msg.content.length === 0) return invalid(`The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`);
    const results: string[] = [];
    const uses: string[] = [];
    for (let j = 0; j < msg.content.length; j++) {
      const block = msg.content[j];
      const keys = isObj(block) ? Object.keys(block) : [];
      if (keys.length !== 1 || !BLOCKS.has(keys[0]!)) return invalid(`messages.${i}.content.${j}: a ContentBlock must set exactly one member`);
      if ('text' in block && (typeof block.text !== 'string' || block.text.trim() === ''))
        return invalid(`The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`);
      if ('reasoningContent' in block && msg.role !== 'assistant') return invalid(`messages.${i}.content.${j}: reasoningContent is only allowed in assistant messages`);
      if ('toolUse' in block) {
        hasToolBlocks = true;
        if (msg.role !== 'assistant') return invalid(`messages.${i}.content.${j}: toolUse is only allowed in assistant messages`);
        if (!isObj(block.toolUse.input)) return invalid(`messages.${i}.content.${j}.toolUse.input: must be a JSON object`);
        if (mistralModel && !/^[a-zA-Z0-9]{9}$/.test(block.toolUse.toolUseId)) return invalid(`Tool call id was ${block.toolUse.toolUseId} but must be a-z, A-Z, 0-9, with a length of 9.`);
        uses.push(block.toolUse.toolUseId);
      }
      if ('toolResult' in block) {
        hasToolBlocks = true;
        if (msg.role !== 'user') return invalid(`messages.${i}.content.${j}: toolResult is only allowed in user messages`);
        for (const c of block.toolResult.content ?? []) if ('json' in c && !isObj(c.json)) return invalid('Provide a json object for the field messages.' + i + '.content.' + j + '.toolResult.content.json');
        results.push(block.toolResult.toolUseId);
      }
    }
    if (msg.role === 'user') {
      if (results.length > openToolUses.length) return invalid(`The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`);
      const missing = openToolUses.filter((id) => !results.includes(id));
      if (missing.length > 0) return invalid(`Expected toolResult blocks at messages.${i}.content for the following Ids: ${missing.join(', ')}`);
      openToolUses = [];
    } else {
      openToolUses = uses;
    }
  }
  if (hasToolBlocks && b.toolConfig === undefined) return invalid('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  const thinking = b.additionalModelRequestFields?.thinking;
  if (thinking?.type === 'enabled' && /anthropic|claude/.test(decodeURIComponent(m[1]!))) {
    // Claude's own rules, surfaced by Bedrock as ValidationException
    const budget = thinking.budget_tokens;
    if (!Number.isInteger(budget) || budget < 1024) return invalid('thinking.budget_tokens: Input should be greater than or equal to 1024');
    if (!(b.inferenceConfig?.maxTokens > budget)) return invalid('`max_tokens` must be greater than `thinking.budget_tokens`.');
    if (b.inferenceConfig?.temperature !== undefined && b.inferenceConfig.temperature !== 1) return invalid('`temperature` may only be set to 1 when thinking is enabled.');
    if (b.inferenceConfig?.topP !== undefined) return invalid('`top_p` must be unset when thinking is enabled.');
    const forced = b.toolConfig?.toolChoice?.any !== undefined || b.toolConfig?.toolChoice?.tool !== undefined || ['any', 'tool'].includes(b.additionalModelRequestFields?.tool_choice?.type);
    if (forced) return invalid('Thinking may not be enabled when tool_choice forces tool use.');
  }
  if (b.toolConfig !== undefined) {
    const tc = b.toolConfig;
    if (!Array.isArray(tc.tools) || tc.tools.length === 0) return invalid('toolConfig.tools: must contain at least one tool');
    const names: string[] = [];
    for (const t of tc.tools) {
      if (isObj(t.cachePoint)) {
        if (t.cachePoint.type !== 'default') return invalid('toolConfig.tools.cachePoint.type: must be default');
        continue;
      }
      const s = t.toolSpec;
      if (!isObj(s) || typeof s.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(s.name)) return invalid(`toolConfig.tools: invalid toolSpec name ${JSON.stringify(s?.name)}`);
      if (s.description !== undefined && (typeof s.description !== 'string' || s.description === '')) return invalid('toolConfig.tools.toolSpec.description: must have length greater than or equal to 1');
      if (!isObj(s.inputSchema?.json)) return invalid('toolConfig.tools.toolSpec.inputSchema.json: must be a JSON object');
      names.push(s.name);
    }
    if (tc.toolChoice !== undefined) {
      const keys = Object.keys(tc.toolChoice);
      if (keys.length !== 1 || !['auto', 'any', 'tool'].includes(keys[0]!)) return invalid('toolConfig.toolChoice: must set exactly one of auto, any, tool');
      if (keys[0] === 'tool' && !names.includes(tc.toolChoice.tool?.name)) return invalid(`toolConfig.toolChoice.tool.name: no tool named ${tc.toolChoice.tool?.name}`);
    }
  }
  return undefined;
}

/** Recomputes the request's SigV4 signature with AWS's signer; an error reply when it does not match. */
export async function verifySigV4(req: RecordedRequest, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string): Promise<Reply | undefined> {
  const deny = (message: string, name = 'InvalidSignatureException') => bedrockError(403, message, name);
  const auth = String(req.headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (m === null) return deny('Authorization header requires \'Credential\', \'SignedHeaders\' and \'Signature\' parameters.', 'IncompleteSignatureException');
  const [, akid, , scopeRegion, service, signedHeaders] = m;
  if (akid !== creds.accessKeyId) return deny('The security token included in the request is invalid.', 'UnrecognizedClientException');
  if (scopeRegion !== region || service !== 'bedrock') return deny(`Credential should be scoped to a valid region and service 'bedrock' in '${region}'.`);
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (d === null) return deny('Missing or invalid X-Amz-Date header.', 'IncompleteSignatureException');
  const signingDate = new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!));
  if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000) return deny('Signature expired: the request time is too skewed.');
  if (creds.sessionToken !== undefined && req.headers['x-amz-security-token'] !== creds.sessionToken) return deny('The security token included in the request is invalid.', 'UnrecognizedClientException');
  const names = signedHeaders!.split(';');
  for (const required of ['host', 'x-amz-date']) if (!names.includes(required)) return deny(`SignedHeaders must include ${required}.`);
  if (creds.sessionToken !== undefined && !names.includes('x-amz-security-token')) return deny('SignedHeaders must include x-amz-security-token.');
  const declared = req.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== createHash('sha256').update(req.raw).digest('hex'))
    return deny('The provided \'x-amz-content-sha256\' header does not match what was computed.');
  const headers: Record<string, string> = {};
  for (const h of names) headers[h] = String(req.headers[h] ?? '');
  const q = req.path.indexOf('?');
  const [host, port] = headers.host!.split(':');
  const toSign = new HttpRequest({
    method: req.method,
    protocol: 'http:',
    hostname: host!,
    port: port === undefined ? undefined : Number(port),
    path: q === -1 ? req.path : req.path.slice(0, q),
    query: q === -1 ? {} : Object.fromEntries(new URLSearchParams(req.path.slice(q + 1))),
    headers,
    body: req.raw.toString('utf8'),
  });
  const signer = new SignatureV4({ credentials: creds, region, service: 'bedrock', sha256: Sha256 });
  const expected = await signer.sign(toSign, { signingDate });
  if (expected.headers.authorization !== auth) {
    return deny('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  return undefined;
}

export interface BedrockFakeOptions extends FakeServerOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
  /** Accept `authorization: Bearer <key>` (a Bedrock API key) instead of SigV4. */
  apiKey?: string;
}

/** A FakeServer whose every scripted reply first passes the SigV4 check. */
export class FakeBedrock extends FakeServer {
  /** Requests whose signature was recomputed and matched. */
  verified = 0;

  constructor(private readonly bopts: BedrockFakeOptions = {}) {
    super({ validate: validateConverse, ...bopts });
  }

  override enqueue(...scripts: Script[]): this {
    return super.enqueue(...scripts.map((s) => this.checked(s)));
  }

  private checked(s: Script): Script {
    return async (req) => {
      const auth = String(req.headers.authorization ?? '');
      if (this.bopts.apiKey !== undefined && auth.startsWith('Bearer ')) {
        if (auth !== `Bearer ${this.bopts.apiKey}`) return bedrockError(403, 'Authentication failed: invalid API key', 'AccessDeniedException');
      } else {
        const denied = await verifySigV4(req, this.bopts.credentials ?? TEST_CREDENTIALS, this.bopts.region ?? TEST_REGION);
        if (denied !== undefined) return denied;
        this.verified++;
      }
      return typeof s === 'function' ? s(req) : s;
    };
  }
}

export function startFakeBedrock(opts: BedrockFakeOptions = {}): Promise<FakeBedrock> {
  return new FakeBedrock(opts).start();
}

// ---------- native replies ----------

export interface BedrockAnswer {
  text?: string;
  reasoning?: { text: string; signature?: string };
  redacted?: string;
  toolCalls?: { id: string; name: string; input: Record<string, unknown>; fragments?: string[] }[];
  stopReason?: string;
  usage?: { inputTokens: number; outputTokens: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number };
}

const usageOf = (a: BedrockAnswer) => {
  const u = a.usage ?? { inputTokens: 12, outputTokens: 9 };
  return { ...u, totalTokens: u.inputTokens + u.outputTokens + (u.cacheReadInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0) };
};
const stopOf = (a: BedrockAnswer) => a.stopReason ?? (a.toolCalls?.length ? 'tool_use' : 'end_turn');

/** A Converse JSON response. */
export function converseResponse(a: BedrockAnswer): Reply {
  const content: unknown[] = [];
  if (a.reasoning) content.push({ reasoningContent: { reasoningText: a.reasoning.signature ? { text: a.reasoning.text, signature: a.reasoning.signature } : { text: a.reasoning.text } } });
  if (a.redacted) content.push({ reasoningContent: { redactedContent: a.redacted } });
  if (a.text !== undefined) content.push({ text: a.text });
  for (const c of a.toolCalls ?? []) content.push({ toolUse: { toolUseId: c.id, name: c.name, input: c.input } });
  return { kind: 'json', body: { output: { message: { role: 'assistant', content } }, stopReason: stopOf(a), usage: usageOf(a), metrics: { latencyMs: 321 } } };
}

/** One eventstream event message, as ConverseStream sends it (payload padded with `p`). */
export function bedrockEvent(eventType: string, payload: Record<string, unknown>): Buffer {
  const body = fromUtf8(JSON.stringify({ ...payload, p: 'abcdefghijklmnopqrstuvwxyzABCDEF'.slice(0, 8 + (eventType.length % 20)) }));
  return Buffer.from(codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body,
  }));
}

/** An exception message inside a stream (e.g. `throttlingException`). */
export function bedrockStreamException(exceptionType: string, message: string): Buffer {
  return Buffer.from(codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  }));
}

const pieces = (s: string, n = 10) => {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out.length ? out : [''];
};

/** The eventstream messages of a ConverseStream answer. */
export function converseStreamFrames(a: BedrockAnswer): Buffer[] {
  const frames = [bedrockEvent('messageStart', { role: 'assistant' })];
  let index = 0;
  if (a.reasoning) {
    for (const t of pieces(a.reasoning.text)) frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: t } } }));
    if (a.reasoning.signature) frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { signature: a.reasoning.signature } } }));
    frames.push(bedrockEvent('contentBlockStop', { contentBlockIndex: index++ }));
  }
  if (a.text !== undefined) {
    for (const t of pieces(a.text)) frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex: index, delta: { text: t } }));
    frames.push(bedrockEvent('contentBlockStop', { contentBlockIndex: index++ }));
  }
  for (const c of a.toolCalls ?? []) {
    frames.push(bedrockEvent('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: c.id, name: c.name } } }));
    for (const f of c.fragments ?? [JSON.stringify(c.input)]) frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: f } } }));
    frames.push(bedrockEvent('contentBlockStop', { contentBlockIndex: index++ }));
  }
  frames.push(bedrockEvent('messageStop', { stopReason: stopOf(a) }));
  frames.push(bedrockEvent('metadata', { usage: usageOf(a), metrics: { latencyMs: 321 } }));
  return frames;
}

export function converseStream(frames: Buffer[], fragment?: Fragmenting, extra: Partial<Extract<Reply, { kind: 'stream' }>> = {}): Reply {
  return { kind: 'stream', headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'b2c5a7e4-0000-4000-8000-000000000002' }, frames, fragment, ...extra };
}

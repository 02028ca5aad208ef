/**
 * A text-only OpenAI-compatible upstream (a base model on llama.cpp, an old instruct model): it
 * speaks Chat Completions but rejects anything tool-shaped (tools, tool_choice, role:"tool",
 * assistant tool_calls), the way such servers answer when no tool parser is configured. Plus
 * readers for the emulated-tools prompt format, so tests can check what the model was shown.
 */
import { FakeServer, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply } from './harness.js';
import { completion, openaiUsage, stream, streamFrames, validateOpenAIRequest } from './openai.js';

const reject = (message: string): Reply => ({ kind: 'json', status: 400, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } });

export function validateTextOnly(req: RecordedRequest): Reply | undefined {
  const b = req.body;
  if (b !== undefined) {
    for (const k of ['tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call']) if (k in b) return reject(`"${k}" is not supported: this model has no tool calling`);
    for (const m of b.messages ?? []) {
      if (m.role === 'tool') return reject('messages with role "tool" are not supported by this model');
      if (m.tool_calls !== undefined) return reject('assistant tool_calls are not supported by this model');
      if (typeof m.content !== 'string') return reject('content must be a string for this model');
    }
  }
  return validateOpenAIRequest(req);
}

export function startFakeTextOnly(opts: FakeServerOptions = {}): Promise<FakeServer> {
  return new FakeServer({ validate: validateTextOnly, ...opts }).start();
}

/** A non-streaming text answer. */
export function textReply(text: string, usage?: { prompt: number; completion: number }, finish = 'stop'): Reply {
  return completion({ content: text }, finish, usage ? openaiUsage(usage.prompt, usage.completion) : undefined);
}

/** A streamed text answer in the given pieces. */
export function textStream(pieces: string[], opts: { fragment?: Fragmenting; usage?: { prompt: number; completion: number }; finish?: string } = {}): Reply {
  return stream(streamFrames({ text: pieces, finish: opts.finish ?? 'stop', usage: opts.usage ? openaiUsage(opts.usage.prompt, opts.usage.completion) : undefined }), { fragment: opts.fragment });
}

/** A call the way the emulated-tools format asks the model to write it. */
export const callBlock = (name: string, args: unknown) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

// readers of the prompt the model was shown
export const systemOf = (r: RecordedRequest): string => (r.body.messages ?? []).filter((m: any) => m.role === 'system').map((m: any) => m.content).join('\n');
export const lastUser = (r: RecordedRequest): string => [...(r.body.messages ?? [])].reverse().find((m: any) => m.role === 'user')?.content ?? '';

export function promptToolNames(r: RecordedRequest): string[] {
  const m = /<tools>\n([\s\S]*?)\n<\/tools>/.exec(systemOf(r));
  return m ? m[1]!.split('\n').map((l) => JSON.parse(l).name) : [];
}

export function promptCalls(r: RecordedRequest): { name: string; args: unknown }[] {
  return (r.body.messages ?? [])
    .filter((m: any) => m.role === 'assistant')
    .flatMap((m: any) => [...String(m.content).matchAll(/<tool_call>\n([\s\S]*?)\n<\/tool_call>/g)].map((x) => JSON.parse(x[1]!)))
    .map((c: any) => ({ name: c.name, args: c.arguments }));
}

export function promptResults(r: RecordedRequest): { name?: string; content: string }[] {
  return (r.body.messages ?? [])
    .filter((m: any) => m.role === 'user')
    .flatMap((m: any) => [...String(m.content).matchAll(/<tool_response(?: name="([^"]*)")?>\n([\s\S]*?)\n<\/tool_response>/g)].map((x) => ({ name: x[1], content: x[2]! })));
}

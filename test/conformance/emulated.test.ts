/**
 * The conformance suite for `tools: emulated`: an openai-compatible endpoint whose upstream is
 * text-only (the fake rejects tools), with tool calls rendered into the prompt and parsed back.
 */
import { CHOICE_LINES } from '../../src/providers/emulated/format.js';
import { openaiUsage, stream, streamFrames, completion } from '../fakes/openai.js';
import { callBlock, promptCalls, promptResults, promptToolNames, startFakeTextOnly, systemOf } from '../fakes/text-only.js';
import { runConformance, type ProviderKit } from './suite.js';

const kit: ProviderKit = {
  name: 'textonly',
  model: 'base-model',
  ids: 'synthesized',
  endpoint: { tools: 'emulated' },
  startFake: () => startFakeTextOnly(),
  provider: (url) => ({ type: 'openai-compatible', base_url: `${url}/v1` }),
  reply(a, o) {
    const u = a.usage ? openaiUsage(a.usage.prompt, a.usage.completion) : undefined;
    const calls = (a.toolCalls ?? []).map((c) => ({ name: c.name, args: JSON.parse(c.arguments), fragments: c.fragments }));
    if (!o.stream) return completion({ content: [a.text ?? '', ...calls.map((c) => callBlock(c.name, c.args))].filter(Boolean).join('\n') }, 'stop', u);
    // the model's text as a stream: the blocks cut inside the tags and at the argument fragments
    const pieces: string[] = [];
    if (a.text) for (let i = 0; i < a.text.length; i += 12) pieces.push(a.text.slice(i, i + 12));
    for (const c of calls) {
      pieces.push('<tool_', 'call>\n{"name": ', JSON.stringify(c.name), ', "arguments": ');
      pieces.push(...(c.fragments ?? [JSON.stringify(c.args)]));
      pieces.push('}\n</tool', '_call>\n');
    }
    return stream(streamFrames({ text: pieces, finish: 'stop', usage: u }), { fragment: o.fragment });
  },
  error: (status, message) => ({ kind: 'json', status, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } }),
  inspect: {
    stream: (r) => r.body.stream === true,
    toolNames: promptToolNames,
    toolChoice: (r) => {
      const s = systemOf(r);
      if (!s.includes('<tools>')) return undefined;
      if (s.includes(CHOICE_LINES.none)) return 'none';
      if (s.includes(CHOICE_LINES.required)) return 'required';
      const named = /You must call the tool "([^"]+)"/.exec(s);
      return named ? { name: named[1]! } : 'auto';
    },
    parallelToolCalls: (r) => (systemOf(r).includes(CHOICE_LINES.single) ? false : undefined),
    historyToolCalls: promptCalls,
    toolResults: promptResults,
  },
};

runConformance(kit);

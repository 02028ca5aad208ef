/** The conformance kit for the `bedrock` adapter (Converse / ConverseStream, SigV4) against the Bedrock wire fake, for suite.ts. */
import { bedrockError, bedrockStreamException, converseResponse, converseStream, converseStreamFrames, startFakeBedrock, TEST_CREDENTIALS, TEST_REGION, type BedrockAnswer } from '../fakes/bedrock.js';
import type { RecordedRequest } from '../fakes/harness.js';
import type { Answer, ProviderKit, ToolChoiceView } from './suite.js';

const native = (a: Answer): BedrockAnswer => ({
  text: a.text,
  reasoning: a.reasoning,
  toolCalls: a.toolCalls?.map((c) => ({ id: c.id, name: c.name, input: JSON.parse(c.arguments), fragments: c.fragments })),
  usage: a.usage && { inputTokens: a.usage.prompt, outputTokens: a.usage.completion },
});

const blocks = (r: RecordedRequest, role: string): any[] => r.body.messages.filter((m: any) => m.role === role).flatMap((m: any) => m.content);

function toolChoice(r: RecordedRequest): ToolChoiceView | undefined {
  const tc = r.body.toolConfig;
  if (tc === undefined) return 'none';
  const anth = r.body.additionalModelRequestFields?.tool_choice;
  const c = anth ?? tc.toolChoice;
  if (c === undefined) return 'auto';
  if (anth !== undefined) return anth.type === 'any' ? 'required' : anth.type === 'tool' ? { name: anth.name } : anth.type;
  return 'any' in c ? 'required' : 'tool' in c ? { name: c.tool.name } : 'auto';
}

export const bedrockKit: ProviderKit = {
  name: 'bedrock',
  model: 'anthropic.claude-sonnet-4-20250514-v1:0',
  startFake: () => startFakeBedrock(),
  provider: (url) => ({
    type: 'bedrock',
    base_url: url,
    region: TEST_REGION,
    access_key_id: TEST_CREDENTIALS.accessKeyId,
    secret_access_key: TEST_CREDENTIALS.secretAccessKey,
    session_token: TEST_CREDENTIALS.sessionToken,
  }),
  reply: (a, o) => (o.stream ? converseStream(converseStreamFrames(native(a)), o.fragment) : converseResponse(native(a))),
  error: (status, message) => bedrockError(status, message),
  streamError: (text, message) => {
    const frames = converseStreamFrames({ text });
    frames.splice(frames.length - 3, 3, bedrockStreamException('modelStreamErrorException', message)); // instead of stop, messageStop, metadata
    return converseStream(frames);
  },
  inspect: {
    stream: (r) => r.path.endsWith('/converse-stream'),
    toolNames: (r) => (r.body.toolConfig?.tools ?? []).filter((t: any) => t.toolSpec).map((t: any) => t.toolSpec.name),
    toolChoice,
    parallelToolCalls: (r) => (r.body.additionalModelRequestFields?.tool_choice?.disable_parallel_tool_use === true ? false : undefined),
    historyToolCalls: (r) => blocks(r, 'assistant').filter((b) => b.toolUse).map((b) => ({ id: b.toolUse.toolUseId, name: b.toolUse.name, args: b.toolUse.input })),
    toolResults: (r) =>
      blocks(r, 'user').filter((b) => b.toolResult).map((b) => ({
        id: b.toolResult.toolUseId,
        content: b.toolResult.content.map((c: any) => (c.text !== undefined ? c.text : JSON.stringify(c.json))).join(''),
      })),
  },
  reasoning: {
    requested: (r) => r.body.additionalModelRequestFields?.thinking?.type === 'enabled',
    returnsText: true,
    signatures: true,
    replayed: (r) => blocks(r, 'assistant').filter((b) => b.reasoningContent?.reasoningText).map((b) => b.reasoningContent.reasoningText),
  },
};


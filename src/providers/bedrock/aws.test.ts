/**
 * AWS's libraries load on a Bedrock provider's first request, not at start (aws.ts): start-up
 * leaves them alone, and the first request still signs (SigV4 checked by the fake) and decodes
 * the eventstream, streamed and not.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { converseResponse, converseStream, converseStreamFrames, startFakeBedrock, TEST_CREDENTIALS, TEST_REGION, type FakeBedrock } from '../../../test/fakes/bedrock.js';
import { startGateway, type TestGateway } from '../../../test/helpers/gateway.js';
import { awsLibsLoaded } from './aws.js';

const AWS_MODULE = /[\\/]node_modules[\\/](@smithy|@aws-crypto|@aws-sdk)[\\/]/;

test('loading the registry, the gateway, the features and the CLI loads no AWS library', () => {
  // a fresh process: this one has the fake's own copy of the libraries loaded
  const script = `
    import { createRequire } from 'node:module';
    await import('./src/providers/index.ts');
    await import('./src/server/app.ts');
    await import('./src/features.ts');
    await import('./src/cli/serve.ts');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => ${AWS_MODULE}.test(k));
    process.stdout.write(JSON.stringify(loaded));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), []);
});

let fake: FakeBedrock;
let gw: TestGateway;
before(async () => {
  fake = await startFakeBedrock();
  gw = await startGateway(
    {
      providers: { aws: { type: 'bedrock', base_url: fake.url, region: TEST_REGION, access_key_id: TEST_CREDENTIALS.accessKeyId, secret_access_key: TEST_CREDENTIALS.secretAccessKey, session_token: TEST_CREDENTIALS.sessionToken } },
      models: [{ id: 'aws/claude', endpoints: [{ provider: 'aws', model: 'anthropic.claude-sonnet-4-20250514-v1:0', pricing: { prompt: '0', completion: '0' } }] }],
    },
    {},
  );
});
after(async () => {
  await gw.close();
  await fake.stop();
});

const call = { id: 'tooluse_1', name: 'search_gutenberg_books', input: { search_terms: ['dickens'] }, fragments: ['{"search_terms":', '["dickens"]}'] };
const tools = [{ type: 'function', function: { name: 'search_gutenberg_books', parameters: { type: 'object', properties: { search_terms: { type: 'array', items: { type: 'string' } } } } } }];
const send = (stream: boolean) =>
  fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'aws/claude', stream, messages: [{ role: 'user', content: 'books?' }], tools }) });

test('the first request loads them, is signed and its eventstream decoded; later requests reuse them', async () => {
  assert.equal(awsLibsLoaded(), false, 'loaded before any Bedrock request');
  fake.enqueue(converseStream(converseStreamFrames({ toolCalls: [call] }), 'byte'));
  const r = await send(true);
  const text = await r.text();
  assert.equal(r.status, 200, text);
  assert.equal(awsLibsLoaded(), true);
  assert.equal(fake.verified, 1, 'the SigV4 signature verified');
  const deltas = text.split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta).filter(Boolean);
  const args = deltas.flatMap((d: any) => d.tool_calls ?? []).map((t: any) => t.function?.arguments ?? '').join('');
  assert.equal(args, '{"search_terms":["dickens"]}');
  assert.match(text, /"finish_reason":"tool_calls"/);
  assert.match(text, /data: \[DONE\]/);

  fake.enqueue(converseResponse({ toolCalls: [call] }));
  const j = await send(false);
  const body = (await j.json()) as any;
  assert.equal(j.status, 200, JSON.stringify(body));
  assert.equal(fake.verified, 2);
  assert.equal(body.choices[0].message.tool_calls[0].function.arguments, '{"search_terms":["dickens"]}');
});

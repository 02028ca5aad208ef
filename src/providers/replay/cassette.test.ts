import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkBytes, redactHeaders, redactUrl, relativePath, storeBody, storeChunk } from './cassette.js';

test('chunks that are valid UTF-8 are stored as text, others as base64, both exact', () => {
  const dash = Buffer.from('a — b', 'utf8');
  const cut = [dash.subarray(0, 3), dash.subarray(3)];
  assert.equal(storeChunk(Buffer.from('data: {}\n\n')), 'data: {}\n\n');
  const stored = cut.map(storeChunk);
  assert.equal(typeof stored[0], 'object');
  assert.deepEqual(Buffer.concat(stored.map(chunkBytes)), dash);
});

test('a JSON body is stored as an object only when that reproduces its bytes', () => {
  assert.deepEqual(storeBody('{"a":1}'), { body: { a: 1 } });
  assert.deepEqual(storeBody('{ "a": 1 }'), { body_text: '{ "a": 1 }' });
  assert.deepEqual(storeBody('not json'), { body_text: 'not json' });
});

test('credentials are redacted from headers and query strings', () => {
  const h = redactHeaders({ authorization: 'Bearer sk-1', 'x-api-key': 'k', 'x-goog-api-key': 'g', 'anthropic-version': '2023-06-01', 'x-switchyard-replay-dir': '/tmp' });
  assert.deepEqual(h, { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', 'x-goog-api-key': '[REDACTED]', 'anthropic-version': '2023-06-01' });
  assert.doesNotMatch(redactUrl('https://g.example/v1beta/models/m:streamGenerateContent?alt=sse&key=SECRET'), /SECRET/);
  assert.equal(relativePath('https://g.example/v1beta/models/m:generateContent?key=SECRET', 'https://g.example/v1beta'), '/models/m:generateContent?key=%5BREDACTED%5D');
});

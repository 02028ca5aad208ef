import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapStopReason } from '../anthropic/finish-reason.js';
import { mapStopReason as bedrock } from '../bedrock/finish-reason.js';
import { mapCohereFinish as cohere } from '../cohere/finish-reason.js';
import { finishError, mapFinishReason as geminiMap } from '../gemini/finish-reason.js';
import { mapFinishReason as ollamaMap } from '../ollama/finish-reason.js';
import { mapFinishReason as openai } from '../openai/finish-reason.js';
import { lookupTable } from './lookup-table.js';

const OBJECT_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

test('a lookup table finds only its own entries', () => {
  const t = lookupTable({ stop: 'stop', length: 'length' });
  assert.equal(t.stop, 'stop');
  for (const k of OBJECT_NAMES) assert.equal(t[k], undefined, k);
  assert.ok(Object.isFrozen(t));
});

test('finish reasons spelled like Object methods map to stop, never to a function', () => {
  const gemini = (k: string) => geminiMap(k, false);
  const ollama = (k: string) => ollamaMap(k, false);
  for (const [name, map] of Object.entries({ openai, anthropic: mapStopReason, gemini, ollama, bedrock, cohere })) {
    for (const k of OBJECT_NAMES) assert.equal(map(k), 'stop', `${name}(${k})`);
  }
  for (const k of OBJECT_NAMES) assert.equal(finishError(k, undefined, 'g'), undefined, `gemini error for ${k}`);
  assert.equal(openai('tool_calls'), 'tool_calls');
  assert.equal(mapStopReason('tool_use'), 'tool_calls');
});

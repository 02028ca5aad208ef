import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactedDetail, signatureDetail, thinkingBlocks, thinkingDetail } from './reasoning-details.js';

describe('reasoning_details → thinking blocks', () => {
  test('text with signature → thinking; encrypted → redacted_thinking; order kept', () => {
    assert.deepEqual(
      thinkingBlocks([
        { type: 'reasoning.text', text: 'first', signature: 's1', format: 'anthropic-claude-v1', index: 0 },
        { type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic-claude-v1', index: 1 },
        { type: 'reasoning.text', text: 'second', signature: 's2', index: 2 },
      ]),
      [
        { type: 'thinking', thinking: 'first', signature: 's1' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'thinking', thinking: 'second', signature: 's2' },
      ],
    );
  });
  test('streamed fragments sharing an index are merged (text joined, signature kept)', () => {
    assert.deepEqual(
      thinkingBlocks([
        { type: 'reasoning.text', text: 'Let me ', format: 'anthropic-claude-v1', index: 0 },
        { type: 'reasoning.text', text: 'think.', format: 'anthropic-claude-v1', index: 0 },
        { type: 'reasoning.text', signature: 'sig', format: 'anthropic-claude-v1', index: 0 },
      ]),
      [{ type: 'thinking', thinking: 'Let me think.', signature: 'sig' }],
    );
  });
  test('unsigned text, other formats and junk are skipped', () => {
    assert.deepEqual(
      thinkingBlocks([
        { type: 'reasoning.text', text: 'no signature', format: 'unknown' },
        { type: 'reasoning.text', text: 'gemini', signature: 'g', format: 'google-gemini-v1' },
        { type: 'reasoning.encrypted', data: 'oai', format: 'openai-responses-v1' },
        { type: 'reasoning.summary', summary: 's', format: 'anthropic-claude-v1' },
        null as never,
        { type: 'reasoning.text', text: 'unsigned', format: 'anthropic-claude-v1' },
      ]),
      [],
    );
    assert.deepEqual(thinkingBlocks(undefined), []);
  });
  test('a signed block with empty text (display: omitted) survives', () => {
    assert.deepEqual(thinkingBlocks([{ type: 'reasoning.text', text: '', signature: 'sig' }]), [{ type: 'thinking', thinking: '', signature: 'sig' }]);
  });
});

describe('blocks → reasoning_details', () => {
  test('shapes', () => {
    assert.deepEqual(thinkingDetail('t', 'sig', 0), { type: 'reasoning.text', text: 't', signature: 'sig', format: 'anthropic-claude-v1', index: 0 });
    assert.deepEqual(thinkingDetail('t', undefined, 2), { type: 'reasoning.text', text: 't', format: 'anthropic-claude-v1', index: 2 });
    assert.deepEqual(signatureDetail('sig', 0), { type: 'reasoning.text', signature: 'sig', format: 'anthropic-claude-v1', index: 0 });
    assert.deepEqual(redactedDetail('d', 1), { type: 'reasoning.encrypted', data: 'd', format: 'anthropic-claude-v1', index: 1 });
  });
});

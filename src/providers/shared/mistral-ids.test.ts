import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterContext } from '../types.js';
import { idsFor, mistralIdFor, toolCallIdMap, ToolCallIdMap } from './mistral-ids.js';

test('mistralIdFor: 9 alphanumerics, deterministic, different inputs differ', () => {
  const a = mistralIdFor('call_abc');
  assert.match(a, /^[a-zA-Z0-9]{9}$/);
  assert.equal(mistralIdFor('call_abc'), a);
  assert.notEqual(mistralIdFor('call_abd'), a);
  assert.notEqual(mistralIdFor('call_abc', 1), a);
});

test('outbound keeps valid ids, rewrites others once; inbound and restoreText reverse only rewritten ids', () => {
  const m = new ToolCallIdMap(['call_1', 'Ab3dE6gH9']);
  assert.equal(m.outbound('Ab3dE6gH9'), 'Ab3dE6gH9');
  const x = m.outbound('call_1');
  assert.equal(m.outbound('call_1'), x);
  assert.equal(m.inbound(x), 'call_1');
  assert.equal(m.inbound('Ab3dE6gH9'), 'Ab3dE6gH9');
  assert.equal(m.inbound('NewMistrl'), 'NewMistrl');
  assert.equal(m.restoreText(`id ${x} is wrong`), 'id call_1 is wrong');
  assert.equal(m.size, 1);
});

test('a rewritten id never collides with a valid id already in the history', () => {
  const clash = mistralIdFor('call_x');
  const m = new ToolCallIdMap(['call_x', clash]);
  const x = m.outbound('call_x');
  assert.notEqual(x, clash);
  assert.equal(x, mistralIdFor('call_x', 1));
  assert.equal(m.outbound(clash), clash);
});

test('the map of a history is rebuilt from the attempt\'s request, identically', () => {
  const messages = [
    { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_q', type: 'function' as const, function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool' as const, tool_call_id: 'call_q', content: 'x' },
  ];
  const a = toolCallIdMap(messages);
  const b = idsFor({ request: { messages } } as unknown as AdapterContext);
  assert.equal(a.size, 1);
  assert.equal(b.outbound('call_q'), a.outbound('call_q'));
  assert.equal(b.inbound(a.outbound('call_q')), 'call_q');
  assert.equal(idsFor({} as AdapterContext).size, 0);
});

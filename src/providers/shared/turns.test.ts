import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSameRoleTurns } from './turns.js';

test('consecutive turns of one role are merged, in order', () => {
  const turns = [
    { role: 'user', content: [1] },
    { role: 'user', content: [2, 3] },
    { role: 'assistant', content: [4] },
    { role: 'user', content: [5] },
    { role: 'user', content: [6] },
    { role: 'user', content: [7] },
  ];
  const out = mergeSameRoleTurns(turns, (into, next) => into.content.push(...next.content));
  assert.deepEqual(out, [
    { role: 'user', content: [1, 2, 3] },
    { role: 'assistant', content: [4] },
    { role: 'user', content: [5, 6, 7] },
  ]);
  assert.deepEqual(mergeSameRoleTurns([], () => assert.fail()), []);
});

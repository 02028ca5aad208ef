import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitContent } from './content.js';

test('string, chunk list with thinking and text, junk', () => {
  assert.deepEqual(splitContent('plain'), { text: 'plain', thinking: '', signature: undefined });
  assert.deepEqual(
    splitContent([{ type: 'thinking', thinking: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], signature: 'S' }, { type: 'text', text: 'answer' }, null, { type: 'image_url' }]),
    { text: 'answer', thinking: 'ab', signature: 'S' },
  );
  assert.deepEqual(splitContent(null), { text: '', thinking: '', signature: undefined });
});

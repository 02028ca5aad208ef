import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDataUrl, textOfContent } from './content.js';

describe('textOfContent', () => {
  test('strings, null and parts', () => {
    assert.equal(textOfContent('hi'), 'hi');
    assert.equal(textOfContent(null), '');
    assert.equal(textOfContent(undefined), '');
    assert.equal(
      textOfContent([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }, { type: 'text', text: 'b' }]),
      'ab',
    );
    assert.equal(textOfContent([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], '\n'), 'a\nb');
  });
});

describe('parseDataUrl', () => {
  test('base64 data URLs', () => {
    assert.deepEqual(parseDataUrl('data:image/PNG;base64,iVBORw0KGgo='), { mediaType: 'image/png', data: 'iVBORw0KGgo=' });
    assert.deepEqual(parseDataUrl('data:application/pdf;name=a.pdf;base64,JVBERi0='), { mediaType: 'application/pdf', data: 'JVBERi0=' });
  });
  test('anything else', () => {
    assert.equal(parseDataUrl('https://example.com/a.png'), undefined);
    assert.equal(parseDataUrl('data:text/plain,hello'), undefined);
    assert.equal(parseDataUrl('data:image/png;base64'), undefined);
  });
});

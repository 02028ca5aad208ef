import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import { contentBlocks } from './content.js';

const is400 = (re: RegExp) => (e: unknown) => e instanceof GatewayError && e.status === 400 && re.test(e.message);

describe('content parts → Anthropic blocks', () => {
  test('a string is one text block; an empty string none', () => {
    assert.deepEqual(contentBlocks('hello', 'p'), [{ type: 'text', text: 'hello' }]);
    assert.deepEqual(contentBlocks('', 'p'), []);
    assert.deepEqual(contentBlocks(null, 'p'), []);
  });
  test('text parts keep cache_control; empty text parts are dropped', () => {
    assert.deepEqual(
      contentBlocks([{ type: 'text', text: 'long doc', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: '' }, { type: 'text', text: 'q' }], 'p'),
      [{ type: 'text', text: 'long doc', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: 'q' }],
    );
  });
  test('images: data URL → base64 source, https → url source', () => {
    assert.deepEqual(contentBlocks([{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }], 'p'), [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
    assert.deepEqual(contentBlocks([{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' }, cache_control: { type: 'ephemeral' } }], 'p'), [
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, cache_control: { type: 'ephemeral' } },
    ]);
  });
  test('unsupported images and parts are 400s naming the part', () => {
    assert.throws(() => contentBlocks([{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }], 'messages[1].content'), is400(/messages\[1\]\.content\[0\]\.image_url\.url: image type "image\/bmp"/));
    assert.throws(() => contentBlocks([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }], 'm'), is400(/http\(s\) URL or a base64 data: URL/));
    assert.throws(() => contentBlocks([{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }], 'm'), is400(/m\[0\]\.type: "input_audio" content is not supported/));
  });
  test('files: PDF and plain text become documents', () => {
    assert.deepEqual(contentBlocks([{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }], 'p'), [
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
    ]);
    assert.deepEqual(contentBlocks([{ type: 'file', file: { file_data: `data:text/plain;base64,${Buffer.from('notes').toString('base64')}` } }], 'p'), [
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } },
    ]);
    assert.throws(() => contentBlocks([{ type: 'file', file: { file_id: 'file-1' } }], 'm'), is400(/file_id is not supported/));
    assert.throws(() => contentBlocks([{ type: 'file', file: { file_data: 'data:application/zip;base64,UEs=' } }], 'm'), is400(/PDF or plain-text/));
  });
});

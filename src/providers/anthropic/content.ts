/**
 * OpenAI content parts → Anthropic content blocks: text (empty text dropped: Anthropic rejects
 * empty text blocks), image_url (data: URL → base64 source, http(s) → url source), file (PDF or
 * plain text as a document block), with `cache_control` passed through (prompt caching).
 */
import { badRequest } from '../../schema/errors.js';
import type { CacheControl as PublicCacheControl, ContentPart } from '../../schema/types.js';
import { parseDataUrl } from '../shared/content.js';
import type { CacheControl, DocumentBlock, ImageBlock, TextBlock } from './types.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export type UserBlock = TextBlock | ImageBlock | DocumentBlock;

/** A string or a list of parts → blocks. `path` names the content in error messages. */
export function contentBlocks(content: string | readonly ContentPart[] | null | undefined, path: string): UserBlock[] {
  if (content == null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const out: UserBlock[] = [];
  for (let i = 0; i < content.length; i++) {
    const b = partBlock(content[i]!, `${path}[${i}]`);
    if (b !== undefined) out.push(b);
  }
  return out;
}

function partBlock(part: ContentPart, path: string): UserBlock | undefined {
  switch (part.type) {
    case 'text':
      if (part.text === '') return undefined;
      return withCache<TextBlock>({ type: 'text', text: part.text }, part.cache_control);
    case 'image_url':
      return withCache<ImageBlock>(imageBlock(part.image_url.url, path), part.cache_control);
    case 'file':
      return withCache<DocumentBlock>(documentBlock(part.file, path), part.cache_control);
    default:
      throw badRequest(`${path}.type: "${part.type}" content is not supported by Anthropic models (text, image_url and PDF files are)`);
  }
}

function imageBlock(url: string, path: string): ImageBlock {
  const data = parseDataUrl(url);
  if (data !== undefined) {
    if (!IMAGE_TYPES.has(data.mediaType))
      throw badRequest(`${path}.image_url.url: image type "${data.mediaType}" is not supported by Anthropic (jpeg, png, gif, webp are)`);
    return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw badRequest(`${path}.image_url.url: must be an http(s) URL or a base64 data: URL`);
}

function documentBlock(file: { filename?: string; file_data?: string; file_id?: string }, path: string): DocumentBlock {
  const url = file.file_data;
  if (typeof url !== 'string') throw badRequest(`${path}.file: Anthropic needs file_data (a data: URL or an http(s) URL); file_id is not supported`);
  const data = parseDataUrl(url);
  let block: DocumentBlock;
  if (data?.mediaType === 'application/pdf') block = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data.data } };
  else if (data?.mediaType === 'text/plain')
    block = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(data.data, 'base64').toString('utf8') } };
  else if (data === undefined && /^https?:\/\//i.test(url)) block = { type: 'document', source: { type: 'url', url } };
  else throw badRequest(`${path}.file.file_data: Anthropic takes PDF or plain-text files (got ${data?.mediaType ?? 'an unrecognised URL'})`);
  if (file.filename) block.title = file.filename;
  return block;
}

/** Sets cache_control on a block when the part had one. */
export function withCache<T extends { cache_control?: CacheControl }>(block: T, cc: PublicCacheControl | undefined): T {
  if (cc !== undefined && cc !== null) block.cache_control = cacheControl(cc);
  return block;
}

function cacheControl(cc: PublicCacheControl): CacheControl {
  return cc.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cc.ttl };
}

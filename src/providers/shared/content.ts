/**
 * Helpers on OpenAI-shape message content that several adapters need: the plain text of a
 * content value, and data: URLs (inline images, PDFs) split into media type and base64 payload.
 */
import type { ContentPart } from '../../schema/types.js';

/** The text of a message's content: the string itself, or its text parts joined by `separator`. */
export function textOfContent(content: string | readonly ContentPart[] | null | undefined, separator = ''): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  let out = '';
  let first = true;
  for (const p of content) {
    if (p.type !== 'text') continue;
    out += first ? p.text : separator + p.text;
    first = false;
  }
  return out;
}

export interface DataUrl {
  mediaType: string;
  /** base64 payload */
  data: string;
}

/** `data:image/png;base64,AAAA` → {mediaType:'image/png', data:'AAAA'}; undefined for anything else. */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const meta = url.slice(5, comma);
  const parts = meta.split(';');
  if (!parts.includes('base64')) return undefined;
  const mediaType = (parts[0] || 'application/octet-stream').toLowerCase();
  return { mediaType, data: url.slice(comma + 1) };
}

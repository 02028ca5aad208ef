/**
 * Mistral `content` is a string or a list of chunks; reasoning models (Magistral) put their
 * thinking in `{type:'thinking', thinking:[{type:'text', text}], signature?}` chunks beside
 * `{type:'text', text}` ones. This splits either form into answer text and reasoning.
 */
export interface SplitContent {
  text: string;
  thinking: string;
  signature: string | undefined;
}

interface Chunk {
  type?: string;
  text?: string;
  thinking?: string | Chunk[];
  signature?: string | null;
}

export function splitContent(content: unknown): SplitContent {
  const out: SplitContent = { text: '', thinking: '', signature: undefined };
  if (typeof content === 'string') out.text = content;
  else if (Array.isArray(content)) {
    for (const c of content as Chunk[]) {
      if (c == null || typeof c !== 'object') continue;
      if (c.type === 'thinking') {
        out.thinking += typeof c.thinking === 'string' ? c.thinking : (c.thinking ?? []).map((t) => (typeof t?.text === 'string' ? t.text : '')).join('');
        if (typeof c.signature === 'string' && c.signature !== '') out.signature = c.signature;
      } else if ((c.type === 'text' || c.type === undefined) && typeof c.text === 'string') out.text += c.text;
    }
  }
  return out;
}

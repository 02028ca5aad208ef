/**
 * Rewrites a request with tools for a text-only upstream: the tool section goes into the system
 * prompt, assistant tool calls become `<tool_call>` text, and each run of tool results becomes
 * one user message of `<tool_response>` blocks. The request that comes out has no tools, no
 * tool_choice, no tool roles: any Chat Completions server can take it.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { Message } from '../../schema/types.js';
import { textOfContent } from '../shared/content.js';
import { parseToolArguments } from '../shared/tool-arguments.js';
import { renderCall, renderResult, renderToolSection } from './format.js';

export function renderMessages(req: CanonicalRequest): Message[] {
  const section = renderToolSection(req.tools ?? [], req.toolChoice, req.parallelToolCalls);
  const names = new Map<string, string>();
  const out: Message[] = [];
  let results: string[] = [];
  const flushResults = () => {
    if (results.length === 0) return;
    out.push({ role: 'user', content: results.join('\n') });
    results = [];
  };
  for (const m of req.messages) {
    if (m.role === 'tool') {
      results.push(renderResult(names.get(m.tool_call_id) ?? m.name, textOfContent(m.content, '\n')));
      continue;
    }
    flushResults();
    if (m.role === 'assistant' && m.tool_calls !== undefined && m.tool_calls.length > 0) {
      const parts: string[] = [];
      const text = textOfContent(m.content ?? null, '\n');
      if (text !== '') parts.push(text);
      for (const tc of m.tool_calls) {
        names.set(tc.id, tc.function.name);
        const parsed = parseToolArguments(tc.function.arguments);
        parts.push(renderCall(tc.function.name, parsed.ok ? parsed.value : tc.function.arguments));
      }
      const { tool_calls: _tc, ...rest } = m;
      out.push({ ...rest, content: parts.join('\n') });
      continue;
    }
    out.push(m);
  }
  flushResults();
  const first = out[0];
  if (first !== undefined && (first.role === 'system' || first.role === 'developer')) {
    const text = textOfContent(first.content, '\n');
    out[0] = { role: first.role, content: text === '' ? section : `${text}\n\n${section}` };
  } else {
    out.unshift({ role: 'system', content: section });
  }
  return out;
}

/** The request the text-only upstream gets: rendered messages, and no tool fields at all. */
export function textOnlyRequest(req: CanonicalRequest): CanonicalRequest {
  const messages = renderMessages(req);
  const body = { ...req.body, messages } as Record<string, unknown>;
  delete body.tools;
  delete body.tool_choice;
  delete body.parallel_tool_calls;
  return { ...req, body: body as CanonicalRequest['body'], messages, tools: undefined, toolChoice: undefined, parallelToolCalls: undefined };
}

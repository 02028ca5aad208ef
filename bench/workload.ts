/** The benchmark workload: a ~2 KB tool-calling request and the fixed tool-call answer, JSON and SSE. */
export const REQUEST = {
  model: 'bench/model',
  messages: [
    { role: 'system', content: 'You are a helpful research assistant. Use the tools when they help. '.repeat(6) },
    { role: 'user', content: 'What are the titles of some James Joyce books? Please search the library and list a few, with their ids. '.repeat(3) },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'search_gutenberg_books',
        description: 'Search for books in the Project Gutenberg library based on specified search terms',
        parameters: {
          type: 'object',
          properties: {
            search_terms: { type: 'array', items: { type: 'string' }, description: "List of search terms to find books in the Gutenberg library (e.g. ['dickens', 'great'])" },
            limit: { type: 'integer', minimum: 1, maximum: 50, description: 'How many results to return at most' },
          },
          required: ['search_terms'],
        },
      },
    },
    {
      type: 'function',
      function: {
        name: 'get_book_details',
        description: 'Fetch the metadata of one book by its Gutenberg id: title, authors, subjects, languages and download count',
        parameters: { type: 'object', properties: { id: { type: 'integer', description: 'The Gutenberg book id' } }, required: ['id'] },
      },
    },
  ],
  tool_choice: 'auto',
};

export const TOOL_ARGS = '{"search_terms":["james","joyce"],"limit":5}';

export const OPENAI_JSON = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1733000000, model: 'gpt-bench',
  choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_bench_1', type: 'function', function: { name: 'search_gutenberg_books', arguments: TOOL_ARGS } }] } }],
  usage: { prompt_tokens: 412, completion_tokens: 23, total_tokens: 435, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  system_fingerprint: 'fp_bench',
});

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1733000000, model: 'gpt-bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;

export const OPENAI_SSE = [
  chunk({ role: 'assistant', content: null }),
  chunk({ tool_calls: [{ index: 0, id: 'call_bench_1', type: 'function', function: { name: 'search_gutenberg_books', arguments: '' } }] }),
  ...['{"search_', 'terms":["ja', 'mes","joy', 'ce"],"limit":5}'].map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
  chunk({}, 'tool_calls'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1733000000, model: 'gpt-bench', choices: [], usage: { prompt_tokens: 412, completion_tokens: 23, total_tokens: 435 } })}\n\n`,
  'data: [DONE]\n\n',
].join('');

/** The same answer in Anthropic Messages format (a tool_use block), JSON and SSE. */
export const ANTHROPIC_JSON = JSON.stringify({
  id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-bench',
  content: [{ type: 'tool_use', id: 'toolu_bench_1', name: 'search_gutenberg_books', input: JSON.parse(TOOL_ARGS) }],
  stop_reason: 'tool_use', stop_sequence: null,
  usage: { input_tokens: 412, output_tokens: 23, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});

const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

export const ANTHROPIC_SSE = [
  ev('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-bench', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 412, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } }),
  ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_bench_1', name: 'search_gutenberg_books', input: {} } }),
  ev('ping', {}),
  ...['{"search_', 'terms":["ja', 'mes","joy', 'ce"],"limit":5}'].map((a) => ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: a } })),
  ev('content_block_stop', { index: 0 }),
  ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 23 } }),
  ev('message_stop', {}),
].join('');

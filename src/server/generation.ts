/**
 * GET /api/v1/generation?id=gen-…: a generation's stats in OpenRouter's shape (spec §5.3).
 * Auth required; a stored key sees only its own generations, the master key (and an open
 * gateway) sees all. Unknown ids are a 404.
 */
import type { Route, RouteHandler } from './app.js';
import { sendJson } from './http.js';
import { GatewayError } from '../schema/errors.js';
import type { GenerationLog } from '../store/generations.js';
import { toOpenRouterGeneration } from '../store/generations-record.js';

export function generationRoutes(log: GenerationLog): Route[] {
  const handler: RouteHandler = async (c) => {
    const principal = await c.auth();
    const id = c.url.searchParams.get('id');
    if (id === null || id.trim() === '') throw new GatewayError(400, 'id: required query parameter (a generation id such as gen-…)', { metadata: { error_type: 'invalid_request' }, retryable: false });
    const g = await log.get(id);
    if (g === undefined || (principal.kind === 'key' && g.key_hash !== principal.id))
      throw new GatewayError(404, `generation "${id}" not found`, { metadata: { error_type: 'not_found' }, retryable: false });
    sendJson(c.res, 200, toOpenRouterGeneration(g));
  };
  return [
    { method: 'GET', path: '/api/v1/generation', handler },
    { method: 'GET', path: '/v1/generation', handler },
  ];
}

import type { PassthroughDefinition } from '../config/routeMap.js';
import { errorResponseRefs } from './errorResponses.js';
import { openApiPath } from './pathTemplates.js';
import { pathTemplateParams } from '@clerk-camunda-proxy/client/contract';
import type { Operation, Parameter } from './types.js';

const engineAnswer = (description: string) => ({ description, content: { '*/*': { schema: {} } } });

function whoMay(entry: PassthroughDefinition): string {
  const allow = entry.allow;
  if (!allow) return 'Any signed-in user; no machine.';
  const parts: string[] = [];
  if (allow.roles || allow.permissions || allow.users) {
    const users = [...(allow.roles ?? []), ...(allow.permissions ?? [])].join(', ');
    parts.push(`Users with ${users || 'a listed id'}${allow.users ? ` (or ${allow.users.length} named user(s))` : ''}, and administrators.`);
  }
  if (allow.machines) parts.push(`Clerk machines (M2M tokens in JWT form)${allow.machines.scopes?.length ? ` with scope ${allow.machines.scopes.join(', ')}` : ''}.`);
  return parts.join(' ');
}

/** `/external-task/:id/complete` → `/engine-rest/external-task/{id}/complete`; a trailing `/**` is one `{rest}` parameter. */
export function passthroughPath(entry: PassthroughDefinition): string {
  return `/engine-rest${openApiPath(entry.path.replace(/\/\*\*$/, '/{rest}'))}`;
}

/** A passthrough entry as an operation: the engine's own API, forwarded for the callers the entry allows. */
export function passthroughOperation(entry: PassthroughDefinition): Operation {
  const parameters: Parameter[] = pathTemplateParams(entry.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (entry.path.endsWith('/**')) {
    parameters.push({ name: 'rest', in: 'path', required: true, description: 'Any path below (one or more segments)', schema: { type: 'string' } });
  }
  return {
    operationId: entry.id,
    summary: `engine-rest ${entry.method} ${entry.path}`,
    description: [
      entry.description ?? 'Forwarded to the same path under ENGINE_URL for existing Camunda REST clients; the engine answers, errors included, pass through unchanged.',
      `Who may call: ${whoMay(entry)}`,
      entry.timeout ? `Timeout: ${entry.timeout} s.` : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags: ['engine-rest passthrough'],
    ...(parameters.length > 0 && { parameters }),
    ...(entry.method !== 'GET' && entry.method !== 'DELETE' && {
      requestBody: { required: false, content: { 'application/json': { schema: { description: "The engine's own request body" } } } },
    }),
    responses: {
      // Whatever the engine answers, in its own content type (JSON, or text for its parse errors).
      default: engineAnswer("The engine's answer, unchanged (Camunda engine-rest)"),
      ...errorResponseRefs([401, 429, 502, 503, 504]),
      // The proxy refuses with these too, but the engine's own 400 and 403 pass through as they are.
      400: engineAnswer(
        "The proxy's error envelope (a path not in normal form; a JSON body that is not UTF-8 JSON, or that sets a proxy-owned variable), or the engine's own 400, unchanged",
      ),
      403: engineAnswer("The proxy's error envelope (this caller may not use the path), or the engine's own 403, unchanged"),
    },
  };
}

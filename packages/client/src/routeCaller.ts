import { CamundaProxyError, isErrorEnvelope } from './camundaProxyError.js';
import { fillPathTemplate } from './contract.js';
import type { ClientRoute } from './camundaRoutes.js';
import type { ListQuery } from './types.js';

export interface CamundaClientOptions {
  /** The proxy's origin, e.g. https://camunda-proxy.example.com */
  baseUrl: string;
  /** The Clerk session token, e.g. useAuth().getToken. Without one the proxy answers 401. */
  getToken: () => Promise<string | null | undefined> | string | null | undefined;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface RouteCall {
  params?: Readonly<Record<string, string>>;
  query?: ListQuery;
  body?: unknown;
}

/**
 * One path segment per parameter, like the proxy itself: the URL parser would resolve a `.` or
 * `..` segment (even percent-encoded) before the request leaves, and an empty one changes the route.
 */
function segment(name: string, value: string | undefined): string {
  if (value === undefined || value === '' || value === '.' || value === '..') {
    throw new TypeError(`path parameter '${name}' must be a non-empty id, not ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}

function urlOf(baseUrl: string, route: ClientRoute, call: RouteCall): string {
  const path = fillPathTemplate(route.path, (name) => segment(name, call.params?.[name]));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) query.append(name, String(value));
  }
  const search = query.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
}

function synthetic(status: number, error: 'network_error' | 'unexpected_response', detail: string, requestId: string | null, cause?: unknown) {
  return new CamundaProxyError(status, { error, detail, timestamp: new Date().toISOString(), requestId: requestId ?? '' }, { cause });
}

/** Sends one route call with the session token and turns every failure into a CamundaProxyError. */
export function createRouteCaller(options: CamundaClientOptions) {
  // Called through a closure: a bare `window.fetch` reference throws "Illegal invocation" in some browsers.
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

  return async function call<T>(route: ClientRoute, routeCall: RouteCall = {}): Promise<T> {
    const url = urlOf(options.baseUrl, route, routeCall);
    const token = await options.getToken();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    // A FormData body sets its own multipart Content-Type, boundary included.
    const form = routeCall.body instanceof FormData ? routeCall.body : undefined;
    if (routeCall.body !== undefined && !form) headers['Content-Type'] = 'application/json';
    const what = `${route.method} ${route.path} (${route.routeId})`;

    let response: Response;
    let text: string;
    try {
      response = await send(url, { method: route.method, headers, body: form ?? (routeCall.body === undefined ? undefined : JSON.stringify(routeCall.body)) });
      text = await response.text();
    } catch (cause) {
      throw synthetic(0, 'network_error', `${what} got no answer: ${cause instanceof Error ? cause.message : String(cause)}`, null, cause);
    }
    const requestId = response.headers.get('X-Request-Id');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch (cause) {
      throw synthetic(response.status, 'unexpected_response', `${what} answered ${response.status} with a body that is not JSON`, requestId, cause);
    }
    if (!response.ok) {
      if (isErrorEnvelope(body)) throw new CamundaProxyError(response.status, body);
      throw synthetic(response.status, 'unexpected_response', `${what} answered ${response.status} without the proxy's error envelope`, requestId);
    }
    return body as T;
  };
}

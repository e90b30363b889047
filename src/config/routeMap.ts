import { readFileSync } from 'node:fs';
import { pathTemplateParams, pathTemplateSegments, pathTemplateShape, type HttpMethod } from '@clerk-camunda-proxy/client/contract';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { AllowRule, MachineRule } from '../authz/allow.js';
import { ConfigError } from './env.js';
import routeMapSchema from './routes.schema.json' with { type: 'json' };

export type { HttpMethod };
export type InterceptName = 'startProcess' | 'completeTask' | 'deleteInstance';
export type AnswerName = 'formVariables' | 'taskCompleted' | 'taskClaimed' | 'taskUnclaimed' | 'instanceSuspension' | 'instanceDeleted';

/** One entry of routes.config.json, as written by an operator. */
export interface RouteDefinition {
  readonly id: string;
  readonly description?: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly engine: string;
  /** The engine call's method, when it is not the route's. */
  readonly engineMethod?: HttpMethod;
  /** A fixed JSON body for the engine call; the client's body is not forwarded. */
  readonly engineBody?: Readonly<Record<string, unknown>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly intercept?: InterceptName;
  readonly allow?: AllowRule;
  readonly policy?: string;
  /** `none` for an action that takes no body (refused with 400); default: none for GET and DELETE, JSON otherwise. */
  readonly body?: 'none' | 'json';
  /** A named shape for the engine's successful answer. */
  readonly answer?: AnswerName;
}

/** One engine-rest path that /engine-rest on the proxy forwards as it is. */
export interface PassthroughDefinition {
  readonly id: string;
  readonly description?: string;
  readonly method: HttpMethod;
  /** engine-rest path pattern: literal segments, `:param`, and a trailing `/**`. */
  readonly path: string;
  readonly allow?: AllowRule & { readonly machines?: MachineRule };
  /** Seconds; overrides ENGINE_TIMEOUT. */
  readonly timeout?: number;
  /** Engine tenant ids (org ids) the callers of this fetchAndLock path are pinned to. */
  readonly tenants?: readonly string[];
}

export interface RouteMap {
  readonly routes: readonly RouteDefinition[];
  readonly passthrough: readonly PassthroughDefinition[];
  /** Per process key: who may start it (the `processStart` policy). */
  readonly processes: Readonly<Record<string, { readonly start?: AllowRule }>>;
}

// The path parameter each policy reads its resource id from.
const policyParam: Record<string, string> = {
  task: 'id',
  taskComplete: 'id',
  taskClaim: 'id',
  taskUnclaim: 'id',
  instance: 'id',
  instanceInitiator: 'id',
  processStart: 'key',
  processDefinition: 'key',
};

// Every answer but the form's reports the `:id` of the task or instance it acted on.
const answerParam: Record<AnswerName, string | undefined> = {
  formVariables: undefined,
  taskCompleted: 'id',
  taskClaimed: 'id',
  taskUnclaimed: 'id',
  instanceSuspension: 'id',
  instanceDeleted: 'id',
};

const validateRouteMap = new Ajv2020({ allErrors: true, strict: true }).compile(routeMapSchema);

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((error) =>
      error.keyword === 'additionalProperties'
        ? `${error.instancePath || '/'} has an unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'`
        : `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
    )
    .join('; ');
}

const paramsOf = (template: string) => new Set(pathTemplateParams(template));
const hasDotSegment = (template: string) => pathTemplateSegments(template).some((segment) => 'literal' in segment && (segment.literal === '.' || segment.literal === '..'));

/** Checks what JSON Schema cannot: parameters agree between path and engine, ids and routes are unique. */
function assertCoherent(routes: RouteDefinition[], where: string): void {
  const ids = new Set<string>();
  const signatures = new Set<string>();
  routes.forEach((route, index) => {
    const at = `${where}: routes[${index}] (${route.id})`;
    if (hasDotSegment(route.path) || hasDotSegment(route.engine)) throw new ConfigError(`${at}: '.' and '..' segments are not allowed`);
    const pathParams = paramsOf(route.path);
    const needed = route.policy ? policyParam[route.policy] : undefined;
    if (needed && !pathParams.has(needed)) throw new ConfigError(`${at}: policy '${route.policy}' needs a :${needed} parameter in the path`);
    if (route.intercept && route.body === 'none') throw new ConfigError(`${at}: intercept '${route.intercept}' reads a body, so body cannot be 'none'`);
    const answerNeeds = route.answer ? answerParam[route.answer] : undefined;
    if (answerNeeds && !pathParams.has(answerNeeds)) throw new ConfigError(`${at}: answer '${route.answer}' needs a :${answerNeeds} parameter in the path`);
    if (route.engineBody && route.intercept) throw new ConfigError(`${at}: engineBody and intercept both set the engine's body; use one`);
    if (route.engineBody && (route.engineMethod ?? route.method) === 'GET') throw new ConfigError(`${at}: a GET engine call cannot carry engineBody`);
    if (route.answer === 'instanceSuspension' && typeof route.engineBody?.suspended !== 'boolean') {
      throw new ConfigError(`${at}: answer 'instanceSuspension' needs engineBody {"suspended": true|false}`);
    }
    for (const param of paramsOf(route.engine)) {
      if (!pathParams.has(param)) throw new ConfigError(`${at}: engine uses :${param}, which the path does not define`);
    }
    if (ids.has(route.id)) throw new ConfigError(`${at}: duplicate id '${route.id}'`);
    ids.add(route.id);
    const signature = `${route.method} ${pathTemplateShape(route.path)}`;
    if (signatures.has(signature)) throw new ConfigError(`${at}: another route already serves ${route.method} ${route.path}`);
    signatures.add(signature);
  });
}

const ids = (routes: readonly RouteDefinition[]) => new Set(routes.map((route) => route.id));

/** Validates a parsed route map and returns it frozen, with ids filled in. */
export function parseRouteMap(document: unknown, where = 'route map'): RouteMap {
  if (!validateRouteMap(document)) throw new ConfigError(`${where} is invalid (ROUTES_CONFIG): ${describe(validateRouteMap.errors)}`);
  const raw = document as {
    routes: (Omit<RouteDefinition, 'id'> & { id?: string })[];
    processes?: RouteMap['processes'];
    passthrough?: (Omit<PassthroughDefinition, 'id'> & { id?: string })[];
  };
  const routes = raw.routes.map((route) =>
    Object.freeze({ ...route, id: route.id ?? `${route.method} ${route.path}` }),
  );
  assertCoherent(routes, where);
  const passthrough = (raw.passthrough ?? []).map((entry) => Object.freeze({ ...entry, id: entry.id ?? `passthrough ${entry.method} ${entry.path}` }));
  const passthroughIds = new Set<string>();
  for (const entry of passthrough) {
    if (entry.tenants && !(entry.method === 'POST' && entry.path === '/external-task/fetchAndLock')) {
      throw new ConfigError(`${where}: passthrough '${entry.id}' has tenants, which only POST /external-task/fetchAndLock can have`);
    }
    if (ids(routes).has(entry.id) || passthroughIds.has(entry.id)) throw new ConfigError(`${where}: duplicate id '${entry.id}' in passthrough`);
    passthroughIds.add(entry.id);
  }
  return Object.freeze({ routes: Object.freeze(routes), processes: Object.freeze({ ...raw.processes }), passthrough: Object.freeze(passthrough) });
}

export function loadRouteMap(path: string): RouteMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`ROUTES_CONFIG: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`ROUTES_CONFIG: ${path} is not valid JSON (${(error as Error).message})`);
  }
  return parseRouteMap(document, path);
}

import { readFileSync } from 'node:fs';
import { pathTemplateParams, pathTemplateSegments, pathTemplateShape, type HttpMethod } from '@clerk-camunda-proxy/client/contract';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ConfigError } from './env.js';
import routeMapSchema from './routes.schema.json' with { type: 'json' };

export type { HttpMethod };

/** Who may call a route: any one match is enough. Declared as `allow` in routes.config.json. */
export interface AllowRule {
  readonly roles?: readonly string[];
  readonly permissions?: readonly string[];
  readonly users?: readonly string[];
}

/** On passthrough paths only: which Clerk machines (M2M tokens) may call. */
export interface MachineRule {
  /** Every one must be among the token's scopes. */
  readonly scopes?: readonly string[];
  /** Only these machine ids (`sub`, `mch_…`). */
  readonly ids?: readonly string[];
}


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
  /** A name in the intercept registry (intercepts/index.ts); checked against it when the map is read. */
  readonly intercept?: string;
  readonly allow?: AllowRule;
  /** A name in the policy registry (authz/policies/index.ts). */
  readonly policy?: string;
  /** `none` for an action that takes no body (refused with 400); default: none for GET and DELETE, JSON otherwise. */
  readonly body?: 'none' | 'json';
  /** A named shape for the engine's successful answer. */
  readonly answer?: string;
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

/** A JSON body as the OpenAPI document describes it. */
export interface DocumentedBody {
  readonly required: boolean;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly example?: unknown;
}

/**
 * What a named policy, intercept or answer says about itself, so that the route map is checked
 * and documented from the stage itself and never from a list kept beside it.
 */
export interface RouteStage {
  /** The path parameter it reads, e.g. `id` for `/api/tasks/:id`; the route's path must define it. */
  readonly param?: string;
  /** It reads the client's JSON body, so the route cannot say `body: "none"`. */
  readonly readsBody?: boolean;
  /** For the OpenAPI document: the JSON body it reads. */
  readonly requestBody?: DocumentedBody;
  /** What else it needs of the route it is named on, as the sentence that completes "answer 'x' …". */
  problemWith?(route: RouteDefinition): string | undefined;
}

/**
 * The named stages a route may refer to, by the route field that names them: the registries,
 * handed down from above (routes/routeMap.ts), so that this layer never imports a stage.
 */
export interface RouteVocabulary {
  readonly policy: Readonly<Record<string, RouteStage>>;
  readonly intercept: Readonly<Record<string, RouteStage>>;
  readonly answer: Readonly<Record<string, RouteStage>>;
}

const stageFields = ['policy', 'intercept', 'answer'] as const;

/** The registry entry a route names. The route map was checked against the same registry, so a miss is a bug. */
export function stageNamed<Stage>(registry: Readonly<Record<string, Stage>>, name: string): Stage {
  const stage = registry[name];
  if (stage === undefined) throw new Error(`'${name}' is not in the registry the route map was checked against`);
  return stage;
}

/** routes.schema.json (the editors' `$schema`) with its stage enums taken from the vocabulary. */
export function routeMapSchemaFor(vocabulary: RouteVocabulary): typeof routeMapSchema {
  const schema = structuredClone(routeMapSchema);
  for (const field of stageFields) schema.$defs.route.properties[field].enum = Object.keys(vocabulary[field]);
  return schema;
}

const validators = new WeakMap<RouteVocabulary, ValidateFunction>();

function validatorFor(vocabulary: RouteVocabulary): ValidateFunction {
  let validate = validators.get(vocabulary);
  if (!validate) {
    validate = new Ajv2020({ allErrors: true, strict: true }).compile(routeMapSchemaFor(vocabulary));
    validators.set(vocabulary, validate);
  }
  return validate;
}

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
function assertCoherent(routes: RouteDefinition[], where: string, vocabulary: RouteVocabulary): void {
  const ids = new Set<string>();
  const signatures = new Set<string>();
  routes.forEach((route, index) => {
    const at = `${where}: routes[${index}] (${route.id})`;
    if (hasDotSegment(route.path) || hasDotSegment(route.engine)) throw new ConfigError(`${at}: '.' and '..' segments are not allowed`);
    const pathParams = paramsOf(route.path);
    for (const field of stageFields) {
      const name = route[field];
      if (name === undefined) continue;
      const stage = vocabulary[field][name];
      if (!stage) throw new ConfigError(`${at}: unknown ${field} '${name}'`);
      if (stage.param && !pathParams.has(stage.param)) throw new ConfigError(`${at}: ${field} '${name}' needs a :${stage.param} parameter in the path`);
      if (stage.readsBody && route.body === 'none') throw new ConfigError(`${at}: ${field} '${name}' reads a body, so body cannot be 'none'`);
      const problem = stage.problemWith?.(route);
      if (problem) throw new ConfigError(`${at}: ${field} '${name}' ${problem}`);
    }
    if (route.engineBody && route.intercept) throw new ConfigError(`${at}: engineBody and intercept both set the engine's body; use one`);
    if (route.engineBody && (route.engineMethod ?? route.method) === 'GET') throw new ConfigError(`${at}: a GET engine call cannot carry engineBody`);
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

/** Validates a parsed route map against the names and needs of `vocabulary`, and returns it frozen, with ids filled in. */
export function checkedRouteMap(document: unknown, vocabulary: RouteVocabulary, where = 'route map'): RouteMap {
  const validateRouteMap = validatorFor(vocabulary);
  if (!validateRouteMap(document)) throw new ConfigError(`${where} is invalid (ROUTES_CONFIG): ${describe(validateRouteMap.errors)}`);
  const raw = document as {
    routes: (Omit<RouteDefinition, 'id'> & { id?: string })[];
    processes?: RouteMap['processes'];
    passthrough?: (Omit<PassthroughDefinition, 'id'> & { id?: string })[];
  };
  const routes = raw.routes.map((route) =>
    Object.freeze({ ...route, id: route.id ?? `${route.method} ${route.path}` }),
  );
  assertCoherent(routes, where, vocabulary);
  const passthrough = (raw.passthrough ?? []).map((entry) => Object.freeze({ ...entry, id: entry.id ?? `passthrough ${entry.method} ${entry.path}` }));
  const passthroughIds = new Set<string>();
  for (const entry of passthrough) {
    if (entry.tenants && !(entry.method === 'POST' && /^\/external-task\/(fetchAndLock|:id\/[A-Za-z]+)$/.test(entry.path))) {
      throw new ConfigError(`${where}: passthrough '${entry.id}' has tenants, which only POST /external-task/fetchAndLock and POST /external-task/:id/… can have`);
    }
    if (ids(routes).has(entry.id) || passthroughIds.has(entry.id)) throw new ConfigError(`${where}: duplicate id '${entry.id}' in passthrough`);
    passthroughIds.add(entry.id);
  }
  return Object.freeze({ routes: Object.freeze(routes), processes: Object.freeze({ ...raw.processes }), passthrough: Object.freeze(passthrough) });
}

export function readRouteMap(path: string, vocabulary: RouteVocabulary): RouteMap {
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
  return checkedRouteMap(document, vocabulary, path);
}

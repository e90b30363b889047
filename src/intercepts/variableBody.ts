import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Principal } from '../auth/principal.js';
import { ORG_STAMP } from '../authz/boundary.js';
import { toTypedVariables, VariableError, type TypedVariables } from '../engine/variables.js';
import { badRequest } from '../http/errors.js';

/** Names only the proxy may set: they record who acted, because every engine call is made as one service user. */
export const reservedVariableNames: readonly string[] = Object.freeze([
  'initiator',
  'initiatorEmail',
  'initiatorName',
  ORG_STAMP,
  'completedBy',
  'completedByEmail',
  'completedByName',
]);
const reserved = new Set(reservedVariableNames);
/** One of the names only the proxy may set. */
export const isProxyOwned = (name: string): boolean => reserved.has(name);

const ajv = new Ajv2020({ allErrors: false, strict: true });

const variablesSchema = {
  type: 'object',
  propertyNames: { minLength: 1, maxLength: 255 },
  maxProperties: 500,
} as const;

export const startProcessBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: variablesSchema,
    businessKey: { type: 'string', minLength: 1, maxLength: 255 },
    withVariablesInReturn: { type: 'boolean' },
  },
} as const;

export const completeTaskBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: variablesSchema,
    withVariablesInReturn: { type: 'boolean' },
  },
} as const;

export interface VariableBody {
  variables?: Record<string, unknown>;
  businessKey?: string;
  withVariablesInReturn?: boolean;
}

export interface ParsedVariableBody {
  body: VariableBody;
  variables: TypedVariables;
  /** Proxy-owned names the client sent; they are left out (forms echo them back), never forwarded. */
  dropped: string[];
}

/** Validates the shape, leaves out reserved names, and returns the engine's body with typed variables. */
export function variableBodyParser(schema: object) {
  const validate = ajv.compile<VariableBody>(schema);
  return (body: unknown): ParsedVariableBody => {
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('request body must be a JSON object (Content-Type: application/json)');
    }
    if (!validate(body)) {
      const [error] = validate.errors ?? [];
      const where = error?.instancePath ? `'${error.instancePath.slice(1).replace(/\//g, '.')}'` : 'body';
      const what = error?.keyword === 'additionalProperties' ? `unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'` : error?.message;
      throw badRequest(`invalid request body: ${where} ${what ?? 'is invalid'}`);
    }
    const dropped: string[] = [];
    const plain = Object.fromEntries(
      Object.entries(body.variables ?? {}).filter(([name]) => !(reserved.has(name) && dropped.push(name))),
    );
    try {
      return { body, variables: toTypedVariables(plain), dropped };
    } catch (error) {
      if (error instanceof VariableError) throw badRequest(error.message);
      throw error;
    }
  };
}

export function stampsFor(prefix: 'initiator' | 'completedBy', principal: Principal): TypedVariables {
  return {
    [prefix]: { value: principal.id, type: 'String' },
    [`${prefix}Email`]: { value: principal.email, type: 'String' },
    [`${prefix}Name`]: { value: principal.name, type: 'String' },
  };
}

/** The organisation an instance belongs to (see ORG_STAMP), stamped on start inside an organisation. */
export function orgStampFor(principal: Principal): TypedVariables {
  return principal.boundary.kind === 'org' ? { [ORG_STAMP]: { value: principal.boundary.orgId, type: 'String' } } : {};
}

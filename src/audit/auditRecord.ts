import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { PathTemplateSegment } from '@clerk-camunda-proxy/client/contract';
import type { AuditVariables } from '../config/env.js';
import { contextOf } from '../http/requestContext.js';

/** What became of an attempted action. */
export type AuditOutcome =
  /** The engine did it (the answer was 2xx or 3xx). */
  | 'done'
  /** The proxy refused it (401, 403, 404 from a policy, 400, 413, 415, 429): the engine never saw it. */
  | 'refused'
  /** The engine refused or failed it, or could not be reached. */
  | 'failed'
  /** The client went away before it was answered: the engine may or may not have done it. */
  | 'abandoned';

/** One action, as the audit trail keeps it: who, what, on which engine objects, and what came of it. Never a token. */
export interface AuditRecord {
  /** Made by the proxy: a database write retried after an outage is stored once. */
  readonly id: string;
  readonly time: string;
  readonly requestId: string;
  /** The signed-in user (`user_…`); null for a machine or an unauthenticated caller. */
  readonly userId: string | null;
  /** The session's active organisation. */
  readonly orgId: string | null;
  /** A Clerk machine (`mch_…`) on the /engine-rest passthrough. */
  readonly machineId: string | null;
  /** The route map id or passthrough rule id; null when refused before a route was found (401, 429). */
  readonly routeId: string | null;
  readonly method: string;
  /** The client's path, without the query string. */
  readonly path: string;
  readonly status: number;
  readonly outcome: AuditOutcome;
  /** The engine objects acted on, by name: `taskId`, `processInstanceId`, `processDefinitionKey`, `deploymentId`, … */
  readonly objects: Readonly<Record<string, string>>;
  /** The variables the client sent: names, or names and values (AUDIT_VARIABLES). */
  readonly variables?: readonly string[] | Readonly<Record<string, unknown>>;
}

declare module '../http/requestContext.js' {
  interface RequestContext {
    /** The engine objects an action names, from its route's path parameters (set by the route or passthrough stage). */
    auditObjects?: Record<string, string>;
    /** The variables a client sent with a start or complete (set by the route stage). */
    auditVariables?: Readonly<Record<string, unknown>>;
    /** The id of what the engine created (a started instance, a deployment), from its answer. */
    createdId?: string;
    /** What that id names (`processInstanceId`, `deploymentId`), set by the stage that plans the call. */
    createdName?: string;
  }
}

/** Only calls that may change something are actions; reads are the access log's business. */
export const isAction = (method: string): boolean => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

const camelCase = (resource: string) => resource.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

/**
 * How a route names the engine objects in its path, worked out once from its engine-rest template:
 * `/task/:id/complete` names `taskId`, `/process-definition/key/:key/start` names
 * `processDefinitionKey`, `/external-task/:id/failure` names `externalTaskId`. A template that
 * ends in `start` or `submit-form` creates a process instance: its answer's id is `processInstanceId`.
 */
export interface AuditedObjects {
  /** path parameter → object name */
  readonly names: ReadonlyMap<string, string>;
  /** What the engine's answer id names, when the call creates something. */
  readonly created?: string;
}

export function auditedObjectsOf(segments: readonly PathTemplateSegment[]): AuditedObjects {
  const names = new Map<string, string>();
  segments.forEach((segment, index) => {
    if (!('param' in segment)) return;
    const before = segments[index - 1];
    const resource = before && 'literal' in before ? before.literal : undefined;
    if (resource === undefined) return;
    if (resource === 'key') {
      const owner = segments[index - 2];
      names.set(segment.param, `${camelCase(owner && 'literal' in owner ? owner.literal : 'object')}Key`);
    } else names.set(segment.param, `${camelCase(resource)}Id`);
  });
  const last = segments.at(-1);
  const creates = last && 'literal' in last && (last.literal === 'start' || last.literal === 'submit-form');
  return { names, ...(creates && { created: 'processInstanceId' }) };
}

/** The objects a request names, by the route's names for its path parameters. */
export function objectsNamed(audited: AuditedObjects, params: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const objects: Record<string, string> = {};
  for (const [param, name] of audited.names) {
    const value = params[param];
    if (value !== undefined) objects[name] = value;
  }
  return objects;
}

function outcomeOf(status: number, answered: boolean, engineAnswered: boolean): AuditOutcome {
  if (!answered) return 'abandoned';
  if (status < 400) return 'done';
  return engineAnswered || status >= 500 ? 'failed' : 'refused';
}

/** The record of a finished action. */
export function auditRecordOf(req: Request, res: Response, variables: AuditVariables): AuditRecord {
  const context = contextOf(res);
  const principal = context.principal;
  // A machine principal says `kind: 'machine'`; a user's has no `kind`.
  const machine = principal && 'kind' in principal ? principal : undefined;
  const user = principal && !('kind' in principal) ? principal : undefined;
  const queryAt = req.originalUrl.indexOf('?');
  const objects = { ...context.auditObjects, ...(context.createdId !== undefined && res.statusCode < 400 && { [context.createdName ?? 'createdId']: context.createdId }) };
  const sent = context.auditVariables;
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    requestId: context.requestId,
    userId: user?.id ?? null,
    orgId: user?.orgId ?? null,
    machineId: machine?.id ?? null,
    routeId: context.routeId ?? null,
    method: req.method,
    path: queryAt === -1 ? req.originalUrl : req.originalUrl.slice(0, queryAt),
    // nginx's 499: the client closed the connection before the answer.
    status: res.writableFinished ? res.statusCode : 499,
    outcome: outcomeOf(res.statusCode, res.writableFinished, context.engineStatus !== undefined),
    objects,
    ...(sent && variables === 'names' && { variables: Object.keys(sent) }),
    ...(sent && variables === 'values' && { variables: sent }),
  };
}

import type { Answer } from '../answers/answer.js';
import { auditedObjectsOf, type AuditedObjects } from '../audit/auditRecord.js';
import { answers } from '../answers/index.js';
import { policies } from '../authz/policies/index.js';
import type { Policy } from '../authz/policy.js';
import { stageNamed, type RouteDefinition, type RouteMap } from '../config/routeMap.js';
import type { Intercept } from '../intercepts/intercept.js';
import { intercepts } from '../intercepts/index.js';
import { compileEngineTemplate, type EnginePathTemplate } from './enginePath.js';
import { bodyKindOf, type BodyKind } from './requestBody.js';

/** A route from the map, with everything the hot path needs worked out once. */
export interface CompiledRoute {
  readonly id: string;
  readonly method: RouteDefinition['method'];
  readonly path: string;
  readonly engine: EnginePathTemplate;
  readonly fixedQuery?: ReadonlyMap<string, string>;
  readonly engineMethod?: RouteDefinition['method'];
  /** The route map's fixed engine body, and its JSON text, serialised once. */
  readonly engineBody?: Readonly<Record<string, unknown>>;
  readonly engineBodyText?: string;
  /** The named stages, taken from their registries once. */
  readonly answer?: Answer;
  readonly intercept?: Intercept;
  readonly allow?: RouteDefinition['allow'];
  readonly policy?: Policy;
  /** For the decision log: the policy's name, `allow` or `signed-in`. */
  readonly decidedBy: string;
  readonly bodyKind: BodyKind;
  /** The engine objects its path names, for the audit trail. */
  readonly audited: AuditedObjects;
}

export function compileRoutes(routeMap: RouteMap): readonly CompiledRoute[] {
  return routeMap.routes.map((definition) => {
    const engine = compileEngineTemplate(definition.engine);
    return Object.freeze({
      id: definition.id,
      method: definition.method,
      path: definition.path,
      engine,
      fixedQuery: definition.query ? new Map(Object.entries(definition.query)) : undefined,
      engineMethod: definition.engineMethod,
      engineBody: definition.engineBody,
      engineBodyText: definition.engineBody ? JSON.stringify(definition.engineBody) : undefined,
      answer: definition.answer === undefined ? undefined : stageNamed(answers, definition.answer),
      intercept: definition.intercept === undefined ? undefined : stageNamed(intercepts, definition.intercept),
      allow: definition.allow,
      policy: definition.policy === undefined ? undefined : stageNamed(policies, definition.policy),
      decidedBy: definition.policy ?? (definition.allow ? 'allow' : 'signed-in'),
      bodyKind: bodyKindOf(definition),
      audited: auditedObjectsOf(engine.segments),
    });
  });
}

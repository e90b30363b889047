import type { AnswerName, InterceptName, RouteDefinition, RouteMap } from '../config/routeMap.js';
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
  readonly answer?: AnswerName;
  readonly intercept?: InterceptName;
  readonly allow?: RouteDefinition['allow'];
  readonly policy?: RouteDefinition['policy'];
  readonly bodyKind: BodyKind;
}

export function compileRoutes(routeMap: RouteMap): readonly CompiledRoute[] {
  return routeMap.routes.map((definition) =>
    Object.freeze({
      id: definition.id,
      method: definition.method,
      path: definition.path,
      engine: compileEngineTemplate(definition.engine),
      fixedQuery: definition.query ? new Map(Object.entries(definition.query)) : undefined,
      engineMethod: definition.engineMethod,
      engineBody: definition.engineBody,
      engineBodyText: definition.engineBody ? JSON.stringify(definition.engineBody) : undefined,
      answer: definition.answer,
      intercept: definition.intercept,
      allow: definition.allow,
      policy: definition.policy,
      bodyKind: bodyKindOf(definition),
    }),
  );
}

import { answers } from '../answers/index.js';
import { policies } from '../authz/policies/index.js';
import { checkedRouteMap, readRouteMap, type RouteMap, type RouteVocabulary } from '../config/routeMap.js';
import { intercepts } from '../intercepts/index.js';

export type { PassthroughDefinition, RouteDefinition, RouteMap } from '../config/routeMap.js';

/**
 * The names a route map may use, and what each stage needs of its route, straight from the
 * registries: a policy, intercept or answer added there is known to the route map at once.
 */
export const routeVocabulary: RouteVocabulary = Object.freeze({ policy: policies, intercept: intercepts, answer: answers });

/** Validates a parsed route map against the registries; returns it frozen, with ids filled in. */
export const parseRouteMap = (document: unknown, where?: string): RouteMap => checkedRouteMap(document, routeVocabulary, where);

/** Reads and validates ROUTES_CONFIG. */
export const loadRouteMap = (path: string): RouteMap => readRouteMap(path, routeVocabulary);

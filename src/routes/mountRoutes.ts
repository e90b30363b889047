import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ActionFacts } from '../answers/answer.js';
import { answers } from '../answers/index.js';
import type { Principal } from '../auth/principal.js';
import type { UserDirectory } from '../auth/userDirectory.js';
import { isAllowed } from '../authz/allow.js';
import { createEngineQueries } from '../authz/engineQueries.js';
import { policies, type PolicyName } from '../authz/policies/index.js';
import type { PolicyContext, PolicySettings } from '../authz/policy.js';
import type { EngineConnection } from '../camunda/engineConnection.js';
import { forbidden, ProxyError } from '../http/errors.js';
import type { Logger } from '../http/log.js';
import { intercepts } from '../intercepts/index.js';
import type { EngineCall } from '../proxy/engineProxy.js';
import type { CompiledRoute } from './compile.js';
import { enginePathFor, engineQueryFor } from './enginePath.js';

export interface RouteDeps {
  connection: EngineConnection;
  engineProxy: RequestHandler;
  directory: UserDirectory;
  bodyLimit: string;
  settings: PolicySettings;
  log: Logger;
}

const rawQueryOf = (req: Request) => {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at + 1);
};

// A route with a fixed engine body must not let a client body it did not read follow that body to
// the engine on the same socket; a JSON body was read (and is ignored), anything else is refused.
const refuseUnreadBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  if (hasBody && req.body === undefined) throw new ProxyError(415, 'unsupported_media_type', 'a body on this route must be JSON (Content-Type: application/json)');
  next();
};

/**
 * One express route per entry of the route map, all ending in the same engine proxy:
 * allow rule → body → intercept (validate, type, stamp) → policy → engine.
 */
export function mountRoutes(routes: readonly CompiledRoute[], deps: RouteDeps): Router {
  const router = express.Router({ caseSensitive: true });
  const parseJson = express.json({ limit: deps.bodyLimit, strict: false, type: ['application/json', 'application/*+json'] });
  const { log } = deps;

  for (const route of routes) {
    const intercept = route.intercept ? intercepts[route.intercept] : undefined;
    const answer = route.answer ? answers[route.answer] : undefined;
    const policy = route.policy ? policies[route.policy as PolicyName] : undefined;
    const decidedByPolicy = route.policy ?? (route.allow ? 'allow' : 'signed-in');
    const decided = (principal: Principal, outcome: 'allow' | 'deny', reason?: string) => {
      if (log.level === 'debug') log.debug('authorization', { userId: principal.id, route: route.id, policy: decidedByPolicy, outcome, reason });
    };

    const checkAllow: RequestHandler = (_req, res, next) => {
      res.locals.routeId = route.id;
      const principal = res.locals.principal as Principal;
      if (!isAllowed(principal, route.allow)) {
        decided(principal, 'deny', 'allow rule');
        throw forbidden(`you may not call ${route.id}`);
      }
      next();
    };

    const planEngineCall: RequestHandler = async (req: Request, res: Response, next) => {
      const principal = res.locals.principal as Principal;
      const rawQuery = rawQueryOf(req);
      const params = req.params as Record<string, string>;
      const facts: ActionFacts = {};
      let sent = route.engineBody;
      let call: EngineCall = {
        path: enginePathFor(deps.connection.basePath, route.engine, params) + engineQueryFor(rawQuery, route.fixedQuery),
        ...(route.engineMethod && { method: route.engineMethod }),
        ...(route.engineBodyText !== undefined && { body: route.engineBodyText }),
      };
      if (intercept) {
        const intercepted = await intercept.engineBody(req.body, () => deps.directory.complete(principal));
        if (intercepted.dropped?.length && log.level === 'debug') {
          log.debug('proxy-owned variables left out', { requestId: res.locals.requestId, route: route.id, userId: principal.id, names: intercepted.dropped });
        }
        Object.assign(facts, intercepted.facts);
        sent = intercepted.engineBody;
        // The client's body was read here; without an engine body the engine gets an explicitly empty one.
        call = { ...call, body: sent ? JSON.stringify(sent) : '', successStatus: intercept.successStatus };
      }
      if (policy) {
        const context: PolicyContext = {
          principal,
          params: req.params as Record<string, string>,
          rawQuery,
          body: req.body,
          engine: createEngineQueries(deps.connection, String(res.locals.requestId)),
          basePath: deps.connection.basePath,
          call,
          facts,
        };
        try {
          await policy.apply(context, deps.settings);
        } catch (error) {
          if (error instanceof ProxyError && (error.status === 403 || error.status === 404)) decided(principal, 'deny', error.detail);
          throw error;
        }
        call = context.call;
      }
      if (route.policy || route.allow) decided(principal, 'allow');
      if (answer) {
        call = { ...call, answer: (engineStatus, engineAnswer) => answer.shape({ params, principal, facts, sent, engineStatus, engineAnswer }) };
      }
      res.locals.engineCall = call;
      next();
    };

    const readsBody = intercept !== undefined || policy?.readsBody === true || route.engineBody !== undefined;
    const bodyStages = route.engineBody !== undefined ? [parseJson, refuseUnreadBody] : readsBody ? [parseJson] : [];
    const handlers = [checkAllow, ...bodyStages, planEngineCall, deps.engineProxy];
    router[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](route.path, ...handlers);
  }
  return router;
}

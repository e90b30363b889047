import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ActionFacts } from '../proxy/engineCall.js';
import type { Principal } from '../auth/principal.js';
import type { UserDirectory } from '../auth/userDirectory.js';
import { isAllowed } from '../authz/allow.js';
import { createEngineQueries } from '../engine/engineQueries.js';
import type { PolicyContext, PolicySettings } from '../authz/policy.js';
import type { OwnDefinitions } from '../authz/ownDefinitions.js';
import type { EngineConnection } from '../engine/engineConnection.js';
import { forbidden, ProxyError } from '../http/errors.js';
import type { Logger } from '../http/log.js';
import type { EngineCall } from '../proxy/engineCall.js';
import type { CompiledRoute } from './compile.js';
import { enginePathFor, engineQueryFor } from './enginePath.js';
import { clientPathsFor } from './clientPaths.js';
import { assertClientQuery } from './pagingQuery.js';
import { checkedBody, readWholeBody } from './requestBody.js';
import { signedInUser } from '../auth/clerkSession.js';
import { contextOf } from '../http/requestContext.js';
import { inOrder } from '../http/inOrder.js';
import { isAction, objectsNamed } from '../audit/auditRecord.js';

export interface RouteDeps {
  connection: EngineConnection;
  engineProxy: RequestHandler;
  directory: UserDirectory;
  bodyLimit: string;
  settings: PolicySettings;
  ownDefinitions: OwnDefinitions;
  log: Logger;
}

const rawQueryOf = (req: Request) => {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at + 1);
};

/**
 * One express route per entry of the route map, all ending in the same engine proxy:
 * allow rule → body (read whole, checked) → intercept (validate, type, stamp) → policy → engine.
 */
export function mountRoutes(routes: readonly CompiledRoute[], deps: RouteDeps): Router {
  const router = express.Router({ caseSensitive: true });
  const readBody = readWholeBody(deps.bodyLimit);
  const clientPath = clientPathsFor(routes);
  const { log } = deps;

  for (const route of routes) {
    const { intercept, answer, policy, decidedBy } = route;
    const decided = (principal: Principal, outcome: 'allow' | 'deny', reason?: string) => {
      if (log.level === 'debug') log.debug('authorization', { userId: principal.id, route: route.id, policy: decidedBy, outcome, reason });
    };

    const audited = isAction(route.method) ? route.audited : undefined;
    const checkAllow: RequestHandler = (req, res, next) => {
      const context = contextOf(res);
      context.routeId = route.id;
      if (audited) {
        context.auditObjects = objectsNamed(audited, req.params as Record<string, string>);
        if (audited.created) context.createdName = audited.created;
      }
      const principal = signedInUser(res);
      if (!isAllowed(principal, route.allow)) {
        decided(principal, 'deny', 'allow rule');
        throw forbidden(`you may not call ${route.id}`);
      }
      next();
    };

    const planEngineCall: RequestHandler = async (req: Request, res: Response, next) => {
      const principal = signedInUser(res);
      const rawQuery = rawQueryOf(req);
      assertClientQuery(rawQuery);
      const body = checkedBody(req, route.bodyKind);
      const params = req.params as Record<string, string>;
      const facts: ActionFacts = {};
      let sent = route.engineBody;
      // The engine gets exactly one body, framed by the proxy: the route's fixed body (a client's
      // JSON body is then read, checked and ignored), the client's checked JSON as it is, or what
      // an intercept or policy makes of it below, or none.
      const forwarded = route.engineBodyText ?? body.raw;
      let call: EngineCall = {
        path: enginePathFor(deps.connection.basePath, route.engine, params) + engineQueryFor(rawQuery, route.fixedQuery),
        ...(route.engineMethod && { method: route.engineMethod }),
        ...(forwarded !== undefined && { body: forwarded }),
      };
      if (intercept) {
        const clientVariables = (body.json as { variables?: unknown } | undefined)?.variables;
        if (clientVariables && typeof clientVariables === 'object' && !Array.isArray(clientVariables)) contextOf(res).auditVariables = clientVariables as Record<string, unknown>;
        const intercepted = await intercept.engineBody(body.json, () => deps.directory.complete(principal));
        if (intercepted.dropped?.length && log.level === 'debug') {
          log.debug('proxy-owned variables left out', { requestId: contextOf(res).requestId, route: route.id, userId: principal.id, names: intercepted.dropped });
        }
        Object.assign(facts, intercepted.facts);
        sent = intercepted.engineBody;
        call = { ...call, body: sent ? JSON.stringify(sent) : undefined, successStatus: intercept.successStatus };
      }
      if (policy) {
        const context: PolicyContext = {
          principal,
          method: req.method,
          params,
          rawQuery,
          body: body.json,
          engine: createEngineQueries(deps.connection, contextOf(res), principal.engineIdentity),
          ownDefinitions: deps.ownDefinitions,
          basePath: deps.connection.basePath,
          call,
          facts,
        };
        const refused = (error: unknown) => {
          if (error instanceof ProxyError && (error.status === 403 || error.status === 404)) decided(principal, 'deny', error.detail);
          return error;
        };
        try {
          await policy.apply(context, deps.settings);
        } catch (error) {
          throw refused(error);
        }
        // A policy that asks the engine one question for both access and read (see
        // policies/resourceRead.ts) decides with the engine's answer.
        const decidesWithAnswer = context.call.answer !== call.answer ? context.call.answer : undefined;
        call = context.call;
        if (decidesWithAnswer) {
          call = {
            ...call,
            answer: async (engineStatus, engineAnswer) => {
              try {
                const shaped = await decidesWithAnswer(engineStatus, engineAnswer);
                decided(principal, 'allow');
                return shaped;
              } catch (error) {
                throw refused(error);
              }
            },
          };
        }
      }
      if ((route.policy || route.allow) && !call.answer) decided(principal, 'allow');
      // Only calls that create something get engine links back (a start, a deployment).
      if ((route.engineMethod ?? route.method) !== 'GET') call = { ...call, clientPath };
      if (answer) {
        call = { ...call, answer: (engineStatus, engineAnswer) => answer.shape({ params, principal, facts, sent, engineStatus, engineAnswer }) };
      }
      contextOf(res).engineCall = call;
      next();
    };

    const handler = inOrder(checkAllow, readBody, planEngineCall, deps.engineProxy);
    router[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](route.path, handler);
  }
  return router;
}


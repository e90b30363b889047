import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Principal } from '../auth/principal.js';
import type { UserDirectory } from '../auth/userDirectory.js';
import type { EngineConnection } from '../camunda/engineConnection.js';
import { intercepts } from '../intercepts/index.js';
import type { EngineCall } from '../proxy/engineProxy.js';
import type { CompiledRoute } from './compile.js';
import { enginePathFor, engineQueryFor } from './enginePath.js';

export interface RouteDeps {
  connection: EngineConnection;
  engineProxy: RequestHandler;
  directory: UserDirectory;
  bodyLimit: string;
}

const rawQueryOf = (req: Request) => {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at + 1);
};

/** One express route per entry of the route map, all ending in the same engine proxy. */
export function mountRoutes(routes: readonly CompiledRoute[], deps: RouteDeps): Router {
  const router = express.Router({ caseSensitive: true });
  const parseJson = express.json({ limit: deps.bodyLimit, strict: false, type: ['application/json', 'application/*+json'] });

  for (const route of routes) {
    const intercept = route.intercept ? intercepts[route.intercept] : undefined;
    const nameRoute: RequestHandler = (_req, res, next) => {
      res.locals.routeId = route.id;
      next();
    };
    const planEngineCall: RequestHandler = async (req: Request, res: Response, next) => {
      const call: EngineCall = {
        path: enginePathFor(deps.connection.basePath, route.engine, req.params as Record<string, string>) + engineQueryFor(rawQueryOf(req), route.fixedQuery),
      };
      if (intercept) {
        const principal = res.locals.principal as Principal;
        const body = await intercept.engineBody(req.body, () => deps.directory.complete(principal));
        call.body = JSON.stringify(body);
        call.successStatus = intercept.successStatus;
      }
      res.locals.engineCall = call;
      next();
    };
    const handlers = intercept ? [nameRoute, parseJson, planEngineCall, deps.engineProxy] : [nameRoute, planEngineCall, deps.engineProxy];
    router[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](route.path, ...handlers);
  }
  return router;
}

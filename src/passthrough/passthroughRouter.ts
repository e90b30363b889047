import type { Request, RequestHandler } from 'express';
import { AuthenticationFailed, tokenKind, type Authenticator, type MachineAuthenticator } from '../auth/clerkSession.js';
import { createEngineQueries } from '../engine/engineQueries.js';
import type { EngineConnection } from '../engine/engineConnection.js';
import { forbidden, notFound } from '../http/errors.js';
import type { Logger } from '../http/log.js';
import type { EngineCall } from '../proxy/engineCall.js';
import { bodilessMethods, checkedBody, isJsonBody, jsonOf, readWholeBody } from '../routes/requestBody.js';
import { isAction, objectsNamed } from '../audit/auditRecord.js';
import { enginePathOf, normalisedSegments, type PathPattern } from './pathPattern.js';
import { findRule, mayUse, type Caller, type PassthroughRule } from './passthroughRules.js';
import { pinnedFetchAndLock } from './tenantPin.js';
import { refuseProxyOwnedVariables } from './proxyOwnedVariables.js';
import { contextOf } from '../http/requestContext.js';

export interface PassthroughDeps {
  rules: readonly PassthroughRule[];
  basePath: string;
  sessions: Authenticator;
  machines: MachineAuthenticator;
  engineProxy: RequestHandler;
  /** For the proxy's own question about a pinned worker's external task. */
  connection: EngineConnection;
  bodyLimit: string;
  log: Logger;
  onAuthFailure?: (reason: string) => void;
}

async function callerOf(req: Request, deps: PassthroughDeps): Promise<Caller> {
  const authorization = req.headers.authorization;
  switch (tokenKind(authorization)) {
    case 'opaque':
      throw new AuthenticationFailed('opaque-token', 'opaque machine tokens (mt_…, ak_…) are not accepted; use an M2M token in JWT form');
    case 'machine':
      return { kind: 'machine', machine: await deps.machines.authenticateMachine(authorization) };
    default:
      return { kind: 'user', principal: await deps.sessions.authenticate(authorization) };
  }
}

/**
 * /engine-rest/* for existing Camunda clients: the same path under ENGINE_URL, with the same
 * credential swap and header hygiene, for the paths and callers the route map's `passthrough`
 * section allows. Engine answers, errors included, pass through unchanged, because these clients
 * parse the engine's own `{type, message}`.
 */
/** A matched rule's path parameters, by name. */
function paramsOf(pattern: PathPattern, segments: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  pattern.segments.forEach((segment, index) => {
    if ('param' in segment) params[segment.param] = segments[index]!;
  });
  return params;
}

export function passthroughRouter(deps: PassthroughDeps): RequestHandler {
  const readBody = readWholeBody(deps.bodyLimit);
  return async (req, res, next) => {
    // Every refusal of the proxy's own on /engine-rest also carries Camunda's `type` and `message`.
    contextOf(res).camundaErrorFields = true;
    const url = req.originalUrl;
    const queryAt = url.indexOf('?');
    const rawPath = (queryAt === -1 ? url : url.slice(0, queryAt)).slice('/engine-rest'.length) || '/';
    const segments = normalisedSegments(rawPath);
    const rule = findRule(deps.rules, req.method, segments);
    contextOf(res).routeId = rule?.id ?? 'passthrough';
    if (rule && isAction(req.method)) contextOf(res).auditObjects = objectsNamed(rule.audited, paramsOf(rule.pattern, segments));

    let caller: Caller;
    try {
      caller = await callerOf(req, deps);
    } catch (error) {
      if (error instanceof AuthenticationFailed) deps.onAuthFailure?.(error.reason);
      throw error;
    }
    const context = contextOf(res);
    context.principal = caller.kind === 'user' ? caller.principal : caller.machine;
    const allowed = rule !== undefined && mayUse(rule, caller);
    deps.log.debug('authorization', {
      userId: context.principal.id,
      route: context.routeId,
      policy: 'passthrough',
      outcome: allowed ? 'allow' : 'deny',
    });
    if (!allowed) throw forbidden(rule ? `${caller.kind === 'machine' ? 'this machine' : 'you'} may not call ${rule.id}` : `${req.method} ${rawPath} is not open through the passthrough`);
    const { tenants } = rule.definition;
    const pinsFetch = tenants !== undefined && segments[1] === 'fetchAndLock';
    // A worker pinned to tenants acts only on its tenants' external tasks: one engine question,
    // and another tenant's task is as unknown as one that does not exist.
    if (tenants && !pinsFetch) {
      const engine = createEngineQueries(deps.connection, context, caller.kind === 'user' ? caller.principal.engineIdentity : undefined);
      if ((await engine.countExternalTasks({ externalTaskId: segments[1], tenantIdIn: [...tenants] })) === 0) throw notFound(`external task ${segments[1]} not found`);
    }

    readBody(req, res, (error?: unknown) => {
      if (error) return next(error);
      try {
        // The client's body, whatever its media type, byte for byte, with the proxy's own framing.
        // A tenant-pinned fetchAndLock is the one passthrough body the proxy reads and rewrites.
        const body = checkedBody(req, bodilessMethods.has(req.method) ? 'none' : pinsFetch ? 'json' : 'raw');
        // A JSON body is read to look for the proxy's own variable names, the way the engine will
        // read it (one that is not UTF-8 JSON is refused here: the engine's Jackson would guess at it).
        if (body.raw && !pinsFetch && isJsonBody(req)) refuseProxyOwnedVariables(jsonOf(body.raw, body.contentType!));
        const call: EngineCall = {
          path: `${deps.basePath}${enginePathOf(segments)}${queryAt === -1 ? '' : url.slice(queryAt)}`,
          timeoutMs: rule.timeoutMs,
          passthrough: true,
          // The passthrough mirrors engine-rest, so an engine link becomes the same path under /engine-rest.
          ...(req.method !== 'GET' && { clientPath: (enginePath: string) => `/engine-rest${enginePath}` }),
          ...(pinsFetch
            ? { body: pinnedFetchAndLock(body.json, tenants) }
            : body.raw && { body: body.raw, contentType: body.contentType ?? 'application/octet-stream' }),
        };
        contextOf(res).engineCall = call;
        deps.engineProxy(req, res, next);
      } catch (failure) {
        next(failure);
      }
    });
  };
}

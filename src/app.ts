import { createAuditTrail } from './audit/auditTrail.js';
import { auditRoute } from './handlers/audit.js';
import express, { type Express } from 'express';
import { createClerkAuthenticator, requireSession, signedInUser, type Authenticator, type MachineAuthenticator } from './auth/clerkSession.js';
import { createJwksKeyring } from './auth/jwksKeyring.js';
import { withVerifiedTokenCache } from './auth/verifiedTokenCache.js';
import { claimsOnlyDirectory, createClerkUserDirectory, type UserDirectory } from './auth/userDirectory.js';
import { organisationRequired } from './authz/organisationRequired.js';
import { ownDefinitionsCache } from './authz/ownDefinitions.js';
import { createEngineConnection } from './engine/engineConnection.js';
import type { ProxyConfig } from './config/env.js';
import type { RouteMap } from './config/routeMap.js';
import { deploymentsRouter } from './deployments/deploymentsRoute.js';
import { accessLog } from './http/accessLog.js';
import { renderErrors, unknownRoute } from './http/errors.js';
import { cachedEngineProbe, health, readiness } from './http/health.js';
import { createLogger, type Logger, type LogSink } from './http/log.js';
import { createMetrics, measureRequests, serveMetrics, type ProxyMetrics } from './http/metrics.js';
import { assignRequestId } from './http/requestId.js';
import { inOrder } from './http/inOrder.js';
import { traceRequests } from './http/requestSpan.js';
import { securityHeaders } from './http/securityHeaders.js';
import { crossOrigin } from './http/crossOrigin.js';
import { createCallerLimits, setLimits } from './fairUse/callerLimits.js';
import { rateLimitApiCalls, rateLimitedEngineCalls } from './fairUse/rateLimits.js';
import { createDocsRouter, openApiDocument } from './openapi/index.js';
import { statistics } from './handlers/statistics.js';
import { createEngineProxy } from './proxy/engineProxy.js';
import { compilePassthrough } from './passthrough/passthroughRules.js';
import { passthroughRouter } from './passthrough/passthroughRouter.js';
import { compileRoutes } from './routes/compile.js';
import { refusePathParameters } from './routes/enginePath.js';
import { methodNotAllowed } from './routes/methodNotAllowed.js';
import { mountRoutes } from './routes/mountRoutes.js';
import { contextOf } from './http/requestContext.js';
import type { Tracing } from './tracing/tracing.js';

export interface AppDeps {
  authenticator?: Authenticator;
  machineAuthenticator?: MachineAuthenticator;
  directory?: UserDirectory;
  log?: Logger;
  accessLogSink?: LogSink;
  metrics?: ProxyMetrics;
  /** How /metrics gathers its text; a cluster worker asks the primary for every worker's. */
  collectMetrics?: () => Promise<string>;
  /** From startTracing(config.tracing) when tracing is on; the app shuts it down in close(). */
  tracing?: Tracing;
}

export interface ProxyApp {
  app: Express;
  metrics: ProxyMetrics;
  log: Logger;
  /** Releases the keep-alive sockets to the engine and the rate-limit store's connection; writes what the audit trail still holds; sends the spans still buffered. */
  close(): Promise<void>;
  /** From now on /ready answers 503 `draining`, so load balancers stop sending new work here. */
  startDraining(): void;
}

/** Sessions go through the verified-token cache (unless AUTH_CACHE=off); machines are verified each time. */
function clerkAuthenticators(config: ProxyConfig, log: Logger): { sessions: Authenticator; machines: MachineAuthenticator } {
  const keyring = config.clerk.jwksUrl ? createJwksKeyring({ jwksUrl: config.clerk.jwksUrl, log }) : undefined;
  const clerk = createClerkAuthenticator(config.clerk, { keyring, log, access: config.access });
  const { enabled, maxEntries, maxTtlMs } = config.authCache;
  return { sessions: enabled ? withVerifiedTokenCache(clerk, { maxEntries, maxTtlMs }) : clerk, machines: clerk };
}

function defaultDirectory(config: ProxyConfig, log: Logger): UserDirectory {
  const { secretKey, apiUrl } = config.clerk;
  return secretKey ? createClerkUserDirectory({ apiUrl, secretKey, log }) : claimsOnlyDirectory;
}

/** The request's path through the proxy, in order. */
export function createApp(config: ProxyConfig, routeMap: RouteMap, deps: AppDeps = {}): ProxyApp {
  const log = deps.log ?? createLogger(config.logLevel);
  const connection = createEngineConnection(config.engine);
  const clerk = deps.authenticator && deps.machineAuthenticator ? undefined : clerkAuthenticators(config, log);
  const authenticator = deps.authenticator ?? clerk!.sessions;
  const machineAuthenticator = deps.machineAuthenticator ?? clerk!.machines;
  const directory = deps.directory ?? defaultDirectory(config, log);
  const metrics = deps.metrics ?? createMetrics();
  const engineProxy = createEngineProxy(connection, log, metrics);
  const audit = createAuditTrail(config.audit, { log, metrics, stdout: deps.accessLogSink ?? process.stdout });
  const callerLimits = createCallerLimits(setLimits(config.rateLimits), config.rateLimitStore, { log, registry: metrics.registry });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  // Every request's first stages, in order; one express layer (see http/inOrder.ts).
  app.use(
    inOrder(
      assignRequestId,
      ...(deps.tracing ? [traceRequests(deps.tracing)] : []),
      measureRequests(metrics),
      // The access log is info: at warn and above it is not written, and not built either.
      ...(config.logLevel === 'info' || config.logLevel === 'debug' ? [accessLog(deps.accessLogSink ?? process.stdout)] : []),
      securityHeaders(),
      crossOrigin({
        origin: [...config.corsOrigins],
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        // traceparent too, tracing on or off: a frontend that propagates traces must not fail its
        // preflight when tracing is turned off here (the engine never gets a client's one).
        allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'traceparent'],
        exposedHeaders: ['X-Request-Id'],
        maxAge: 600,
      }),
      // Every action through either front door leaves an audit record, refusals included (a read passes straight on).
      audit.recordActions,
    ),
  );

  // The two front doors first, so that their calls pass as few layers as possible before their
  // route; the open endpoints come after them.
  const countAuthFailure = (reason: string) => metrics.authFailures.inc({ reason });
  const signedIn = requireSession(authenticator, countAuthFailure);
  app.use(
    '/engine-rest',
    passthroughRouter({
      rules: compilePassthrough(routeMap.passthrough),
      basePath: connection.basePath,
      sessions: authenticator,
      machines: machineAuthenticator,
      engineProxy: rateLimitedEngineCalls(callerLimits, engineProxy),
      connection,
      bodyLimit: config.bodyLimit,
      log,
      onAuthFailure: countAuthFailure,
    }),
  );

  app.use('/api', inOrder(refusePathParameters, signedIn, rateLimitApiCalls(callerLimits)));
  app.get('/api/user', async (_req, res) => {
    const principal = await directory.complete(signedInUser(res));
    contextOf(res).routeId = 'user.get';
    const { id, email, name, orgId, orgRole, orgPermissions } = principal;
    res.json({ id, email, name, orgId: orgId ?? null, orgRole: orgRole ?? null, orgPermissions });
  });
  if (config.access.tenancy && config.access.personalAccounts === 'refuse') app.use('/api', organisationRequired);
  const ownDefinitions = ownDefinitionsCache(config.definitionCacheTtlMs);
  app.use('/api/deployments', deploymentsRouter({ connection, limit: config.deploymentLimit, ownDefinitions }));
  app.get('/api/statistics', statistics(connection));
  app.get('/api/audit', auditRoute(audit.store));
  app.use(mountRoutes(compileRoutes(routeMap), { connection, engineProxy, directory, bodyLimit: config.bodyLimit, settings: { processes: routeMap.processes }, ownDefinitions, log }));

  const engineProbe = cachedEngineProbe(connection);
  app.get('/health', health(engineProbe));
  const document = openApiDocument(routeMap);
  app.use(createDocsRouter(document));
  let draining = false;
  app.get('/ready', readiness(engineProbe, () => draining));
  app.get('/metrics', serveMetrics(metrics, config.metricsToken, deps.collectMetrics));

  // Anything else needs a session too, so an unknown path without a token is 401, never a map of what exists.
  app.use(signedIn);
  app.use(methodNotAllowed(document.paths));
  app.use(unknownRoute);
  app.use(renderErrors(log));

  return {
    app,
    metrics,
    log,
    close: async () => {
      connection.agent.destroy();
      callerLimits.close();
      await audit.close();
      await deps.tracing?.shutdown();
    },
    startDraining: () => {
      draining = true;
    },
  };
}

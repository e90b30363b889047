import express, { type RequestHandler, type Router } from 'express';
import type { Principal } from '../auth/principal.js';
import { callEngine, type EngineConnection } from '../engine/engineConnection.js';
import { engineFailure, normaliseEngineError, parseEngineError } from '../engine/engineErrors.js';
import { badRequest, forbidden } from '../http/errors.js';
import { readWholeBody } from '../routes/requestBody.js';
import type { OwnDefinitions } from '../authz/ownDefinitions.js';
import { engineDeploymentForm } from './deploymentForm.js';
import { signedInUser } from '../auth/clerkSession.js';
import { contextOf } from '../http/requestContext.js';

export interface DeploymentsDeps {
  connection: EngineConnection;
  /** Largest upload, e.g. 10mb (DEPLOYMENT_LIMIT). */
  limit: string;
  /** Forgotten for the organisation that deployed, so its next start finds what it just deployed. */
  ownDefinitions: OwnDefinitions;
}

/**
 * Where a caller's deployment goes: an organisation's administrator deploys for the organisation
 * (tenant id = org id); a caller who sees everything (a platform operator, or an administrator
 * with TENANCY=off) deploys shared definitions. Nobody else deploys.
 */
function tenantFor(principal: Principal): { tenantId: string | undefined } {
  if (!principal.isAdmin) throw forbidden('only administrators may deploy processes');
  if (principal.boundary.kind === 'org') return { tenantId: principal.boundary.orgId };
  if (principal.boundary.kind === 'all') return { tenantId: undefined };
  throw forbidden('select an organisation to deploy processes');
}

/**
 * POST /api/deployments: BPMN, DMN and form files, deployed for the caller's organisation. Mounted
 * at its own path (`app.use('/api/deployments', …)`), so other calls never enter this router.
 */
export function deploymentsRouter(deps: DeploymentsDeps): Router {
  const router = express.Router();
  // The same body stage as every route: a declared size above the limit is 413 before reading.
  const readUpload = readWholeBody(deps.limit);

  const authorise: RequestHandler = (req, res, next) => {
    contextOf(res).routeId = 'deployments.create';
    tenantFor(signedInUser(res));
    if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) {
      throw badRequest('send the files as multipart/form-data (Content-Type: multipart/form-data; boundary=…)');
    }
    next();
  };

  const deploy: RequestHandler = async (req, res) => {
    const upload = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (upload.length === 0) throw badRequest('the upload is empty: send BPMN, DMN or form files as multipart/form-data');
    const principal = signedInUser(res);
    const { tenantId } = tenantFor(principal);
    const framed = await engineDeploymentForm(req.headers['content-type']!, upload, { tenantId, source: 'clerk-camunda-proxy' });
    let answer;
    try {
      answer = await callEngine(deps.connection, 'POST', '/deployment/create', { framed, caller: contextOf(res), kind: 'forward', actingAs: principal.engineIdentity });
    } catch (error) {
      throw engineFailure(error);
    }
    contextOf(res).engineStatus = answer.status;
    if (answer.status >= 300) throw normaliseEngineError(answer.status, parseEngineError(answer.body));
    if (tenantId !== undefined) deps.ownDefinitions.forgetOrganisation(tenantId);
    // `links` carry the engine's own base URL, which must never reach a browser.
    const { links: _links, ...deployment } = JSON.parse(answer.body) as Record<string, unknown>;
    if (typeof deployment.id === 'string') Object.assign(contextOf(res), { createdId: deployment.id, createdName: 'deploymentId' });
    res.status(201).json(deployment);
  };

  router.post('/', authorise, readUpload, deploy);
  return router;
}

import express, { type Router } from 'express';
import helmet from 'helmet';
import swaggerUi, { type SwaggerUiOptions } from 'swagger-ui-express';
import type { OpenApiDocument } from './types.js';

const uiOptions: SwaggerUiOptions = {
  customSiteTitle: 'Clerk–Camunda proxy API',
  swaggerOptions: {
    displayOperationId: true,
    // Swagger UI's default asks validator.swagger.io about the document: the docs must work offline.
    validatorUrl: null,
  },
};

/**
 * helmet's default CSP without `upgrade-insecure-requests`: over plain HTTP on any host but
 * localhost, browsers would fetch the page's own scripts and styles over HTTPS and fail. Every
 * asset is relative, so on HTTPS nothing changes. The API routes keep helmet's full default.
 */
const docsContentSecurityPolicy = helmet.contentSecurityPolicy({ directives: { upgradeInsecureRequests: null } });

/** `GET /openapi.json` and the Swagger UI on `/docs/`, both without authentication. */
export function createDocsRouter(document: OpenApiDocument): Router {
  const json = JSON.stringify(document);
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });
  // serveFiles, not serve: `serve` shares one init script per process, so two apps would show one document.
  router.use('/docs', docsContentSecurityPolicy, ...swaggerUi.serveFiles(document, uiOptions));
  router.get('/docs', swaggerUi.setup(document, uiOptions));
  return router;
}

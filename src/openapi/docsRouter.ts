import express, { type Router } from 'express';
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

/** `GET /openapi.json` and the Swagger UI on `/docs/`, both without authentication. */
export function createDocsRouter(document: OpenApiDocument): Router {
  const json = JSON.stringify(document);
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });
  // serveFiles, not serve: `serve` shares one init script per process, so two apps would show one document.
  router.use('/docs', ...swaggerUi.serveFiles(document, uiOptions));
  router.get('/docs', swaggerUi.setup(document, uiOptions));
  return router;
}

export { createDocsRouter } from './docsRouter.js';
export { openApiDocument, type OpenApiOptions } from './document.js';
export type { OpenApiDocument } from './types.js';

/** `:param` names differ between route maps; `/task/:id` and `/task/:taskId` are the same engine resource. */
export const engineResource = (template: string): string => template.replace(/:[A-Za-z][A-Za-z0-9_]*/g, ':');

export const pathParamsOf = (path: string): string[] => [...path.matchAll(/:([A-Za-z][A-Za-z0-9_]*)/g)].map((match) => match[1]!);

/** Express `:param` to OpenAPI `{param}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, '{$1}');

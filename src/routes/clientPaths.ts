import { fillPathTemplate } from '@clerk-camunda-proxy/client/contract';
import type { CompiledRoute } from './compile.js';

/**
 * The proxy's own path for an engine path, e.g. `/process-instance/abc` → `/api/instances/abc`,
 * from the GET routes of the route map (worked out once at start). Engine answers carry
 * `links[].href` with the engine's own URL; clients get this path instead, or no link.
 */
export function clientPathsFor(routes: readonly CompiledRoute[]): (enginePath: string) => string | undefined {
  const reverse = routes
    .filter((route) => route.method === 'GET')
    .map((route) => {
      const names: string[] = [];
      const source = route.engine.segments
        .map((segment) => {
          if ('literal' in segment) return `/${segment.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
          names.push(segment.param);
          return '/([^/]+)';
        })
        .join('');
      return { pattern: new RegExp(`^${source}$`), names, path: route.path };
    });
  return (enginePath) => {
    for (const { pattern, names, path } of reverse) {
      const match = pattern.exec(enginePath);
      if (match) return fillPathTemplate(path, (name) => match[names.indexOf(name) + 1]!);
    }
    return undefined;
  };
}

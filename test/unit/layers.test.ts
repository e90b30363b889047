import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The folders of src/, lowest layer first. A file may import its own folder and any folder of a
 * lower layer, never a higher one, and never a neighbour on its own layer. The request's path
 * through the stages is in app.ts; this is what each layer may lean on.
 */
const layers: readonly (readonly string[])[] = [
  ['config'], // env and the route map: typed, frozen data
  ['tracing'], // what the stages know of tracing (types, startTracing); the OpenTelemetry SDK behind a dynamic import
  ['engine'], // the Camunda engine client: connection, queries, errors, variable typing; no HTTP responses
  ['http'], // the request context, error envelope, request id, logs, metrics, health
  ['audit'], // the audit trail: records of actions, their sinks and stores
  ['auth'], // Clerk session -> Principal
  ['proxy'], // the one engine proxy: runs a planned EngineCall, header hygiene, links, shaped answers
  ['authz'], // allow rules, the organisation boundary, the named policies
  ['intercepts'], // request bodies in: typed variables and stamps
  ['answers'], // engine answers out: the shapes clients read
  ['routes'], // the route map compiled and mounted: match, body, 405
  ['fairUse', 'passthrough', 'deployments', 'handlers'], // the other front doors and the rate limits
  ['openapi'], // the document, derived from everything below
  ['.'], // app.ts (the pipeline) and server.ts (start-up)
];

/** What a layer may never import at all, whatever its rank. */
const foreignTo: Readonly<Record<string, readonly RegExp[]>> = {
  engine: [/^express$/, /^http-proxy-middleware$/, /^@clerk\//],
  tracing: [/^express$/, /^http-proxy-middleware$/, /^@clerk\//],
  http: [/^@clerk\//],
  config: [/^express$/],
};

const src = resolve('src');
const rankOf = new Map(layers.flatMap((folders, rank) => folders.map((folder) => [folder, rank] as const)));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The top folder of src/ a file is in: `authz/policies/task.ts` is in `authz`. */
const folderOf = (path: string): string => {
  const parts = relative(src, path).split('/');
  return parts.length === 1 ? '.' : parts[0]!;
};

const specifiers = (text: string): string[] =>
  [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|declare module '([^']+)'/gm)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? match[4]!,
  );

const files = sourceFiles(src);
const imports = files.flatMap((file) =>
  specifiers(readFileSync(file, 'utf8')).map((specifier) => ({
    file: relative(src, file),
    from: folderOf(file),
    specifier,
    to: specifier.startsWith('.') ? folderOf(resolve(dirname(file), specifier)) : undefined,
  })),
);

describe('the layers of src/', () => {
  it('every folder of src/ has its place in the layers', () => {
    const folders = [...new Set(files.map(folderOf))].sort();
    expect(folders).toEqual([...rankOf.keys()].sort());
  });

  it('finds the imports it checks (the check cannot pass by reading nothing)', () => {
    expect(imports.filter((seen) => seen.to !== undefined).length).toBeGreaterThan(150);
    expect(imports).toContainEqual(expect.objectContaining({ file: 'app.ts', to: 'routes' }));
  });

  it('no file imports a higher layer or a neighbour on its own layer', () => {
    const upward = imports
      .filter((seen) => seen.to !== undefined && seen.to !== seen.from && rankOf.get(seen.to)! >= rankOf.get(seen.from)!)
      .map((seen) => `${seen.file} -> ${seen.specifier}`);
    expect(upward).toEqual([]);
  });

  it('the engine layer knows no HTTP framework and no Clerk; http/ knows no Clerk', () => {
    const foreign = imports
      .filter((seen) => (foreignTo[seen.from] ?? []).some((pattern) => pattern.test(seen.specifier)))
      .map((seen) => `${seen.file} -> ${seen.specifier}`);
    expect(foreign).toEqual([]);
  });
});

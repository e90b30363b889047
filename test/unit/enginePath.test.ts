import { compileEngineTemplate, enginePathFor, engineQueryFor } from '../../src/routes/enginePath.js';
import { ProxyError } from '../../src/http/errors.js';

const slashes = (text: string) => [...text].filter((char) => char === '/').length;

/** The ProxyError thrown by `run`, or a failure if it returned. */
const rejectionOf = (run: () => unknown): ProxyError => {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    return error as ProxyError;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
};

describe('compileEngineTemplate', () => {
  it.each<[string, string, unknown[]]>([
    ['/task', '/task', [{ literal: 'task' }]],
    ['/task/:id', '/task/', [{ literal: 'task' }, { param: 'id' }]],
    ['/task/:id/complete', '/task/', [{ literal: 'task' }, { param: 'id' }, { literal: 'complete' }]],
    [
      '/process-definition/key/:key/start',
      '/process-definition/key/',
      [{ literal: 'process-definition' }, { literal: 'key' }, { param: 'key' }, { literal: 'start' }],
    ],
  ])('compiles %s with the literal prefix %s', (template, prefix, segments) => {
    const compiled = compileEngineTemplate(template);
    expect(compiled.prefix).toBe(prefix);
    expect(compiled.segments).toEqual(segments);
  });
});

describe('enginePathFor', () => {
  it.each<[string, string, Record<string, string>, string]>([
    ['', '/task', {}, '/task'],
    ['/engine-rest', '/task', {}, '/engine-rest/task'],
    ['/engine-rest', '/task/:id/complete', { id: 'abc-123' }, '/engine-rest/task/abc-123/complete'],
    ['/engine-rest', '/process-definition/key/:key/start', { key: 'order' }, '/engine-rest/process-definition/key/order/start'],
    ['/camunda/engine-rest', '/process-instance/:id', { id: 'f00' }, '/camunda/engine-rest/process-instance/f00'],
  ])('fills %s + %s with %j as %s', (basePath, template, params, expected) => {
    expect(enginePathFor(basePath, compileEngineTemplate(template), params)).toBe(expected);
  });

  it('ignores params the template does not use', () => {
    expect(enginePathFor('/engine-rest', compileEngineTemplate('/task/:id'), { id: 'a', other: '../x' })).toBe('/engine-rest/task/a');
  });

  it.each<[string, Record<string, string | undefined>]>([
    ['missing', {}],
    ['undefined', { id: undefined }],
  ])('rejects a %s parameter with 400', (_label, params) => {
    const error = rejectionOf(() => enginePathFor('/engine-rest', compileEngineTemplate('/task/:id'), params));
    expect(error.status).toBe(400);
    expect(error.error).toBe('invalid_request');
  });

  // Values as Express hands them over, i.e. already percent-decoded once.
  const hostile: readonly [string, string][] = [
    ['a dot-dot segment', '..'],
    ['a dot segment', '.'],
    ['an empty value', ''],
    ['a traversal into a sibling resource', '../process-definition'],
    ['a deeper traversal', '../../../admin'],
    ['a slash', 'a/b'],
    ['a leading slash', '/task'],
    ['%2e%2e (the client sent %252e%252e)', '%2e%2e'],
    ['%2e (the client sent %252e)', '%2e'],
    ['.%2e', '.%2e'],
    ['%2F (the client sent %252F)', 'a%2Fb'],
    ['a query', 'a?b=c'],
    ['a fragment', 'a#b'],
    ['a backslash', 'a\\b'],
    ['a backslash traversal', '..\\..\\x'],
    ['a NUL', '\u0000'],
    ['a NUL inside', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['a carriage return and header', 'a\r\nX-Injected: 1'],
    ['DEL', 'a\u007fb'],
    ['a tab', 'a\tb'],
    ['unicode', 'größe'],
    ['a space', 'a b'],
    ['a semicolon matrix parameter', 'a;x=1'],
    ['a percent sign', '100%'],
    ['three dots', '...'],
    ['an encoded-looking plus', 'a+b'],
  ];

  describe.each<[string, string]>([
    ['/engine-rest', '/task/:id/complete'],
    ['/engine-rest', '/process-definition/key/:key/start'],
    ['', '/process-instance/:id'],
    ['/camunda/engine-rest', '/task/:id'],
  ])('with base path %j and template %s', (basePath, templateText) => {
    const template = compileEngineTemplate(templateText);
    const param = /:([A-Za-z0-9_]+)/.exec(templateText)![1]!;

    it.each(hostile)('refuses %s with 400, or keeps it inside one segment of the route', (_label, value) => {
      let path: string;
      try {
        path = enginePathFor(basePath, template, { [param]: value });
      } catch (error) {
        expect(error).toBeInstanceOf(ProxyError);
        expect((error as ProxyError).status).toBe(400);
        expect((error as ProxyError).error).toBe('invalid_request');
        return;
      }
      // (a) still under the route's own literal prefix
      expect(path.startsWith(basePath + template.prefix)).toBe(true);
      // (b) nothing for a URL parser (or the engine's servlet container) to normalise away
      expect(new URL(path, 'http://x').pathname).toBe(path);
      // (c) the value added no segment
      expect(slashes(path)).toBe(slashes(basePath) + slashes(templateText));
      // and the engine decodes it back to exactly what the client meant
      const segment = path.split('/')[slashes(basePath) + template.segments.findIndex((s) => 'param' in s) + 1]!;
      expect(decodeURIComponent(segment)).toBe(value);
    });
  });

  it.each<[string, string]>([
    ['..', 'dot segment'],
    ['.', 'dot segment'],
    ['', 'empty'],
    ['\u0000', 'control'],
    ['a\r\nb', 'control'],
  ])('refuses %j with a 400 that says why', (value, reason) => {
    const error = rejectionOf(() => enginePathFor('/engine-rest', compileEngineTemplate('/task/:id'), { id: value }));
    expect(error.status).toBe(400);
    expect(error.detail).toContain(reason);
    expect(error.detail).toContain("'id'");
  });

  it.each<[string, string, string]>([
    ['a slash', 'a/b', '/engine-rest/task/a%2Fb/complete'],
    ['a traversal', '../process-definition', '/engine-rest/task/..%2Fprocess-definition/complete'],
    ['a decoded %2e%2e', '%2e%2e', '/engine-rest/task/%252e%252e/complete'],
    ['a query', 'a?b=c', '/engine-rest/task/a%3Fb%3Dc/complete'],
    ['a fragment', 'a#b', '/engine-rest/task/a%23b/complete'],
    ['a backslash', 'a\\b', '/engine-rest/task/a%5Cb/complete'],
    ['unicode', 'größe', '/engine-rest/task/gr%C3%B6%C3%9Fe/complete'],
  ])('encodes %s into one segment', (_label, value, expected) => {
    expect(enginePathFor('/engine-rest', compileEngineTemplate('/task/:id/complete'), { id: value })).toBe(expected);
  });

  it('encodes every parameter of a template with two of them', () => {
    const template = compileEngineTemplate('/process-instance/:id/variables/:name');
    const path = enginePathFor('/engine-rest', template, { id: 'i/1', name: '../x' });
    expect(path).toBe('/engine-rest/process-instance/i%2F1/variables/..%2Fx');
    expect(() => enginePathFor('/engine-rest', template, { id: 'i1', name: '..' })).toThrow(ProxyError);
  });
});

describe('engineQueryFor', () => {
  const fixed = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it.each<[string, string]>([
    ['a=1&b=%20x', '?a=1&b=%20x'],
    ['b=+x&a=1', '?b=+x&a=1'],
    ['sortBy=created&sortOrder=desc&firstResult=0&maxResults=10', '?sortBy=created&sortOrder=desc&firstResult=0&maxResults=10'],
    ['name=a%2Bb&name=c', '?name=a%2Bb&name=c'],
    ['flag', '?flag'],
    ['x=%E2%9C%93&y=%zz', '?x=%E2%9C%93&y=%zz'],
    ['', ''],
  ])('passes the client query %j through byte-for-byte when nothing is fixed', (raw, expected) => {
    expect(engineQueryFor(raw, undefined)).toBe(expected);
    expect(engineQueryFor(raw, new Map())).toBe(expected);
  });

  it('lets a fixed parameter win over the client value', () => {
    const query = new URLSearchParams(engineQueryFor('latestVersion=false', fixed({ latestVersion: 'true' })).slice(1));
    expect(query.getAll('latestVersion')).toEqual(['true']);
  });

  it.each<[string, string]>([
    ['sent twice', 'latestVersion=false&latestVersion=false'],
    ['with a percent-encoded name', 'latest%56ersion=false'],
    ['empty', 'latestVersion='],
    ['without a value', 'latestVersion'],
    ['among other parameters', 'a=1&latestVersion=false&b=2'],
  ])('lets a fixed parameter win over the client value %s', (_label, raw) => {
    const query = new URLSearchParams(engineQueryFor(raw, fixed({ latestVersion: 'true' })).slice(1));
    expect(query.getAll('latestVersion')).toEqual(['true']);
  });

  it('adds a fixed parameter the client did not send', () => {
    expect(engineQueryFor('', fixed({ latestVersion: 'true' }))).toBe('?latestVersion=true');
  });

  it('keeps the other client parameters, their values and their order next to a fixed one', () => {
    const raw = 'sortBy=name&name=a%2Bb&latestVersion=false&nameLike=%25x%25&sortOrder=asc&tag=1&tag=2';
    const query = engineQueryFor(raw, fixed({ latestVersion: 'true', deserializeValues: 'false' }));
    expect(query.startsWith('?')).toBe(true);
    const sent = [...new URLSearchParams(query.slice(1))];
    const client = [...new URLSearchParams(raw)].filter(([name]) => name !== 'latestVersion');
    expect(sent.filter(([name]) => name !== 'latestVersion' && name !== 'deserializeValues')).toEqual(client);
    expect(sent).toContainEqual(['latestVersion', 'true']);
    expect(sent).toContainEqual(['deserializeValues', 'false']);
    expect(sent.filter(([name]) => name === 'latestVersion' || name === 'deserializeValues')).toHaveLength(2);
  });
});

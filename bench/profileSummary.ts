/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by group (clerk, express, proxy,
 * our src, node internals, logging, ...), the top self-time functions, and inclusive time of each
 * group. Frames in the esbuild bundle of bench/.build are mapped back to src/ files through the
 * bundle's source map.
 *
 *   node --import tsx bench/profileSummary.ts /tmp/…/CPU.….cpuprofile [requests]
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './lib/children.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SummaryOptions {
  /** Requests served in the window, for µs per request. */
  requests?: number;
  /** Only samples in [fromMicros, toMicros] (CLOCK_MONOTONIC µs, as process.hrtime). */
  fromMicros?: number;
  toMicros?: number;
  top?: number;
}

const groupOfPackage: Record<string, string> = {
  '@clerk/backend': 'clerk',
  '@clerk/shared': 'clerk',
  '@clerk/express': 'clerk',
  'snakecase-keys': 'clerk',
  tslib: 'clerk',
  cookie: 'clerk',
  'http-proxy-middleware': 'proxy: http-proxy-middleware/httpxy',
  httpxy: 'proxy: http-proxy-middleware/httpxy',
  micromatch: 'proxy: http-proxy-middleware/httpxy',
  'is-plain-object': 'proxy: http-proxy-middleware/httpxy',
  morgan: 'logging (morgan + src/http/accessLog, log)',
  'on-headers': 'logging (morgan + src/http/accessLog, log)',
  'basic-auth': 'logging (morgan + src/http/accessLog, log)',
  helmet: 'helmet',
  cors: 'cors',
  'object-assign': 'cors',
  'prom-client': 'metrics: prom-client',
  tdigest: 'metrics: prom-client',
  bintrees: 'metrics: prom-client',
  'lru-cache': 'auth cache: lru-cache',
};

function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  const rest = path.slice(at + '/node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

function nodeInternalGroup(url: string): string {
  const path = url.slice('node:'.length);
  if (path.startsWith('internal/deps/undici')) return 'node: undici (WHATWG Request/Headers)';
  if (path.startsWith('internal/crypto') || path === 'crypto') return 'node: crypto / webcrypto';
  if (/^(_http_|http$|internal\/http)/.test(path)) return 'node: http';
  if (/^(net$|internal\/stream_base_commons|internal\/streams|stream$|internal\/net)/.test(path)) return 'node: net + streams';
  if (/^(internal\/url|url$|querystring|internal\/querystring)/.test(path)) return 'node: url / querystring';
  if (/^(events$|internal\/events)/.test(path)) return 'node: events';
  if (/^(internal\/process\/task_queues|internal\/async_hooks|async_hooks|timers|internal\/timers|internal\/process\/promises)/.test(path)) {
    return 'node: async, promises, timers';
  }
  if (/^(internal\/fs|fs$|internal\/tty|tty$)/.test(path)) return 'node: fs/tty (stdout writes)';
  return `node: other`;
}

/** C++ bindings and V8 builtins (writev, writeLatin1String, JSON.parse, RegExp, …): url-less frames. */
const NATIVE = 'native (C++ bindings, V8 builtins)';

export interface Frame {
  group: string;
  /** Readable location: src/http/accessLog.ts:12, express/lib/response.js:40, node:_http_server, … */
  where: string;
  name: string;
}

function makeClassifier(): (frame: CallFrame) => Frame {
  const maps = new Map<string, SourceMap | null>();
  const sourceMapFor = (file: string): SourceMap | null => {
    if (!maps.has(file)) {
      try {
        maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))));
      } catch {
        maps.set(file, null);
      }
    }
    return maps.get(file)!;
  };
  const cache = new Map<string, Frame>();
  return (frame) => {
    const cacheKey = `${frame.url}|${frame.functionName}|${frame.lineNumber}|${frame.columnNumber}`;
    const hit = cache.get(cacheKey);
    if (hit) return hit;
    const name = frame.functionName || '(anonymous)';
    let result: Frame;
    if (frame.url === '') {
      if (name === '(garbage collector)') result = { group: 'V8: garbage collection', where: '', name };
      else if (name === '(idle)') result = { group: 'idle', where: '', name };
      else if (name === '(program)') result = { group: 'V8: (program) native, compile, IC', where: '', name };
      else if (name === '(root)') result = { group: 'root', where: '', name };
      else result = { group: NATIVE, where: 'native', name };
    } else if (frame.url.startsWith('node:')) {
      result = { group: nodeInternalGroup(frame.url), where: frame.url, name };
    } else {
      const path = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
      const pkg = packageOf(path);
      if (pkg) {
        const at = path.lastIndexOf(`/node_modules/${pkg}/`);
        result = {
          group: groupOfPackage[pkg] ?? (isExpressFamily(pkg) ? 'express (+ router, finalhandler, send, …)' : `other package: ${pkg}`),
          where: `${pkg}/${path.slice(at + `/node_modules/${pkg}/`.length)}:${frame.lineNumber + 1}`,
          name,
        };
      } else if (path.includes('/bench/.build/')) {
        const entry = sourceMapFor(path)?.findEntry(frame.lineNumber, frame.columnNumber);
        const original = entry && 'originalSource' in entry && entry.originalSource ? relative(repoRoot, fileURLToPath(new URL(entry.originalSource, `file://${path}`))) : path;
        const line = entry && 'originalLine' in entry ? entry.originalLine + 1 : frame.lineNumber + 1;
        const group = /^src\/http\/(accessLog|log)\.ts$/.test(original)
          ? 'logging (morgan + src/http/accessLog, log)'
          : original.startsWith('src/')
            ? `our src: ${original.split('/').slice(0, 2).join('/')}/`
            : original.startsWith('bench/')
              ? 'bench entry'
              : `other: ${original}`;
        result = { group, where: `${original}:${line}`, name };
      } else {
        result = { group: `other: ${path}`, where: path, name };
      }
    }
    cache.set(cacheKey, result);
    return result;
  };
}

const expressFamily = new Set([
  'express', 'router', 'path-to-regexp', 'finalhandler', 'send', 'on-finished', 'parseurl', 'qs', 'body-parser', 'raw-body',
  'content-type', 'type-is', 'mime-types', 'mime-db', 'accepts', 'negotiator', 'fresh', 'range-parser', 'debug', 'ms', 'encodeurl',
  'escape-html', 'statuses', 'etag', 'vary', 'proxy-addr', 'forwarded', 'ipaddr.js', 'merge-descriptors', 'cookie-signature',
  'setprototypeof', 'http-errors', 'media-typer', 'is-promise', 'once', 'wrappy', 'ee-first', 'depd', 'content-disposition',
  'serve-static', 'iconv-lite', 'safer-buffer', 'unpipe', 'bytes', 'toidentifier', 'inherits', 'side-channel', 'call-bound',
  'es-errors', 'get-intrinsic', 'function-bind', 'hasown', 'math-intrinsics', 'gopd', 'dunder-proto', 'es-object-atoms',
  'object-inspect', 'side-channel-list', 'side-channel-map', 'side-channel-weakmap', 'call-bind-apply-helpers', 'es-define-property',
  'has-symbols', 'get-proto',
]);
const isExpressFamily = (pkg: string) => expressFamily.has(pkg);

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  /** selfMs: the frame's own group; attributedMs: native frames charged to their nearest JS caller's group. */
  groups: { group: string; selfMs: number; attributedMs: number; inclusiveMs: number }[];
  functions: { name: string; where: string; group: string; selfMs: number }[];
}

export function summariseProfile(file: string, options: SummaryOptions = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const classify = makeClassifier();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const frameOf = new Map(profile.nodes.map((node) => [node.id, classify(node.callFrame)]));

  const self = new Map<string, number>();
  const attributed = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; group: string; selfMs: number }>();
  let windowMs = 0;
  let idleMs = 0;

  let timestamp = profile.startTime;
  const times: number[] = [];
  for (const delta of profile.timeDeltas) {
    timestamp += delta;
    times.push(timestamp);
  }
  for (let i = 0; i < profile.samples.length; i += 1) {
    const at = times[i]!;
    if (options.fromMicros !== undefined && at < options.fromMicros) continue;
    if (options.toMicros !== undefined && at > options.toMicros) continue;
    const ms = ((times[i + 1] ?? at) - at) / 1000;
    const leaf = profile.samples[i]!;
    const frame = frameOf.get(leaf)!;
    windowMs += ms;
    if (frame.group === 'idle') {
      idleMs += ms;
      continue;
    }
    self.set(frame.group, (self.get(frame.group) ?? 0) + ms);
    let owner: number | undefined = leaf;
    while (owner !== undefined && frameOf.get(owner)!.group === NATIVE) owner = parent.get(owner);
    const ownerGroup = owner === undefined || frameOf.get(owner)!.group === 'root' ? NATIVE : frameOf.get(owner)!.group;
    attributed.set(ownerGroup, (attributed.get(ownerGroup) ?? 0) + ms);
    const fnKey = `${frame.name}@${frame.where}`;
    const entry = functions.get(fnKey) ?? { name: frame.name, where: frame.where, group: frame.group, selfMs: 0 };
    entry.selfMs += ms;
    functions.set(fnKey, entry);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const group = frameOf.get(id)!.group;
      if (!seen.has(group)) {
        seen.add(group);
        inclusive.set(group, (inclusive.get(group) ?? 0) + ms);
      }
    }
  }
  return {
    windowMs,
    busyMs: windowMs - idleMs,
    groups: [...new Set([...self.keys(), ...attributed.keys()])]
      .map((group) => ({ group, selfMs: self.get(group) ?? 0, attributedMs: attributed.get(group) ?? 0, inclusiveMs: inclusive.get(group) ?? 0 }))
      .sort((a, b) => b.attributedMs - a.attributedMs),
    functions: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs),
  };
}

export function printProfileSummary(file: string, options: SummaryOptions = {}): void {
  const summary = summariseProfile(file, options);
  const top = options.top ?? 30;
  const share = (ms: number) => `${((100 * ms) / summary.busyMs).toFixed(1)}%`;
  const perRequest = (ms: number) => (options.requests ? ((1000 * ms) / options.requests).toFixed(1) : '-');
  const out: string[] = [
    '',
    `Profile ${file}`,
    `window ${(summary.windowMs / 1000).toFixed(2)} s, busy ${(summary.busyMs / 1000).toFixed(2)} s (${((100 * summary.busyMs) / summary.windowMs).toFixed(0)}% of one core)` +
      (options.requests ? `, ${options.requests} requests: ${perRequest(summary.busyMs)} µs of CPU per request` : ''),
    '',
    'Self time by group. "self + natives" charges url-less native frames (writev, JSON.parse, RegExp, …) to their nearest JS caller.',
    '',
    '| group | self % | self + natives % | self + natives µs/req | inclusive % |',
    '|:--|--:|--:|--:|--:|',
    ...summary.groups.map(
      (g) => `| ${g.group} | ${share(g.selfMs)} | ${share(g.attributedMs)} | ${perRequest(g.attributedMs)} | ${share(g.inclusiveMs)} |`,
    ),
    '',
    `Top ${top} functions by self time`,
    '',
    '| function | where | group | self ms | % of busy |',
    '|:--|:--|:--|--:|--:|',
    ...summary.functions.slice(0, top).map((f) => `| ${f.name} | ${f.where} | ${f.group} | ${f.selfMs.toFixed(0)} | ${share(f.selfMs)} |`),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profileSummary.ts <file.cpuprofile> [requests]\n');
    process.exit(2);
  }
  printProfileSummary(file, { requests: requests ? Number(requests) : undefined });
}

/**
 * nginx (Debian's package) with its own configuration in a temp dir: `nginx -c <file> -p <dir>`,
 * in the foreground as a child process, on loopback ports only. No system service.
 *
 * Each balancer is one `upstream` (round-robin, keep-alive connections to its servers) and one
 * `server` on a free port, with a JSON access log that records the request id and the upstream
 * that answered, so a test can tell which node served which request.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../scripts/engine.js';

export interface Balancer {
  name: string;
  /** host:port of each server, e.g. 127.0.0.1:8001 */
  servers: string[];
  /** Extra directives inside `location /`, e.g. proxy_next_upstream. */
  locationDirectives?: string[];
}

export interface AccessLogLine {
  /** seconds since the epoch, with ms */
  t: number;
  requestId: string;
  method: string;
  uri: string;
  status: number;
  /** "127.0.0.1:8001" or, when nginx tried more than one, "127.0.0.1:8001, 127.0.0.1:8002" */
  upstream: string;
  upstreamStatus: string;
  requestTime: number;
}

export interface RunningNginx {
  /** http://127.0.0.1:PORT for each balancer name */
  urls: Record<string, string>;
  dir: string;
  accessLog(name: string): AccessLogLine[];
  stop(): Promise<void>;
}

function nginxBinary(): string {
  for (const candidate of [process.env.NGINX_BIN, '/usr/sbin/nginx']) if (candidate && existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new Error('nginx is not installed: apt-get install nginx-light (or nginx)');
}

const LOG_FORMAT =
  `log_format topology escape=json '{"t":$msec,"requestId":"$http_x_request_id","method":"$request_method","uri":"$uri",` +
  `"status":$status,"upstream":"$upstream_addr","upstreamStatus":"$upstream_status","requestTime":$request_time}';`;

export async function startNginx(balancers: Balancer[]): Promise<RunningNginx> {
  const bin = nginxBinary();
  const dir = mkdtempSync(join(tmpdir(), 'topology-nginx-'));
  const temp = join(dir, 'temp');
  mkdirSync(temp);
  // As root, nginx's workers run as `nobody` and must be able to write their buffers here.
  chmodSync(dir, 0o755);
  chmodSync(temp, 0o777);
  const ports = await Promise.all(balancers.map(() => freePort()));
  const blocks = balancers.map((b, i) =>
    [
      `  upstream ${b.name} {`,
      ...b.servers.map((s) => `    server ${s} max_fails=1 fail_timeout=10s;`),
      '    keepalive 32;',
      '  }',
      '  server {',
      `    listen 127.0.0.1:${ports[i]};`,
      `    access_log ${join(dir, `${b.name}.access.log`)} topology;`,
      // nginx's own liveness, so waiting for nginx never marks an upstream server as failed
      '    location = /nginx-alive { access_log off; return 204; }',
      '    location / {',
      `      proxy_pass http://${b.name};`,
      // HTTP/1.1 with an empty Connection header: what upstream keep-alive needs.
      '      proxy_http_version 1.1;',
      '      proxy_set_header Connection "";',
      '      proxy_set_header Host $http_host;',
      ...(b.locationDirectives ?? []).map((d) => `      ${d}`),
      '    }',
      '  }',
    ].join('\n'),
  );
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      `  client_body_temp_path ${temp}/body;`,
      `  proxy_temp_path ${temp}/proxy;`,
      `  fastcgi_temp_path ${temp}/fastcgi;`,
      `  uwsgi_temp_path ${temp}/uwsgi;`,
      `  scgi_temp_path ${temp}/scgi;`,
      `  ${LOG_FORMAT}`,
      ...blocks,
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(bin, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const urls = Object.fromEntries(balancers.map((b, i) => [b.name, `http://127.0.0.1:${ports[i]}`]));
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${stderr}${readErrorLog(dir)}`);
    const up = await Promise.all(
      Object.values(urls).map((u) =>
        fetch(`${u}/nginx-alive`, { signal: AbortSignal.timeout(1_000) }).then(
          async (r) => (await r.arrayBuffer(), true),
          () => false,
        ),
      ),
    );
    if (up.every(Boolean)) break;
    if (attempt > 100) throw new Error(`nginx did not answer: ${readErrorLog(dir)}`);
    await sleep(100);
  }

  let stopping: Promise<void> | undefined;
  return {
    urls,
    dir,
    accessLog: (name) =>
      readFileSync(join(dir, `${name}.access.log`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AccessLogLine),
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
        }
        process.off('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function readErrorLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/**
 * `npm run demo`: the whole path on one machine, with no dev mode in the server.
 *
 *   1. builds the proxy if dist/ is stale;
 *   2. uses the engine at ENGINE_URL if one answers there, else starts the real test engine of
 *      ENGINE_FLAVOUR (camunda, the default: Camunda 7.24; operaton: Operaton);
 *   3. makes a throwaway 2048-bit RSA key pair in .demo/;
 *   4. starts the production server (node dist/server.js) with CLERK_JWT_KEY = that public key,
 *      exactly as a deployment with networkless Clerk verification would;
 *   5. mints Clerk-shaped session tokens signed by the throwaway key;
 *   6. prints the tokens and curl commands ready to paste (`--json`: one machine-readable line);
 *   7. Ctrl-C stops everything it started.
 *
 * Options: --port N (proxy, default 8000), --json. Environment: ENGINE_URL, ENGINE_PORT (8080),
 * ENGINE_FLAVOUR (camunda | operaton).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSigningKey, mintSessionToken, privateKeyPem, signingKeyFromPrivatePem, type SessionUser, type SigningKey } from '../test/support/clerkTokens.js';
import { FRONTEND_ORIGIN, serverProcessEnv } from '../test/support/proxyEnv.js';
import { ensurePrerequisites } from './prerequisites.js';
import {
  basicAuth,
  ENGINE_FLAVOURS,
  ENGINE_PASSWORD,
  ENGINE_USER,
  engineAnswers,
  engineFlavourFrom,
  EngineToolingMissing,
  REPO_ROOT,
  startEngine,
  type EngineFlavour,
  type RunningEngine,
} from './engine.js';

const DEMO_DIR = join(REPO_ROOT, '.demo');
const TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;

export const demoUsers = {
  user: { id: 'user_2demoUSERdemoUSERdemoUSER', email: 'dana@example.test', name: 'Dana Demo', firstName: 'Dana', lastName: 'Demo', orgId: 'org_2demoACMEdemoACMEdemoACME', orgSlug: 'acme', orgRole: 'member' },
  manager: { id: 'user_2demoMANAGERdemoMANAGERdem', email: 'mo@example.test', name: 'Mo Manager', orgId: 'org_2demoACMEdemoACMEdemoACME', orgSlug: 'acme', orgRole: 'managers' },
  admin: { id: 'user_2demoADMINdemoADMINdemoADM', email: 'ari@example.test', name: 'Ari Admin', orgId: 'org_2demoACMEdemoACMEdemoACME', orgSlug: 'acme', orgRole: 'admin' },
  // Another customer: the admin of their own organisation, and of nothing else.
  otherAdmin: { id: 'user_2demoGLOBEXdemoGLOBEXdemoG', email: 'gil@globex.test', name: 'Gil Globex', orgId: 'org_2demoGLOBEXdemoGLOBEXdemo', orgSlug: 'globex', orgRole: 'admin' },
} satisfies Record<string, SessionUser>;

export interface DemoSummary {
  proxyUrl: string;
  engineUrl: string;
  engineStartedByDemo: boolean;
  /** What the engine's GET /version answers (7.24.0 for Camunda, 1.0.3 for Operaton). */
  engineVersion: string;
  docsUrl: string;
  tokens: Record<keyof typeof demoUsers, string>;
  users: Record<keyof typeof demoUsers, string>;
  /** The curl steps as one bash script (the same text as printed). */
  script: string;
  pids: { demo: number; proxy: number; engine: number | null };
}

const say = (message: string) => process.stderr.write(`[demo] ${message}\n`);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded(): void {
  const server = join(REPO_ROOT, 'dist', 'server.js');
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'src')), newestMtime(join(REPO_ROOT, 'packages', 'client', 'src')));
  if (existsSync(server) && statSync(server).mtimeMs >= sources) return;
  say('building the proxy (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
}

/** A throwaway key, kept in .demo/ so tokens stay valid across restarts of the demo. */
function demoSigningKey(): SigningKey {
  const file = join(DEMO_DIR, 'signing-key.pem');
  if (existsSync(file)) return signingKeyFromPrivatePem(readFileSync(file, 'utf8'), 'ins_demo');
  const key = createSigningKey('ins_demo');
  mkdirSync(DEMO_DIR, { recursive: true });
  writeFileSync(file, privateKeyPem(key), { mode: 0o600 });
  writeFileSync(join(DEMO_DIR, 'public-key.pem'), key.publicKeyPem);
  return key;
}

async function engineFor(engineUrl: string, enginePort: number, flavour: EngineFlavour): Promise<{ url: string; engine?: RunningEngine }> {
  if (await engineAnswers(engineUrl)) {
    say(`an engine already answers at ${engineUrl}: using it`);
    return { url: engineUrl };
  }
  const prerequisites = ensurePrerequisites('demo');
  prerequisites.lines.forEach((line) => say(line));
  if (!prerequisites.ok) throw new Error(`no engine answers at ${engineUrl}, and starting one needs the tools above`);
  const { product, version } = ENGINE_FLAVOURS[flavour];
  say(`no engine at ${engineUrl}: starting the ${product} ${version} test engine on port ${enginePort} (the first build downloads from Maven Central)…`);
  const engine = await startEngine({ flavour, port: enginePort, progress: say });
  return { url: engine.url, engine };
}

async function engineVersion(engineUrl: string): Promise<string> {
  const res = await fetch(`${engineUrl}/version`, { headers: { authorization: basicAuth(ENGINE_USER, ENGINE_PASSWORD), accept: 'application/json' } });
  return ((await res.json()) as { version: string }).version;
}

function startProxy(port: number, engineUrl: string, key: SigningKey): ChildProcess {
  const proxy = spawn(process.execPath, ['dist/server.js'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    // The demo shows the production defaults, fair use included: the tests' raised limits are unset.
    env: serverProcessEnv(key, engineUrl, {
      PORT: String(port),
      CORS_ORIGINS: FRONTEND_ORIGIN,
      RATE_LIMIT_READS: undefined,
      RATE_LIMIT_WRITES: undefined,
      RATE_LIMIT_PASSTHROUGH: undefined,
    }),
  });
  return proxy;
}

async function waitForProxy(url: string, proxy: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (proxy.exitCode !== null) throw new Error(`the proxy exited (${proxy.exitCode}); is port ${new URL(url).port} free?`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the proxy did not come up');
}

export function curlScript(proxyUrl: string, tokens: DemoSummary['tokens'], users: DemoSummary['users']): string {
  const json = `node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(eval("JSON.parse(s)"+process.argv[1])))'`;
  return [
    `export PROXY=${proxyUrl}`,
    `export TOKEN=${tokens.user}`,
    `export MANAGER_TOKEN=${tokens.manager}`,
    `export ADMIN_TOKEN=${tokens.admin}`,
    `export OTHER_ORG_ADMIN_TOKEN=${tokens.otherAdmin}`,
    '',
    '# list processes',
    'curl -fsS "$PROXY/api/processes" -H "Authorization: Bearer $TOKEN"; echo',
    '# start the order process (201)',
    `INSTANCE_ID=$(curl -fsS -X POST "$PROXY/api/processes/order/start" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d '{"variables":{"customerName":"ACME","amount":1200},"businessKey":"demo-order"}' | ${json} .id)`,
    'echo "started $INSTANCE_ID"',
    '# list my tasks',
    `curl -fsS "$PROXY/api/tasks?assignee=${users.user}" -H "Authorization: Bearer $TOKEN"; echo`,
    `TASK_ID=$(curl -fsS "$PROXY/api/tasks?processInstanceId=$INSTANCE_ID" -H "Authorization: Bearer $TOKEN" | ${json} '[0].id')`,
    '# complete it (200: the task, its instance and who completed it); the order moves on to the managers',
    `curl -fsS -X POST "$PROXY/api/tasks/$TASK_ID/complete" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d '{"variables":{"approved":true}}'; echo`,
    '# the manager sees the approval task',
    'curl -fsS "$PROXY/api/tasks?processInstanceId=$INSTANCE_ID" -H "Authorization: Bearer $MANAGER_TOKEN"; echo',
    "# another organisation's admin sees nothing of acme's work: []",
    'curl -fsS "$PROXY/api/instances" -H "Authorization: Bearer $OTHER_ORG_ADMIN_TOKEN"; echo',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const portArg = argv.indexOf('--port');
  const port = Number(portArg >= 0 ? argv[portArg + 1] : 8000);
  const engineUrl = (process.env.ENGINE_URL ?? `http://127.0.0.1:${process.env.ENGINE_PORT ?? 8080}/engine-rest`).replace(/\/+$/, '');
  const enginePort = Number(process.env.ENGINE_PORT ?? (new URL(engineUrl).port || 8080));
  const flavour = engineFlavourFrom(process.env.ENGINE_FLAVOUR);

  buildIfNeeded();
  const { url: engineRestUrl, engine } = await engineFor(engineUrl, enginePort, flavour);
  const version = await engineVersion(engineRestUrl);
  const key = demoSigningKey();
  const proxyUrl = `http://127.0.0.1:${port}`;
  const proxy = startProxy(port, engineRestUrl, key);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    if (proxy.exitCode === null) {
      proxy.kill('SIGTERM');
      await new Promise((resolve) => proxy.once('exit', resolve));
    }
    await engine?.stop();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  proxy.on('exit', (code) => {
    if (!stopping) {
      say(`the proxy exited unexpectedly (${code})`);
      void stop(1);
    }
  });

  try {
    await waitForProxy(proxyUrl, proxy);
  } catch (error) {
    say((error as Error).message);
    await stop(1);
    return;
  }

  const mint = (user: SessionUser) => mintSessionToken(key, user, { azp: FRONTEND_ORIGIN, expiresInSeconds: TOKEN_LIFETIME_SECONDS });
  const tokens = { user: mint(demoUsers.user), manager: mint(demoUsers.manager), admin: mint(demoUsers.admin), otherAdmin: mint(demoUsers.otherAdmin) };
  const users = { user: demoUsers.user.id, manager: demoUsers.manager.id, admin: demoUsers.admin.id, otherAdmin: demoUsers.otherAdmin.id };
  const script = curlScript(proxyUrl, tokens, users);
  const summary: DemoSummary = {
    proxyUrl,
    engineUrl: engineRestUrl,
    engineStartedByDemo: engine !== undefined,
    engineVersion: version,
    docsUrl: `${proxyUrl}/docs`,
    tokens,
    users,
    script,
    pids: { demo: process.pid, proxy: proxy.pid!, engine: engine?.pid ?? null },
  };

  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(
      [
        '',
        `The proxy is up at ${proxyUrl}, in front of the engine at ${engineRestUrl} (version ${version}${engine ? `, ${ENGINE_FLAVOURS[engine.flavour].product}, started by the demo` : ''}).`,
        `Tokens are Clerk-shaped session tokens signed by a throwaway key in .demo/ and valid for ${TOKEN_LIFETIME_SECONDS / 3600} hours:`,
        `  user    ${users.user}  (Dana Demo, member of acme)`,
        `  manager ${users.manager}  (acme, org role org:managers)`,
        `  admin   ${users.admin}  (acme, org role org:admin)`,
        `  other organisation's admin ${users.otherAdmin}  (globex, org role org:admin: sees nothing of acme)`,
        '',
        'Paste into a shell:',
        '',
        script,
        '',
        `API docs: ${summary.docsUrl}   health: ${proxyUrl}/health`,
        'Ctrl-C stops the proxy and anything the demo started.',
        '',
      ].join('\n'),
    );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof EngineToolingMissing) {
    say(error.message);
  } else {
    say(error instanceof Error ? error.message : String(error));
  }
  process.exit(1);
});

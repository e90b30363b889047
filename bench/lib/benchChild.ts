/**
 * The IPC wiring every floor proxy of the benches shares (bench/bareProxy.ts, expressProxy.ts,
 * expressHop.ts), so each file is only its proxy: the keep-alive timeouts src/server.ts sets,
 * `ready` with the port once listening, `memory` answered, `stop` closes everything and exits
 * (process.exit, not a signal, so --cpu-prof writes its profile), and exit with the parent.
 */
import type { Agent, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export function serveBenchChild(server: Server, agent: Agent): void {
  // As src/server.ts sets them, so idle client connections are not closed under the load.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  if (!server.listening) server.listen(0, '127.0.0.1');
  const ready = () => process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
  if (server.listening) ready();
  else server.once('listening', ready);
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message?.type === 'memory') process.send?.({ type: 'memory', id: message.id, ...process.memoryUsage() });
    if (message?.type === 'stop') {
      server.closeAllConnections();
      agent.destroy();
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 2_000).unref();
    }
  });
  process.on('disconnect', () => process.exit(0));
}

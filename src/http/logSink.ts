// A CommonJS module: its named export is only reachable through the default import under NodeNext.
import sonicBoom from 'sonic-boom';
import type { LogSink } from './log.js';

export interface FlushableLogSink extends LogSink {
  /** Writes what is still buffered before the process exits. */
  flushSync(): void;
}

/**
 * Standard output without blocking the event loop: Node writes to a pipe synchronously on Linux,
 * so a slow log collector would stall every request. Lines are buffered and written
 * asynchronously, coalesced under load.
 */
export function createStdoutSink(): FlushableLogSink {
  const stream = new sonicBoom.SonicBoom({ fd: process.stdout.fd, sync: false });
  return {
    write: (line) => stream.write(line),
    flushSync: () => {
      try {
        stream.flushSync();
      } catch {
        // Nothing buffered, or stdout is gone: nothing left to save.
      }
    },
  };
}

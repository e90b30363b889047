import { EngineError } from '../engine/engineErrors.js';

/**
 * An engine answer read whole, at most `limit` bytes, after the `head` chunks already taken from
 * it. Past the limit, `tooLarge` says why the answer cannot be passed on (an EngineError; the
 * stream is destroyed). Without it the answer is cut at the limit and the rest read and dropped,
 * so the engine socket stays usable: an error answer's first 64 KiB say all there is to say.
 */
export async function readBounded(answer: AsyncIterable<Buffer>, limit: number, tooLarge?: string, head: readonly Buffer[] = []): Promise<Buffer> {
  const chunks = [...head];
  let size = chunks.reduce((total, chunk) => total + chunk.length, 0);
  for await (const chunk of answer) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (tooLarge !== undefined) throw new EngineError('engine_error', tooLarge);
  }
  return Buffer.concat(chunks);
}

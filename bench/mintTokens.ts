/**
 * Token-flood helper, run as a child process (several in parallel): mints `count` distinct, valid
 * Clerk session tokens (distinct `sub` and `sid`) with the shared test minting code and writes
 * them to stdout, one per line.
 * Input (env): BENCH_MINT_KEY_PEM (PKCS#8), BENCH_MINT_KID, BENCH_MINT_FROM, BENCH_MINT_COUNT, BENCH_MINT_TTL (s).
 */
import { mintSessionToken, signingKeyFromPrivatePem, testUsers } from '../test/support/clerkTokens.js';

const key = signingKeyFromPrivatePem(process.env.BENCH_MINT_KEY_PEM ?? '', process.env.BENCH_MINT_KID ?? '');
const from = Number(process.env.BENCH_MINT_FROM ?? 0);
const count = Number(process.env.BENCH_MINT_COUNT ?? 0);
const expiresInSeconds = Number(process.env.BENCH_MINT_TTL ?? 3600);

const batch: string[] = [];
const flush = () => {
  if (batch.length === 0) return;
  process.stdout.write(`${batch.join('\n')}\n`);
  batch.length = 0;
};
for (let i = from; i < from + count; i += 1) {
  const n = String(i).padStart(7, '0');
  batch.push(mintSessionToken(key, { ...testUsers.alice, id: `user_2bench${n}TESTtestTESTte`, email: `bench${n}@example.test` }, { expiresInSeconds }));
  if (batch.length === 1000) flush();
}
flush();

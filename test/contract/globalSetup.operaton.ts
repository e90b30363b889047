import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type ContractEngineModule = typeof import('./contractEngine.js');

// Jest runs each globalSetup file once, however many projects name it: one file per engine.
export default async function globalSetup(): Promise<void> {
  const { startContractEngine } = (await import(pathToFileURL(resolve('test/contract/contractEngine.ts')).href)) as ContractEngineModule;
  await startContractEngine('operaton');
}

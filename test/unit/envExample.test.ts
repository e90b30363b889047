import { readFileSync } from 'node:fs';

// Every variable the proxy reads is documented in .env.example and in the README.
const read = (path: string) => readFileSync(path, 'utf8');
const variablesInCode = [...new Set([...read('src/config/env.ts').matchAll(/^\s+([A-Z][A-Z0-9_]+): /gm)].map((match) => match[1]!))];

it('reads a known set of variables', () => {
  expect(variablesInCode.length).toBeGreaterThan(20);
});

it.each(variablesInCode)('%s is in .env.example and the README', (name) => {
  expect(read('.env.example')).toMatch(new RegExp(`^#?\\s*${name}=`, 'm'));
  expect(read('README.md')).toContain(`\`${name}\``);
});

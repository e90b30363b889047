import { engineDirect, engineUnderTest, onEngine } from '../support/contractHarness.js';

describe(onEngine('the engine under test'), () => {
  it('is the engine and version this project is named after', async () => {
    const answer = await engineDirect<{ version: string }>('GET', '/version');
    expect(answer.status).toBe(200);
    expect(answer.json.version).toBe(engineUnderTest.version);
    expect(expect.getState().currentTestName).toContain(engineUnderTest.label);
  });

  it('deploys the same four BPMN fixtures', async () => {
    const answer = await engineDirect<{ key: string }[]>('GET', '/process-definition?latestVersion=true&withoutTenantId=true');
    expect(answer.status).toBe(200);
    expect(answer.json.map((definition) => definition.key)).toEqual(expect.arrayContaining(['order', 'jsonCheck', 'leaveRequest', 'invoiceWorker']));
  });
});

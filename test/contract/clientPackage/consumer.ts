// A frontend's use of the installed client, compiled by `tsc` in a fresh project and run against
// the demo's proxy. It prints one JSON line of what it saw; clientPackage.test.ts judges it.
import { CamundaProxyError, createCamundaClient, type CamundaClient, type ErrorEnvelope } from '@clerk-camunda-proxy/client';

const [baseUrl, token] = (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2) as [string, string];
const camunda: CamundaClient = createCamundaClient({ baseUrl, getToken: async () => token });

async function failureOf(call: () => Promise<unknown>): Promise<{ typed: boolean; status: number; envelope?: ErrorEnvelope }> {
  try {
    await call();
    return { typed: false, status: -1 };
  } catch (error) {
    return error instanceof CamundaProxyError ? { typed: true, status: error.status, envelope: error.envelope } : { typed: false, status: -1 };
  }
}

const businessKey = `package-${Date.now()}`;
const user = await camunda.getUser();
const processes = await camunda.getProcesses();
const order = await camunda.getProcess('order');
const startForm = await camunda.getStartForm('order');
const started = await camunda.startProcess('order', { customerName: 'ACME', amount: 1200, due: { value: '2026-01-02T03:04:05.000Z', type: 'Date' } }, businessKey);
const instances = await camunda.getInstances({ businessKey });
const instance = await camunda.getInstance(started.id);
const variables = await camunda.getInstanceVariables(started.id);
const [task] = await camunda.getTasks({ processInstanceId: started.id });
if (!task) throw new Error('the started order has no task for its initiator');
const read = await camunda.getTask(task.id);
const taskForm = await camunda.getTaskForm(task.id);
const claimed = await camunda.claimTask(task.id);
const completed = await camunda.completeTask(task.id, { approved: true });
const tasksAfter = await camunda.getTasks({ processInstanceId: started.id, assignee: user.id });

// Unclaim needs a task that is still open: a second order's review task.
const second = await camunda.startProcess('order', { customerName: 'ACME', amount: 5 });
const [secondTask] = await camunda.getTasks({ processInstanceId: second.id });
const unclaimed = await camunda.unclaimTask(secondTask!.id);
const secondAfter = await camunda.getTasks({ processInstanceId: second.id }); // no longer mine, so no longer listed

// The instance page: its diagram, its steps, suspend, activate, delete; and the dashboard.
const xml = await camunda.getProcessXml('order');
const activities = await camunda.getInstanceActivities(second.id);
const history = await camunda.getActivityHistory(second.id);
const suspended = await camunda.suspendInstance(second.id);
const activated = await camunda.activateInstance(second.id);
const statistics = await camunda.getStatistics();
const deleted = await camunda.deleteInstance(second.id, 'no longer needed');

const errors = {
  unknownTask: await failureOf(() => camunda.getTask('no-such-task')),
  noToken: await failureOf(() => createCamundaClient({ baseUrl, getToken: () => null }).getProcesses()),
  noProxy: await failureOf(() => createCamundaClient({ baseUrl: 'http://127.0.0.1:9', getToken: () => token }).getProcesses()),
  // Deploying is for an organisation's administrators; the demo user is a member.
  deployAsMember: await failureOf(() => camunda.deploy([{ name: 'nothing.bpmn', content: '<definitions/>' }])),
  // The audit trail is for an organisation's administrators too.
  auditAsMember: await failureOf(() => camunda.getAuditTrail({ objectId: started.id })),
};

console.log(
  JSON.stringify({
    user: user.id,
    processKeys: processes.map((definition) => definition.key),
    order: order.key,
    startFormKeys: Object.keys(startForm),
    started: { id: started.id, businessKey: started.businessKey },
    instanceIds: instances.map((found) => found.id),
    instance: instance.id,
    variables: Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.type])),
    task: { id: task.id, name: task.name, assignee: task.assignee, read: read.id, formKeys: Object.keys(taskForm) },
    claimed,
    completed,
    tasksAfter: tasksAfter.map((open) => open.name),
    unclaimed,
    secondAfterUnclaim: secondAfter.map((open) => open.name),
    instancePage: {
      xmlId: xml.id,
      hasXml: xml.bpmn20Xml.includes('<bpmn:process id="order"'),
      activityOf: activities.id,
      historyTypes: history.map((step) => step.activityType),
      suspended,
      activated,
      deleted,
    },
    statistics,
    errors,
  }),
);

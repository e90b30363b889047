/**
 * Processes to deploy in a test: start, one step, end. Each is a shared definition unless deployed
 * with a tenant. `key` is the process id.
 */
function oneStepProcess(key: string, step: { tag: string; attributes: string; extensions?: string }, processName?: string): string {
  const extensions = step.extensions ? `<bpmn:extensionElements>${step.extensions}</bpmn:extensionElements>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${key}" targetNamespace="http://local.testengine/tests">
  <bpmn:process id="${key}"${processName ? ` name="${processName}"` : ''} isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="started"><bpmn:outgoing>toWork</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="toWork" sourceRef="started" targetRef="work" />
    <${step.tag} id="work" ${step.attributes}>${extensions}<bpmn:incoming>toWork</bpmn:incoming><bpmn:outgoing>toEnd</bpmn:outgoing></${step.tag}>
    <bpmn:sequenceFlow id="toEnd" sourceRef="work" targetRef="done" />
    <bpmn:endEvent id="done"><bpmn:incoming>toEnd</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
}

/** A user task assigned to the initiator. `owner` names it (e.g. the organisation deploying it), so a deployment is easy to tell apart. */
export function initiatorTaskProcess(key: string, owner: string): string {
  return oneStepProcess(key, { tag: 'bpmn:userTask', attributes: `name="${owner} work" camunda:assignee="\${initiator}"` }, `${owner} own process`);
}

/** An external task on `topic`, for a worker to fetch. */
export function externalTaskProcess(key: string, topic: string): string {
  return oneStepProcess(key, { tag: 'bpmn:serviceTask', attributes: `camunda:type="external" camunda:topic="${topic}"` });
}

/** A call activity that starts `childKey`, passing on `initiator` only. */
export function callingProcess(key: string, childKey: string): string {
  return oneStepProcess(key, { tag: 'bpmn:callActivity', attributes: `calledElement="${childKey}"`, extensions: '<camunda:in source="initiator" target="initiator" />' });
}

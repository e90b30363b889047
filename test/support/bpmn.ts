/**
 * A one-task process to deploy in a test: start, a user task assigned to the initiator, end.
 * `owner` names it (e.g. the organisation deploying it), so a deployment is easy to tell apart.
 */
export function initiatorTaskProcess(key: string, owner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${key}" targetNamespace="http://local.testengine/tests">
  <bpmn:process id="${key}" name="${owner} own process" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="started"><bpmn:outgoing>toWork</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="toWork" sourceRef="started" targetRef="work" />
    <bpmn:userTask id="work" name="${owner} work" camunda:assignee="\${initiator}"><bpmn:incoming>toWork</bpmn:incoming><bpmn:outgoing>toEnd</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="toEnd" sourceRef="work" targetRef="done" />
    <bpmn:endEvent id="done"><bpmn:incoming>toEnd</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
}

import { answers } from '../answers/index.js';
import { stageNamed, type RouteDefinition } from '../config/routeMap.js';
import { intercepts } from '../intercepts/index.js';
import { pathTemplateShape } from '@clerk-camunda-proxy/client/contract';
import { ref } from './schemas.js';
import type { JsonSchema, Response } from './types.js';

const json = (description: string, schema: JsonSchema): Response => ({ description, content: { 'application/json': { schema } } });
const listOf = (name: string): JsonSchema => ({ type: 'array', items: ref(name) });
const noContent = (description: string): Response => ({ description });

type Responses = Record<string, Response>;

// Keyed by `METHOD engine-resource`, so a route added by configuration on one of these engine resources is described too.
const byEngineResource: Readonly<Record<string, Responses>> = {
  'GET /process-definition': { 200: json('Process definitions', listOf('ProcessDefinition')) },
  'GET /process-definition/key/:': { 200: json('The latest version of the process definition', ref('ProcessDefinition')) },
  'GET /process-definition/key/:/form-variables': { 200: json('The start form variables', ref('VariableMap')) },
  'GET /process-instance': { 200: json('Process instances', listOf('ProcessInstance')) },
  'GET /process-instance/:': { 200: json('The process instance', ref('ProcessInstance')) },
  'GET /process-instance/:/variables': { 200: json('The variables, serialized values unparsed', ref('VariableMap')) },
  'GET /task': { 200: json('Tasks', listOf('Task')) },
  'GET /task/:': { 200: json('The task', ref('Task')) },
  'GET /task/:/form-variables': { 200: json('The task form variables', ref('VariableMap')) },
  'GET /task/:/variables': { 200: json('The task variables', ref('VariableMap')) },
  'POST /task/:/claim': { 204: noContent('Claimed for the caller') },
  'POST /task/:/unclaim': { 204: noContent('Unclaimed') },
  'PUT /process-instance/:/suspended': { 204: noContent('Suspended or activated') },
  'GET /process-instance/:/activity-instances': { 200: json('The activity instance tree of the running instance', { type: 'object' }) },
  'GET /history/activity-instance': { 200: json('The activities that ran or are running', { type: 'array', items: { type: 'object' } }) },
  'GET /process-definition/key/:/xml': { 200: json('The BPMN 2.0 XML of the latest version, for bpmn-js', { type: 'object', properties: { id: { type: 'string' }, bpmn20Xml: { type: 'string' } } }) },
};

export function successResponsesFor(route: RouteDefinition): Responses {
  if (route.answer) {
    const answer = stageNamed(answers, route.answer);
    return { [route.intercept === 'startProcess' ? 201 : 200]: json(answer.description, answer.schema) };
  }
  if (route.intercept) {
    const documented = Object.entries(stageNamed(intercepts, route.intercept).successAnswers);
    return Object.fromEntries(documented.map(([status, { description, schema }]) => [status, schema ? json(description, { ...schema }) : noContent(description)]));
  }
  const known = byEngineResource[`${route.engineMethod ?? route.method} ${pathTemplateShape(route.engine)}`];
  if (known) return known;
  const engineAnswer = json("The engine's answer", {});
  return route.method === 'GET' ? { 200: engineAnswer } : { 200: engineAnswer, 204: noContent("The engine's answer, without a body") };
}

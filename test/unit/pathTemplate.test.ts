import { fillPathTemplate, pathTemplateParams, pathTemplateSegments, pathTemplateShape } from '@clerk-camunda-proxy/client/contract';

describe('the :param path template, shared by the route map, routing, passthrough, OpenAPI and the client', () => {
  it.each<[string, ReturnType<typeof pathTemplateSegments>]>([
    ['/api/tasks/:id', [{ literal: 'api' }, { literal: 'tasks' }, { param: 'id' }]],
    ['/process-definition/key/:key/start', [{ literal: 'process-definition' }, { literal: 'key' }, { param: 'key' }, { literal: 'start' }]],
    ['/task', [{ literal: 'task' }]],
    ['', []],
  ])('reads %s segment by segment', (template, segments) => {
    expect(pathTemplateSegments(template)).toEqual(segments);
  });

  it('names the parameters in order', () => {
    expect(pathTemplateParams('/api/instances/:id/variables/:varName')).toEqual(['id', 'varName']);
  });

  it('fills each parameter as a whole segment, so a parameter that is a prefix of another is not confused with it', () => {
    expect(fillPathTemplate('/x/:id/:idx', (name) => name.toUpperCase())).toBe('/x/ID/IDX');
  });

  it('gives routes that differ only in parameter names the same shape', () => {
    expect(pathTemplateShape('/task/:id/complete')).toBe(pathTemplateShape('/task/:taskId/complete'));
    expect(pathTemplateShape('/task/:id/complete')).toBe('/task/:/complete');
  });
});

import type { FramedBody } from '../engine/engineConnection.js';
import { badRequest } from '../http/errors.js';

/** What an organisation may deploy: process models, decision tables and Camunda Forms. */
const deployableResource = /\.(bpmn|bpmn20\.xml|dmn|dmn11\.xml|form)$/i;
const MAX_RESOURCE_NAME = 255;

export interface DeploymentTarget {
  /** The engine tenant id, or undefined for a shared deployment. */
  tenantId: string | undefined;
  /** Recorded as the deployment's source, so operators can tell uploads through the proxy apart. */
  source: string;
}

/**
 * Reads the client's multipart upload and builds the engine's `/deployment/create` form from it:
 * its files and its `deployment-name` (and duplicate-filtering switches), with the proxy's own
 * `tenant-id` and `deployment-source`. Whatever else the client named, a tenant above all, is
 * dropped. Uses the WHATWG Request/Response of Node itself to parse and re-encode.
 */
export async function engineDeploymentForm(contentType: string, upload: Buffer, target: DeploymentTarget): Promise<FramedBody> {
  let received: FormData;
  try {
    received = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Blob([new Uint8Array(upload)]) }).formData();
  } catch {
    throw badRequest('the upload is not a valid multipart/form-data body');
  }
  const sent = new FormData();
  const nameField = received.get('deployment-name');
  sent.set('deployment-name', typeof nameField === 'string' && nameField.trim() ? nameField.trim().slice(0, 255) : 'upload');
  sent.set('deployment-source', target.source);
  if (target.tenantId !== undefined) sent.set('tenant-id', target.tenantId);
  for (const flag of ['enable-duplicate-filtering', 'deploy-changed-only']) {
    if (received.get(flag) === 'true') sent.set(flag, 'true');
  }
  const uploaded: File[] = [];
  received.forEach((value) => {
    if (typeof value !== 'string') uploaded.push(value);
  });
  let files = 0;
  for (const value of uploaded) {
    const name = value.name;
    if (!name || name.length > MAX_RESOURCE_NAME || /[\u0000-\u001f\u007f\\]/.test(name) || !deployableResource.test(name)) {
      throw badRequest(`file '${name}' is not deployable: only .bpmn, .dmn and .form files are accepted`);
    }
    if (value.size === 0) throw badRequest(`file '${name}' is empty`);
    // Each resource is its own part named after the file, as the engine expects.
    sent.append(name, value, name);
    files++;
  }
  if (files === 0) throw badRequest('the upload contains no files: send BPMN, DMN or form files as multipart/form-data');
  const encoded = new Response(sent);
  return { contentType: encoded.headers.get('content-type')!, bytes: new Uint8Array(await encoded.arrayBuffer()) };
}

import type { StaticFile } from './staticSite.js';

/**
 * A frontend in miniature: lists the processes with the client and starts one on a click.
 * The test injects `window.camundaProxy = {baseUrl, token}`; the outcome lands in
 * `document.body.dataset.state` and `window.outcome` for the test to read.
 */
const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Processes</title></head>
<body data-state="loading">
<h1>Processes</h1>
<ul id="processes"></ul>
<p id="started"></p>
<pre id="error"></pre>
<script type="module">
import { createCamundaClient, CamundaProxyError } from './camunda-client.js';

const { baseUrl, token } = window.camundaProxy;
const client = createCamundaClient({ baseUrl, getToken: async () => token });

function report(error) {
  window.outcome = {
    isCamundaProxyError: error instanceof CamundaProxyError,
    name: error.name,
    message: error.message,
    status: error.status,
    envelope: error.envelope,
    cause: error.cause ? { name: error.cause.name, message: error.cause.message } : null,
  };
  document.querySelector('#error').textContent = JSON.stringify(window.outcome, null, 2);
  document.body.dataset.state = 'error';
}

async function start(key) {
  try {
    const instance = await client.startProcess(key, { amount: 1000, customer: 'ACME' }, 'browser-order-1');
    window.outcome = instance;
    document.querySelector('#started').textContent = instance.id;
    document.body.dataset.state = 'started';
  } catch (error) {
    report(error);
  }
}

try {
  for (const definition of await client.getProcesses()) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.textContent = 'Start ' + (definition.name ?? definition.key);
    button.dataset.key = definition.key;
    button.addEventListener('click', () => start(definition.key));
    item.append(button);
    document.querySelector('#processes').append(item);
  }
  document.body.dataset.state = 'listed';
} catch (error) {
  report(error);
}
</script>
</body>
</html>
`;

export const processesPage = (clientBundle: string): Record<string, StaticFile> => ({
  '/': { type: 'text/html; charset=utf-8', body: html },
  '/camunda-client.js': { type: 'text/javascript; charset=utf-8', body: clientBundle },
});

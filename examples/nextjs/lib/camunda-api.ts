'use client';

import { useAuth } from '@clerk/nextjs';
import { useMemo } from 'react';
import { createCamundaClient, type CamundaClient } from '@clerk-camunda-proxy/client';

export { CamundaProxyError } from '@clerk-camunda-proxy/client';

const baseUrl = process.env.NEXT_PUBLIC_CAMUNDA_PROXY_URL ?? 'http://localhost:8000';

/** The proxy's typed client for the signed-in user: each call asks Clerk for a current session token. */
export function useCamundaAPI(): CamundaClient {
  const { getToken } = useAuth();
  return useMemo(() => createCamundaClient({ baseUrl, getToken: () => getToken() }), [getToken]);
}

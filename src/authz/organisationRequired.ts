import type { RequestHandler } from 'express';
import { forbidden } from '../http/errors.js';
import { signedInUser } from '../auth/clerkSession.js';

/** PERSONAL_ACCOUNTS=refuse: a session without an active organisation is sent to pick one. */
export const organisationRequired: RequestHandler = (_req, res, next) => {
  if (signedInUser(res).boundary.kind === 'personal') throw forbidden('select an organisation');
  next();
};

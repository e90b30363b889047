import type { RequestHandler } from 'express';
import type { Principal } from '../auth/principal.js';
import { forbidden } from '../http/errors.js';

/** PERSONAL_ACCOUNTS=refuse: a session without an active organisation is sent to pick one. */
export const organisationRequired: RequestHandler = (_req, res, next) => {
  if ((res.locals.principal as Principal).boundary.kind === 'personal') throw forbidden('select an organisation');
  next();
};

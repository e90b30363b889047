import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Several stages run as one express layer, in the order given, with express's own rules: a stage
 * goes on by calling `next()`, stops the request with `next(error)`, a throw, or a rejected
 * promise, and answers by not calling `next` at all.
 *
 * Express pays for every layer a request passes (its path match, its try/catch, a promise check),
 * and the hot path's fixed stages (request id, metrics, headers, the session, the route's allow
 * rule, body, plan and engine call) were a dozen layers of it. Here they stay one stage each in
 * the code, and cost one layer.
 */
export function inOrder(...stages: readonly RequestHandler[]): RequestHandler {
  if (stages.length === 1) return stages[0]!;
  return (req: Request, res: Response, next: NextFunction) => {
    let at = 0;
    const onward = (error?: unknown) => {
      if (error) return next(error);
      const stage = stages[at++];
      if (stage === undefined) return next();
      try {
        const result = stage(req, res, onward) as unknown;
        if (result instanceof Promise) result.catch((rejection: unknown) => next(rejection ?? new Error('Rejected promise')));
      } catch (error) {
        next(error);
      }
    };
    onward();
  };
}

/**
 * The one error middleware: every failure leaves as `{ code, message, hint? }`
 * with the status from the error table. Anything that is not a PaasError is
 * an INTERNAL error: logged with its details here, never sent to the client.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { PaasError } from '../errors.js';

export type Logger = (message: string) => void;

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const error = toPaasError(err);
    if (error.code === 'INTERNAL') log(`error: ${req.method} ${req.path}: ${describe(err)}`);
    res.status(error.status).json(error.toBody());
  };
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new PaasError('NOT_FOUND', `No route for ${req.method} ${req.path}`, { hint: 'See the API list in the README.' }));
};

/** Maps body-parser and other framework errors to our codes. */
function toPaasError(err: unknown): PaasError {
  if (err instanceof PaasError) return err;
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new PaasError('PAYLOAD_TOO_LARGE', `Request body is larger than the ${limit ?? ''} byte limit`.replace('  ', ' '), {
      hint: 'Send fewer or smaller values per request.',
    });
  }
  if (type === 'entity.parse.failed') {
    return new PaasError('BAD_REQUEST', 'Request body is not valid JSON', { hint: 'Send a JSON object with Content-Type: application/json.' });
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new PaasError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported request encoding', { hint: 'Send UTF-8 JSON.' });
  }
  return new PaasError('INTERNAL', 'Internal server error', { hint: 'The server logged the details; try again or ask an operator.', cause: err });
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}

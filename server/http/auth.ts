/**
 * API authentication with passport: `Authorization: Bearer <token>`.
 * Tokens in query strings are refused outright (they end up in proxy and
 * access logs), and passport-http-bearer's body/query fallbacks are never
 * reached because of that check.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { PaasError } from '../errors.js';
import { verifyToken } from '../auth/tokens.js';
import type { Store } from '../store/store.js';
import type { User as PaasUser } from '../store/types.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport types req.user as Express.User; ours is the store's User
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends PaasUser {}
  }
}

const TOKEN_PARAMS = ['access_token', 'token', 'api_key', 'apikey'];

export interface AuthOptions {
  store: Store;
  now: () => Date;
}

export function createBearerAuth(options: AuthOptions): RequestHandler {
  const passport = new Passport();
  passport.use(new BearerStrategy((token, done) => {
    verifyToken(options.store, token, options.now()).then(
      (verified) => done(null, verified ? verified.user : false),
      (err: unknown) => done(err),
    );
  }));

  return (req: Request, res: Response, next: NextFunction) => {
    if (TOKEN_PARAMS.some((p) => p in req.query)) {
      next(new PaasError('BAD_REQUEST', 'Tokens in the query string are not accepted', {
        hint: 'Send the token in the Authorization header: "Authorization: Bearer <token>".',
      }));
      return;
    }
    if (!req.headers.authorization) {
      next(unauthorized('Authentication required'));
      return;
    }
    passport.authenticate('bearer', { session: false }, (err: unknown, user: PaasUser | false) => {
      if (err) return next(err);
      if (!user) return next(unauthorized('Invalid, expired or revoked token'));
      req.user = user;
      next();
    })(req, res, next);
  };
}

function unauthorized(message: string): PaasError {
  return new PaasError('UNAUTHORIZED', message, { hint: 'Log in with "paas login", or create a new token with "paas tokens:create".' });
}

export function currentUser(req: Request): PaasUser {
  if (!req.user) throw unauthorized('Authentication required');
  return req.user;
}

export function requireAdmin(req: Request): PaasUser {
  const user = currentUser(req);
  if (!user.admin) throw new PaasError('FORBIDDEN', 'This action needs an admin token', { hint: 'Ask an operator of this paas to do it.' });
  return user;
}

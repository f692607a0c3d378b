// Who is calling: a machine token (admin rights), a JWT a host ERP signed, or a staff session cookie.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { assertCsrf } from './csrf.ts';
import type { Session, SessionStore } from './sessions.ts';
import { bearerOf, tokenMatcher } from './tokens.ts';

export type Role = 'admin' | 'staff';

export interface Principal {
  kind: 'token' | 'jwt' | 'session';
  role: Role;
  subject: string;
  /** Set for a cookie session: its id (to end it) and its CSRF token. */
  session?: Pick<Session, 'id' | 'csrf' | 'expiresAt'>;
}

export const SESSION_COOKIE = 'zk_session';

const claimsSchema = z.object({
  sub: z.union([z.string().min(1), z.number()]).transform(String),
  role: z.enum(['staff', 'admin']),
  exp: z.number(),
  jti: z.string().min(1).optional(),
});

export type Claims = z.infer<typeof claimsSchema>;

export class Authenticator {
  private readonly matches: (token: string) => boolean;

  constructor(
    apiTokens: readonly string[],
    private readonly jwtSecret: string,
    readonly sessions: SessionStore,
  ) {
    this.matches = tokenMatcher(apiTokens);
  }

  isApiToken(token: string): boolean {
    return this.matches(token);
  }

  /** Verifies an HS256 JWT (expiry required); throws AppError 401 with the reason. */
  verifyJwt(token: string): Claims {
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.jwtSecret, { algorithms: ['HS256'] });
    } catch (err) {
      const reason = err instanceof jwt.TokenExpiredError ? 'token expired' : 'token invalid or signed with another key';
      throw new AppError(401, 'unauthorized', `Authentication failed: ${reason}`);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new AppError(401, 'unauthorized', 'Authentication failed: token needs sub, role (staff or admin) and exp');
    return claims.data;
  }

  /** A JWT for a program (bench, scripts): accepted as Bearer or socket auth, never as a cookie. */
  signSession(claims: { sub: string; role: Role }, ttlSeconds: number): string {
    return jwt.sign({ sub: claims.sub, role: claims.role }, this.jwtSecret, { algorithm: 'HS256', expiresIn: ttlSeconds });
  }

  /** The caller of a request, undefined without credentials (or an ended session); throws 401 for wrong credentials. */
  async principalOf(req: Request): Promise<Principal | undefined> {
    const bearer = bearerOf(req.headers.authorization);
    if (bearer) {
      if (this.matches(bearer)) return { kind: 'token', role: 'admin', subject: 'api-token' };
      const claims = this.verifyJwt(bearer);
      return { kind: 'jwt', role: claims.role, subject: claims.sub };
    }
    if (req.headers.authorization) throw new AppError(401, 'unauthorized', 'Authorization header must be "Bearer <token>"');
    const cookie = (req as Request & { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
    if (!cookie) return undefined;
    const session = await this.sessions.lookup(cookie);
    if (!session) throw new AppError(401, 'unauthorized', 'Your session has ended: sign in again');
    return { kind: 'session', role: session.role, subject: session.subject, session };
  }

  /**
   * Middleware: any authenticated caller, or only admins; a cookie session that changes state must carry
   * its CSRF token (csrf.ts). Sets res.locals.principal.
   */
  require(role: Role = 'staff'): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const principal = await this.principalOf(req);
      if (!principal) throw new AppError(401, 'unauthorized', 'Missing credentials: send Authorization: Bearer <token>');
      assertCsrf(req, principal);
      if (role === 'admin' && principal.role !== 'admin') throw new AppError(403, 'forbidden', 'This route needs an admin');
      res.locals.principal = principal;
      next();
    };
  }
}

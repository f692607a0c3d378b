// Who is calling: a machine token (admin rights), a JWT a host ERP signed, or a staff session cookie.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { bearerOf, tokenMatcher } from './tokens.ts';

export type Role = 'admin' | 'staff';

export interface Principal {
  kind: 'token' | 'jwt' | 'session';
  role: Role;
  subject: string;
}

export const SESSION_COOKIE = 'zk_session';

const claimsSchema = z.object({
  sub: z.union([z.string().min(1), z.number()]).transform(String),
  role: z.enum(['staff', 'admin']),
  exp: z.number(),
});

export type Claims = z.infer<typeof claimsSchema>;

export class Authenticator {
  private readonly matches: (token: string) => boolean;

  constructor(
    apiTokens: readonly string[],
    private readonly jwtSecret: string,
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

  signSession(claims: { sub: string; role: Role }, ttlSeconds: number): string {
    return jwt.sign({ sub: claims.sub, role: claims.role, typ: 'session' }, this.jwtSecret, {
      algorithm: 'HS256',
      expiresIn: ttlSeconds,
    });
  }

  /** The caller of a request, undefined without credentials; throws 401 for wrong credentials. */
  principalOf(req: Request): Principal | undefined {
    const bearer = bearerOf(req.headers.authorization);
    if (bearer) {
      if (this.matches(bearer)) return { kind: 'token', role: 'admin', subject: 'api-token' };
      const claims = this.verifyJwt(bearer);
      return { kind: 'jwt', role: claims.role, subject: claims.sub };
    }
    if (req.headers.authorization) throw new AppError(401, 'unauthorized', 'Authorization header must be "Bearer <token>"');
    const session = (req as Request & { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
    if (session) {
      const claims = this.verifyJwt(session);
      return { kind: 'session', role: claims.role, subject: claims.sub };
    }
    return undefined;
  }

  /** Middleware: any authenticated caller, or only admins; sets res.locals.principal. */
  require(role: Role = 'staff'): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const principal = this.principalOf(req);
      if (!principal) throw new AppError(401, 'unauthorized', 'Missing credentials: send Authorization: Bearer <token>');
      if (role === 'admin' && principal.role !== 'admin') throw new AppError(403, 'forbidden', 'This route needs an admin');
      res.locals.principal = principal;
      next();
    };
  }
}

// The one table of domain errors → HTTP status and error code. Domain code throws its own error classes
// (no HTTP in them); toHttp (errors.ts) looks them up here, first match wins (subclasses before parents).
// ADDING A DOMAIN ERROR IS ONE LINE: `[YourError, status, 'code'],` below (plus its import). Its message
// becomes the reply's `message`, so write it for the API user.
import { PunchExists } from '../corrections/routes.ts';
import { DatabaseUnavailable } from '../db/open.ts';
import { DeviceNotFound, DeviceRejected, NotAClock } from '../devices/registry.ts';
import { EmployeeExists, EmployeeNotFound, ImportHeaderInvalid } from '../devices/employee-directory.ts';

type ErrorClass = abstract new (...args: any[]) => Error;

export type DomainErrorRule = readonly [ErrorClass, status: number, code: string];

// A function, not a constant: read at the first error, so an import cycle through a domain module never
// meets a class that is not defined yet.
export const domainErrors = (): readonly DomainErrorRule[] => [
  [DatabaseUnavailable, 503, 'unavailable'],
  [DeviceNotFound, 404, 'not_found'],
  [DeviceRejected, 409, 'device_rejected'],
  [NotAClock, 409, 'not_a_clock'],
  [EmployeeNotFound, 404, 'not_found'],
  [EmployeeExists, 409, 'conflict'],
  [ImportHeaderInvalid, 400, 'invalid_request'],
  [PunchExists, 409, 'conflict'],
];

/** Errors of the body parsers (body-parser's `type`) → status and code. */
export const BODY_PARSER_ERRORS: Readonly<Record<string, readonly [status: number, code: string, message: string]>> = {
  'entity.too.large': [413, 'payload_too_large', 'Request body is over the size limit'],
  'entity.parse.failed': [400, 'invalid_json', 'Request body is not valid JSON'],
  'entity.verify.failed': [400, 'invalid_request', 'Request body was refused'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'Content-Encoding is not supported'],
  'charset.unsupported': [415, 'unsupported_charset', 'The body charset is not supported'],
  'parameters.too.many': [413, 'payload_too_large', 'Too many form fields'],
  'request.aborted': [400, 'request_aborted', 'The request body was cut off'],
  'request.size.invalid': [400, 'invalid_request', 'The body length does not match Content-Length'],
};

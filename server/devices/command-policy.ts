// What the admin API may queue, and how each command is retried (protocol.md §6.1, §6.3, §8).

/** Wait for a result this long before re-sending; a query answer can take minutes of ATTLOG uploads. */
export const ANSWER_TIMEOUT_S = 120;
export const QUERY_ANSWER_TIMEOUT_S = 600;
/** First delivery plus three re-sends, then the command is failed. */
export const MAX_DELIVERIES = 4;

export interface DeliveryPolicy {
  maxAttempts: number;
  answerTimeoutS: number;
}

/**
 * Only idempotent commands are re-sent: a REBOOT whose result never came may well have rebooted the
 * clock, and CLEAR/ENROLL/SHELL/upgrade commands must not run twice.
 */
export function deliveryPolicy(command: string): DeliveryPolicy {
  const verb = command.trim().toUpperCase();
  const once = /^(REBOOT|CLEAR|ENROLL_FP|SHELL|PUTFILE|GETFILE|UPGRADE|AC_)/.test(verb);
  return {
    maxAttempts: once ? 1 : MAX_DELIVERIES,
    answerTimeoutS: /^DATA QUERY\b/.test(verb) ? QUERY_ANSWER_TIMEOUT_S : ANSWER_TIMEOUT_S,
  };
}

/**
 * SET_TIME: the 2.x catalogue has no set-time command; the clock sets itself from the Date header of our
 * replies with the TimeZone of its last options read (§8.1), and CHECK makes it re-read them (§8.3).
 * `SET OPTION DateTime=` is in no vendor text we have, and a fixed time re-sent after a timeout is stale.
 */
export const SET_TIME_COMMAND = 'CHECK';

export const NAMED_COMMANDS: Readonly<Record<string, string>> = {
  INFO: 'INFO',
  REBOOT: 'REBOOT',
  CHECK: 'CHECK',
  SET_TIME: SET_TIME_COMMAND,
};

/** The iClock line for an admin's request: a named command, or a raw line sent as written. */
export function commandLineFor(requested: string): string {
  const trimmed = requested.trim();
  return NAMED_COMMANDS[trimmed.toUpperCase()] ?? trimmed;
}

/**
 * The `T` form of a space-form ATTLOG query. The 2.4 text writes `2015-07-29 00:00:00`, PUSH SDK 3.2.0
 * `2015-07-29T00:00:00`; a clock that answers -1 to one form is asked again in the other (§6.3).
 */
export function attlogQueryInTForm(command: string): string | null {
  if (!/^DATA QUERY ATTLOG\b/i.test(command)) return null;
  const spaced = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/g;
  return spaced.test(command) ? command.replace(spaced, '$1T$2') : null;
}

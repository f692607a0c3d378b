// Every /iclock request from a clock or a relay: identify, journal what has a body, then answer.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { API_DEVICE_SN } from '../api/api-devices.ts';
import type { Authenticator } from '../auth/principal.ts';
import { bearerOf } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { CommandQueue } from '../devices/commands.ts';
import { deviceEncoding } from '../devices/device-encoding.ts';
import type { Recovery } from '../devices/recovery.ts';
import type { AddressWatch } from '../devices/address-watch.ts';
import { PendingLimitReached } from '../devices/pending-limit.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import { checkAfterOffsetChange } from '../devices/zone-offset-watch.ts';
import { journalUpload, type IncomingUpload } from '../ingest/journal.ts';
import type { Ingest } from '../ingest/process.ts';
import { commandLines, deviceOptionsReply, uploadAck, uploadReply } from '../protocol/replies.ts';
import { iclockVerb, isHandshake, rawQueryOf, readDeviceQuery, uploadTable, type DeviceQuery } from '../protocol/request.ts';
import { parseInfo } from '../protocol/device-facts.ts';
import { printable, serialProblem } from '../protocol/fields.ts';
import { clientAddress, relayOrigin, relayReceivedAt } from './origin.ts';
import { formatOffset, offsetToTell } from '../devices/clock-offset.ts';
import { localTimeAtOffset } from '../protocol/time.ts';
import { sendDeviceText } from './reply.ts';
import { overLimitReport, receiveBody, UnapprovedJournalQuota, type ReceivedBody } from './unapproved.ts';

export interface IclockDeps {
  config: Config;
  db: Db;
  auth: Authenticator;
  registry: DeviceRegistry;
  commands: CommandQueue;
  recovery: Recovery;
  addresses: AddressWatch;
  ingest: Ingest;
  clock: Clock;
  log: Logger;
}

interface RouteDeps extends IclockDeps {
  quota: UnapprovedJournalQuota;
}

export function iclockRoutes(iclockDeps: IclockDeps): RequestHandler {
  const { clock, log, config } = iclockDeps;
  const deps: RouteDeps = { ...iclockDeps, quota: new UnapprovedJournalQuota(iclockDeps.db, config.unapprovedJournalMaxBytes, clock) };
  const refusePending = pendingRefusal(deps);
  return (req, res, next) => {
    const verb = iclockVerb(req.path);
    if (!verb) return next();
    receiveBody(deps, req, res).then(
      (received) =>
        handle(deps, verb, req, res, received).catch((error: unknown) => {
          if (error instanceof PendingLimitReached) return refusePending(req, res, error);
          // The only failure a device may see: nothing was stored, so it must keep its data and retry.
          log.error({ err: error, path: req.path }, 'iclock request failed; answered 503');
          if (!res.headersSent) sendDeviceText(res, clock, 'ERROR: server cannot store data now', 503);
        }),
      next,
    );
  };
}

async function handle(deps: RouteDeps, verb: string, req: Request, res: Response, received: ReceivedBody): Promise<void> {
  const { clock, registry } = deps;
  const rawQuery = rawQueryOf(req.originalUrl);
  const query = readDeviceQuery(rawQuery);
  const sn = query.get('sn') ?? '';
  const bearer = bearerOf(req.headers.authorization);
  if (req.headers.authorization && !(bearer && deps.auth.isApiToken(bearer))) {
    // Only a relay marks what it forwards; anyone else sending a token is told about the token alone.
    const viaRelay = req.headers['x-relay-received-at'] !== undefined;
    sendDeviceText(res, clock, viaRelay ? 'Unauthorized: wrong relay token' : "Unauthorized: the Bearer token is not one of this receiver's API tokens", 401);
    return;
  }
  const trusted = Boolean(bearer);
  const now = clock.now();
  const { body } = received;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && (body.length > 0 || received.overLimit !== undefined);

  if (!sn) {
    if (hasBody && !(await keepUnapproved(deps, req, res, received, { sn: '', table: journalTable(verb, query), rawQuery, body, trusted, now, outcome: 'ignored' }))) return;
    deps.log.warn({ path: req.path }, 'iclock request without SN');
    sendDeviceText(res, clock, 'OK');
    return;
  }

  // Not a serial a clock has (a NUL, 6,000 characters): final for the relay (400), never a 503 it retries forever.
  const snWrong = serialProblem(sn);
  if (snWrong) {
    deps.log.warn({ path: req.path, reason: snWrong }, 'iclock request refused: implausible SN');
    sendDeviceText(res, clock, `Bad request: ${snWrong}`, 400);
    return;
  }

  const handshake = isHandshake(verb, req.method, query);
  // A token vouches only for the serials its relay is set to forward; any other waits as pending.
  const relay = trusted ? relayOrigin(req) : undefined;
  const vouched = relay?.serials.has(sn) ?? false;
  const { device, promoted, previousContact } = await registry.touch({
    sn,
    at: now,
    trusted: vouched,
    relayName: relay?.name,
    ipAddress: clientAddress(req, trusted),
    handshake,
    facts: handshakeFacts(query),
  });
  const log = deps.log.child({ sn });
  if (relay && !vouched && !previousContact) log.warn({ relay: relay.name }, "a relay forwarded a serial that is not on its list: kept pending");
  const address = await deps.addresses.observe(device, clientAddress(req, trusted), handshake, now);
  if (promoted) {
    const held = await deps.ingest.applyHeld(device);
    log.info({ held }, 'device approved by a relay token; held uploads applied');
  }
  // Back after more than an hour of silence: ask the clock for its log over that window.
  await deps.recovery.afterContact(device, previousContact, now).catch((err: unknown) => log.error({ err }, 'outage recovery not queued'));

  // A clock is told only a zone someone chose, else the offset it shows itself: nothing moves its time.
  const offsetMinutes = offsetToTell(registry.chosenZoneOf(device), device, now);
  if (handshake) {
    const stamps = (device.stamps ?? {}) as Record<string, string>;
    sendDeviceText(res, clock, deviceOptionsReply({ sn, stamps, offsetMinutes }));
    return;
  }
  if (verb === 'cdata' && req.method === 'GET' && query.get('type')?.toLowerCase() === 'time') {
    sendDeviceText(res, clock, offsetMinutes === null ? 'OK' : `Time=${localTimeAtOffset(now, offsetMinutes).replace(' ', 'T')}${formatOffset(offsetMinutes)}`);
    return;
  }
  if (verb === 'getrequest') {
    const info = query.get('info');
    // jsonb holds no NUL: the INFO fields are kept printable.
    if (info) {
      const fields = parseInfo(printable(info));
      await registry.recordInfo(sn, { info: fields }, fields[0]);
    }
    const chosen = registry.chosenZoneOf(device);
    if (chosen) await checkAfterOffsetChange({ commands: deps.commands, log }, device, chosen, now);
    const commands = device.state === 'approved' && address.commandsAllowed ? await deps.commands.take(sn, now) : [];
    // Names in USERINFO commands must reach a Chinese-language clock in its own GB2312.
    sendDeviceText(res, clock, commandLines(commands), 200, deviceEncoding(device.language));
    return;
  }
  if (!hasBody) {
    sendDeviceText(res, clock, 'OK');
    return;
  }

  const table = journalTable(verb, query);
  // Command results from an address nobody confirmed (DEVICE_ADDRESS_PINNING) would mark commands done.
  const resultsRefused = verb === 'devicecmd' && !address.commandsAllowed;
  // The API pseudo-device is approved for API punches only; no clock speaks for it.
  const state = sn === API_DEVICE_SN ? 'rejected' : device.state;
  const outcome = state === 'approved' && !resultsRefused ? 'received' : state === 'pending' ? 'held' : 'ignored';
  const input = { sn, table, rawQuery, body, trusted, now, outcome } as const;
  if (outcome === 'received') {
    const upload = await journal(deps, req, { ...input, leaseUntil: deps.ingest.leaseFrom(now) });
    // Durable from here on: whatever parsing finds, the device is told its data arrived; a failed apply is retried.
    await deps.ingest.applyJournaled(upload, device);
  } else if (!(await keepUnapproved(deps, req, res, received, input))) return;

  if (verb === 'registry') {
    const code = createHash('sha256').update(sn).digest('hex').slice(0, 16);
    sendDeviceText(res, clock, `RegistryCode=${code}`);
    return;
  }
  const ack = received.overLimit ? uploadAck(table, received.overLimit.lines) : uploadReply(table, body);
  sendDeviceText(res, clock, verb === 'cdata' ? ack : 'OK');
}

/** An unapproved clock's upload, within the quota (else answered 503); over the size limit only a note of it is kept. */
async function keepUnapproved(deps: RouteDeps, req: Request, res: Response, received: ReceivedBody, input: JournalInput): Promise<boolean> {
  const log = deps.log.child({ sn: input.sn, table: input.table });
  if (!input.trusted && !(await deps.quota.admit(input.body.length))) {
    log.warn('journal of unapproved clocks is full (UNAPPROVED_JOURNAL_MAX_MB); upload answered 503');
    sendDeviceText(res, deps.clock, 'ERROR: journal for clocks not approved is full', 503);
    return false;
  }
  const upload = await journal(deps, req, { ...input, report: received.overLimit && overLimitReport(received.overLimit) });
  if (received.overLimit) log.warn({ uploadId: String(upload.id), ...received.overLimit }, 'upload from a clock that is not approved is over the size limit; not kept');
  else log.info({ outcome: input.outcome, uploadId: String(upload.id) }, 'upload journaled for a device that is not approved');
  return true;
}

/** The table as the journal can hold it: an odd name is kept (printable, bounded), never a reason to refuse the upload. */
function journalTable(verb: string, query: DeviceQuery): string {
  return printable(uploadTable(verb, query)).slice(0, 64);
}

/** 503 for a serial past the pending limits, logged at most once a minute (a flood must not flood the log). */
function pendingRefusal(deps: IclockDeps): (req: Request, res: Response, error: PendingLimitReached) => void {
  let lastWarning = 0;
  let refused = 0;
  return (req, res, error) => {
    refused++;
    const now = deps.clock.now().getTime();
    if (now - lastWarning >= 60_000) {
      lastWarning = now;
      deps.log.warn({ path: req.path, reason: error.message, refused_so_far: refused }, 'new serial refused: too many clocks waiting for approval');
    }
    sendDeviceText(res, deps.clock, 'ERROR: too many clocks waiting for approval, try later', 503);
  };
}

function handshakeFacts(query: DeviceQuery) {
  // What the database could not hold (a NUL) is dropped: a fact, not worth refusing the handshake for.
  const fact = (name: string) => {
    const value = query.get(name);
    return value && printable(value) === value ? value.slice(0, 64) : undefined;
  };
  return { pushVersion: fact('pushver'), language: fact('language'), deviceType: fact('devicetype') };
}

interface JournalInput {
  sn: string;
  table: string;
  rawQuery: string;
  body: Buffer;
  trusted: boolean;
  now: Date;
  outcome: 'received' | 'held' | 'ignored';
  leaseUntil?: Date | undefined;
  report?: IncomingUpload['report'];
}

function journal(deps: IclockDeps, req: Request, input: JournalInput) {
  return journalUpload(deps.db, {
    sn: input.sn,
    table: input.table,
    method: req.method,
    path: req.path,
    query: input.rawQuery,
    body: input.body,
    via: input.trusted ? 'relay' : 'device',
    remoteAddr: clientAddress(req, input.trusted),
    receivedAt: input.trusted ? relayReceivedAt(req, input.now) : input.now,
    outcome: input.outcome,
    ...(input.leaseUntil ? { leaseUntil: input.leaseUntil } : {}),
    report: input.report,
  });
}

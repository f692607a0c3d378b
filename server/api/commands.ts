// Admin routes for a clock's commands: queue one, read its outcome, recover punches over a time range.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, recordAudit } from '../audit/audit-log.ts';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Command, Device } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { commandLineFor } from '../devices/command-policy.ts';
import type { CommandQueue } from '../devices/commands.ts';
import { isAttlogQuery, type Recovery } from '../devices/recovery.ts';
import { DeviceNotFound, DeviceRejected, NotAClock } from '../devices/registry.ts';
import { API_DEVICE_SN } from './api-devices.ts';
import { AppError } from '../http/errors.ts';
import { normaliseLocalTime } from '../protocol/time.ts';

export interface CommandRouteDeps {
  db: Db;
  auth: Authenticator;
  commands: CommandQueue;
  recovery: Recovery;
  clock: Clock;
}

const commandSchema = z.strictObject({
  command: z
    .string()
    .trim()
    .min(1, 'must be INFO, REBOOT, CHECK, SET_TIME or an iClock command line')
    .max(4000)
    // A line break would smuggle a second C:<id>: line into the clock's reply; TAB separates a command's fields.
    .refine((line) => !/[\r\n]/.test(line), 'must be one line')
    .refine((line) => !/[\x00-\x08\x0b-\x1f\x7f]/.test(line), 'must not contain control characters other than TAB'),
});

/** Device-local time `YYYY-MM-DD HH:MM:SS` (or `T`), or a bare date: the whole day from or to it. */
export const deviceLocalTime = (endOfDay: boolean) =>
  z.string().transform((text, ctx) => {
    const value = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()} ${endOfDay ? '23:59:59' : '00:00:00'}` : text;
    const normalised = normaliseLocalTime(value);
    if (!normalised) {
      ctx.addIssue({ code: 'custom', message: 'must be a device-local time YYYY-MM-DD HH:MM:SS or a date YYYY-MM-DD' });
      return z.NEVER;
    }
    return normalised;
  });

const recoverSchema = z
  .strictObject({ from: deviceLocalTime(false), to: deviceLocalTime(true) })
  .refine((range) => range.from <= range.to, { message: 'must not be before from', path: ['to'] });

const listSchema = z.object({
  status: z.enum(['queued', 'sent', 'done', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function commandJson(command: Command, recovered?: Awaited<ReturnType<Recovery['countFor']>>) {
  return {
    id: command.id,
    command: command.command,
    status: command.status,
    return_code: command.returnCode,
    result: command.result,
    attempts: command.attempts,
    created_at: command.createdAt.toISOString(),
    sent_at: command.sentAt?.toISOString() ?? null,
    done_at: command.doneAt?.toISOString() ?? null,
    ...(recovered ? { recovered: recovered.recovered, returned_lines: recovered.lines, answer_uploads: recovered.uploads } : {}),
  };
}

export function commandRoutes(deps: CommandRouteDeps): Router {
  const router = Router();
  const admin = deps.auth.require('admin');

  const deviceOf = async (sn: string): Promise<Device> => {
    const device = await deps.db.device.findUnique({ where: { sn } });
    if (!device) throw new DeviceNotFound(sn);
    return device;
  };
  /** Pending devices may have commands waiting for their approval; a rejected one, or the API's pseudo-device, never polls. */
  const commandable = async (sn: string): Promise<Device> => {
    const device = await deviceOf(sn);
    if (device.sn === API_DEVICE_SN) throw new NotAClock(sn);
    if (device.state === 'rejected') throw new DeviceRejected(sn);
    return device;
  };

  router.post('/zkteco/api/devices/:sn/commands', admin, async (req, res) => {
    const device = await commandable(String(req.params.sn));
    const { command } = commandSchema.parse(req.body ?? {});
    const queued = await deps.commands.enqueue(device.sn, commandLineFor(command));
    await recordAudit(deps.db, actorOf(res), { action: 'command.create', entity: 'command', entityId: String(queued.id), after: { device_sn: device.sn, command: queued.command } });
    res.status(201).json({ id: queued.id, status: queued.status, command: queued.command });
  });

  router.get('/zkteco/api/devices/:sn/commands', admin, async (req, res) => {
    const device = await deviceOf(String(req.params.sn));
    const { status, limit } = listSchema.parse(req.query);
    await deps.commands.expireUnanswered(device.sn, deps.clock.now());
    const commands = await deps.db.command.findMany({
      where: { deviceSn: device.sn, ...(status ? { status } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
    });
    res.json({ items: commands.map((c) => commandJson(c)) });
  });

  router.get('/zkteco/api/devices/:sn/commands/:id', admin, async (req, res) => {
    const device = await deviceOf(String(req.params.sn));
    const id = String(req.params.id);
    const command = /^\d{1,9}$/.test(id) ? await deps.commands.find(device.sn, Number(id), deps.clock.now()) : null;
    if (!command) throw new AppError(404, 'not_found', `Unknown command ${id} for device ${device.sn}`);
    const recovered = isAttlogQuery(command.command) ? await deps.recovery.countFor(device.sn, command.id) : undefined;
    res.json(commandJson(command, recovered));
  });

  router.post('/zkteco/api/devices/:sn/recover', admin, async (req, res) => {
    const device = await commandable(String(req.params.sn));
    const { from, to } = recoverSchema.parse(req.body ?? {});
    const command = await deps.recovery.request(device.sn, from, to);
    await recordAudit(deps.db, actorOf(res), { action: 'command.recover', entity: 'command', entityId: String(command.id), after: { device_sn: device.sn, command: command.command, from, to } });
    res.status(202).json({ command_id: command.id, status: command.status, command: command.command });
  });

  return router;
}

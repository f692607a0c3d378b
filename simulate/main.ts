// `npm run simulate`: one simulated clock against a receiver or relay, with a short human summary.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { SimulatedClock, TokenRefused, UploadFailed, type UploadReport } from './clock.ts';
import { ClockMemory } from './memory.ts';
import { makePunches, makeUsers } from './records.ts';
import { readSimulateArgs, USAGE, type SimulateArgs } from './args.ts';

function sent(what: string, r: UploadReport): string {
  const retries = r.attempts > r.uploads ? `, ${r.attempts - r.uploads} retried` : '';
  const mismatch = r.mismatches ? ` (${r.mismatches} with a wrong count!)` : '';
  return `${r.lines} ${what} sent in ${r.uploads} upload${r.uploads === 1 ? '' : 's'}, acknowledged OK:${r.acknowledged}${mismatch}${retries}`;
}

async function run(args: SimulateArgs): Promise<void> {
  const memory = new ClockMemory(args.stateFile);
  const clock = new SimulatedClock({
    url: args.url, sn: args.sn, token: args.token, batch: args.batch, memory,
    retry: { attempts: args.attempts, delayMs: args.retryDelaySeconds * 1000 },
  });
  // A clock keeps its users across runs (--state); new ones are enrolled only when asked for more.
  if (memory.users.size < args.users) clock.enroll(makeUsers(args.users).slice(memory.users.size));
  const parts: string[] = [];
  const options = await clock.handshake();
  parts.push(options.TimeZone === undefined ? 'handshake answered without options' : `handshake ok (TimeZone=${options.TimeZone}, Delay=${options.Delay})`);
  if (args.names && memory.users.size > 0) parts.push(sent('users', await clock.uploadUsers()));
  const punches = args.punches > 0
    ? makePunches({ pins: [...memory.users.keys()], count: args.punches, timeZone: args.timeZone, spacingSeconds: args.spacingSeconds })
    : [];
  const backlog = memory.unsent().length;
  const report = await clock.uploadPunches(punches);
  if (report.uploads > 0) parts.push(sent(backlog ? `punches (${backlog} from an earlier run)` : 'punches', report));
  console.log(`${args.sn} → ${args.url}: ${parts.join(', ')}`);
  // A receiver acknowledges a pending clock too (so it stops resending) but counts nothing until approval.
  if (args.token) console.log(`(sent a Bearer token from ${args.tokenSource}, as a relay does: that approves ${args.sn}; --no-token acts as a bare clock)`);
  if (report.uploads > 0 && !args.token) {
    console.log(`(not listed? a receiver counts a clock's punches once it is approved: approve it on the Clocks page, /employees/admin/clocks, or DEVICE_SERIALS=${args.sn}, or POST /zkteco/api/devices/${args.sn}/approve)`);
  }

  if (args.pollSeconds > 0) {
    console.log(`polling getrequest for ${args.pollSeconds} s (every ${options.Delay ?? 10} s); Ctrl-C to stop`);
    const handled = await clock.poll(args.pollSeconds, {
      answers(answers) {
        for (const a of answers) console.log(`  C:${a.command.id}:${a.command.command.split('\t')[0]} → Return=${a.returnCode}${a.uploads.length ? ` (${a.uploads.length} upload${a.uploads.length === 1 ? '' : 's'})` : ''}`);
      },
      error: (err) => console.error(`  poll failed, trying again at the next heartbeat: ${err.message}`),
    });
    console.log(`${args.sn}: ${handled} command${handled === 1 ? '' : 's'} answered; ${memory.users.size} users, ${memory.log.length} punches in its log`);
  }
}

let args: SimulateArgs;
try {
  // The local receiver's settings, as `npm start` reads them: the environment, then ./.env.
  const dotenv = existsSync('.env') ? parseDotenv(readFileSync('.env')) : {};
  args = readSimulateArgs(process.argv.slice(2), { env: process.env, dotenv });
} catch (err) {
  console.error(`simulate: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
run(args).catch((err: unknown) => {
  const message = (err as Error).message;
  console.error(`${args.sn} → ${args.url}: ${message}`);
  if (err instanceof TokenRefused) {
    console.error(`The receiver refused the Bearer token sent (from ${args.tokenSource}): pass one of its tokens with --token, or --no-token to act as a bare clock.`);
  }
  if (/ECONNREFUSED/.test(message)) console.error('Nothing answers at that address: is the receiver running (npm start) or the relay (npm run relay)?');
  if (err instanceof UploadFailed) console.error('The clock keeps these punches' + (args.stateFile ? ` in ${args.stateFile}` : '') + ' and would send them again.');
  process.exit(1);
});

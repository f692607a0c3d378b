// What the relay takes in and from whom: set-aside entries do not fill the queue's cap, 3.x registration is
// passed through, uploads read at once are capped, and the status page stays on the shop PC.
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptAll, attlogBatch, cleanUp, clockRequest, freePort, spawnRelay, startUpstream, tempDir, waitFor } from './harness.ts';

afterEach(cleanUp);
const SN = 'INTAKE0001';

/** Sends the head of an upload and part of its body, and holds the socket open (a slow clock). */
function slowUpload(url: string, declaredBytes: number): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`POST /iclock/cdata?SN=${SN}&table=ATTPHOTO HTTP/1.1\r\nHost: x\r\nContent-Length: ${declaredBytes}\r\n\r\n`);
      socket.write(Buffer.alloc(1024, 7), () => resolve(socket));
    });
    socket.on('error', reject);
  });
}

/** Sends only the head of an upload and reads the answer: a refusal comes before any body byte. */
function answerToHead(url: string, declaredBytes: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`POST /iclock/cdata?SN=${SN}&table=ATTPHOTO HTTP/1.1\r\nHost: x\r\nContent-Length: ${declaredBytes}\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

describe('relay intake', () => {
  it('entries the receiver refuses are set aside without counting against RELAY_QUEUE_MAX_MB', async () => {
    const upstream = await startUpstream(() => ({ status: 400, body: 'bad request' }));
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('aside'), env: { RELAY_QUEUE_MAX_MB: '0.01' } }); // ~10 KB
    for (let i = 0; i < 20; i++) {
      // ~1.4 KB each: 28 KB in all, nearly three times the cap, all refused by the receiver.
      const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=${i}`, attlogBatch(i, 40).body);
      expect(reply.status, `upload ${i}`).toBe(200);
      await waitFor('set aside', async () => (await relay.status()).rejected.count === i + 1);
    }
    const status = await relay.status();
    expect(status.queue_bytes).toBe(0);
    expect(status.refused_uploads.count).toBe(0);
  }, 60_000);

  it("passes a 3.x clock's registry exchange through: the receiver's RegistryCode, never a bare OK", async () => {
    const upstream = await startUpstream((r) =>
      r.path === '/iclock/registry' ? { status: 200, body: 'RegistryCode=3f1c0a9b77d2e4c1' } : r.path === '/iclock/push' ? { status: 200, body: 'ServerVersion=3.0.1\nSessionID=abc\n' } : acceptAll(r),
    );
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('registry') });
    const body = Buffer.from('DeviceType=acc,~DeviceName=SpeedFace,FirmVer=ZAM180-NF-Ver1.0.8,');
    const registry = await clockRequest(relay.url, 'POST', `/iclock/registry?SN=${SN}`, body);
    expect(registry).toMatchObject({ status: 200, text: 'RegistryCode=3f1c0a9b77d2e4c1' });
    expect((await clockRequest(relay.url, 'POST', `/iclock/push?SN=${SN}`, Buffer.from('x'))).text).toBe('ServerVersion=3.0.1\nSessionID=abc\n');
    expect(upstream.received[0]).toMatchObject({ method: 'POST', path: '/iclock/registry' });
    expect(upstream.received[0]!.body.equals(body)).toBe(true);
    const status = await relay.status();
    expect(status.rejected.count).toBe(0);
    expect(status.queue_depth).toBe(0);

    // Without the receiver the clock is told to ask again, not OK (on which it loops on registration).
    await upstream.stop();
    expect((await clockRequest(relay.url, 'POST', `/iclock/registry?SN=${SN}`, body)).status).toBe(503);
  });

  it('caps the uploads it reads at once and their bytes: past the cap, 503 before the body is read', async () => {
    const upstream = await startUpstream();
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('intake') });
    // Three photo batches of 19 MB being sent slowly hold 57 MB; a fourth would pass 64 MB.
    const slow = [];
    for (let i = 0; i < 3; i++) slow.push(await slowUpload(relay.url, 19 * 1024 * 1024));
    await waitFor('three uploads being read', async () => ((await (await fetch(`${relay.url}/relay/status`)).json()) as { uploads_reading: { uploads: number } }).uploads_reading.uploads === 3);
    expect(await answerToHead(relay.url, 19 * 1024 * 1024)).toBe('HTTP/1.1 503 Service Unavailable');
    // A small punch upload still fits.
    expect((await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=1`, attlogBatch(1, 5).body)).text).toBe('OK:5');
    for (const socket of slow) socket.destroy();
    await waitFor('slow uploads released', async () => ((await (await fetch(`${relay.url}/relay/status`)).json()) as { uploads_reading: { uploads: number; bytes: number } }).uploads_reading.bytes === 0);
    expect((await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTPHOTO`, Buffer.alloc(19 * 1024 * 1024, 1))).text).toBe('OK');
  }, 60_000);

  it('reads bodies by hand: over 20 MB is 413 before it is read, gzip is inflated, other encodings 415, nothing half-read is queued', async () => {
    const upstream = await startUpstream();
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('bodies') });
    expect(await answerToHead(relay.url, 20 * 1024 * 1024 + 1)).toBe('HTTP/1.1 413 Payload Too Large');
    // No length declared (chunked), 24 MB sent: cut at the limit while it is read.
    const chunked = await new Promise<number | string>((resolve, reject) => {
      const req = http.request(`${relay.url}/iclock/cdata?SN=${SN}&table=ATTPHOTO`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      const piece = Buffer.alloc(1024 * 1024, 1);
      let sent = 0;
      const more = (): void => {
        while (sent < 24) {
          sent++;
          if (!req.write(piece)) return void req.once('drain', more);
        }
        req.end();
      };
      more();
    }).catch(() => 'closed'); // after its 413 the relay closes the connection: the end of the 24 MB may meet a reset
    expect([413, 'closed']).toContain(chunked);

    const batch = attlogBatch(7, 3);
    const gzip = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=7`, zlib.gzipSync(batch.body), { 'Content-Encoding': 'gzip' });
    expect(gzip).toMatchObject({ status: 200, text: 'OK:3' });
    const brotli = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=8`, zlib.brotliCompressSync(batch.body), { 'Content-Encoding': 'br' });
    expect(brotli.status).toBe(415);
    await waitFor('the gzip upload delivered', async () => upstream.received.some((r) => r.path === '/iclock/cdata'));
    const uploads = upstream.received.filter((r) => r.path === '/iclock/cdata');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.body.equals(Buffer.from(batch.body))).toBe(true);
    expect((await relay.status()).queue_depth).toBe(0);
  }, 60_000);

  it('warns at start when RELAY_UPSTREAM is plain http:// to another machine, not for this machine', async () => {
    const remote = await spawnRelay({ upstream: 'http://192.0.2.10:9', dataDir: tempDir('cleartext') });
    expect(remote.logs.some((l) => l.level === 40 && /plain http/.test(String(l.msg)))).toBe(true);
    const local = await spawnRelay({ upstream: `http://127.0.0.1:${await freePort()}`, dataDir: tempDir('loopback') });
    expect(local.logs.some((l) => /plain http/.test(String(l.msg)))).toBe(false);
  });

  const lanAddress = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  it.skipIf(!lanAddress)('shows /relay/status only on the relay PC unless RELAY_STATUS_LOOPBACK_ONLY=false', async () => {
    const upstream = await startUpstream();
    const closed = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('status-lo'), env: { RELAY_HOST: '0.0.0.0' } });
    const port = new URL(closed.url).port;
    expect((await fetch(`http://${lanAddress}:${port}/relay/status`)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/relay/status`)).status).toBe(200);
    // The clock's own requests from the network are served as before.
    expect((await clockRequest(`http://${lanAddress}:${port}`, 'GET', `/iclock/ping?SN=${SN}`)).text).toBe('OK');

    const open = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('status-open'), env: { RELAY_HOST: '0.0.0.0', RELAY_STATUS_LOOPBACK_ONLY: 'false' } });
    expect((await fetch(`http://${lanAddress}:${new URL(open.url).port}/relay/status`)).status).toBe(200);
  });
});

// A clock's serial is its only credential, so its network address is the one hint that another machine
// is posing as it. Each approved clock's address is remembered (at approval, on each handshake); a request
// from another address flags the clock and is logged, and with DEVICE_ADDRESS_PINNING the clock gets no
// commands (which carry names and cards) and its command results are not taken until an admin confirms.
import type { Logger } from 'pino';
import type { Device } from '../db/generated/client.ts';
import type { DeviceRegistry } from './registry.ts';

export interface AddressVerdict {
  /** Commands may go to (and results be taken from) the caller. */
  commandsAllowed: boolean;
}

export class AddressWatch {
  constructor(private readonly deps: { registry: Pick<DeviceRegistry, 'update'>; log: Logger; pinning: boolean }) {}

  /** Compares a request's address with the approved clock's remembered one. */
  async observe(device: Device, address: string | undefined, handshake: boolean, at: Date): Promise<AddressVerdict> {
    if (device.state !== 'approved' || !address) return { commandsAllowed: true };
    if (!device.knownAddress) {
      // Approved before addresses were kept, or approved on first contact: this one is its address.
      await this.update(device.sn, { knownAddress: address });
      return { commandsAllowed: true };
    }
    if (address === device.knownAddress) return { commandsAllowed: true };
    const { pinning, log } = this.deps;
    const firstSign = device.addressChangedAt === null;
    if (handshake && !pinning) {
      // Without pinning the address follows the clock (DHCP); the change stays flagged until confirmed.
      await this.update(device.sn, { knownAddress: address, previousAddress: device.knownAddress, addressChangedAt: at });
      log.warn({ sn: device.sn, from: device.knownAddress, to: address }, 'clock handshake from a new address (flagged until an admin confirms it)');
    } else if (firstSign) {
      await this.update(device.sn, { previousAddress: device.knownAddress, addressChangedAt: at });
      log.warn(
        { sn: device.sn, known: device.knownAddress, seen: address, commands_held: pinning },
        pinning
          ? 'clock serial used from another address: no commands to it until an admin confirms the address'
          : 'clock serial used from another address (flagged until an admin confirms it)',
      );
    }
    return { commandsAllowed: !pinning };
  }

  /** An admin vouches for an address: the one given, else the one the clock was last seen at (approval does this too). */
  async confirm(device: Device, address?: string): Promise<Device> {
    const knownAddress = address ?? device.ipAddress ?? device.knownAddress;
    if (device.knownAddress !== knownAddress) this.deps.log.info({ sn: device.sn, from: device.knownAddress, to: knownAddress }, 'clock address confirmed by an admin');
    return this.update(device.sn, { knownAddress, previousAddress: null, addressChangedAt: null });
  }

  private update(sn: string, data: Partial<Pick<Device, 'knownAddress' | 'previousAddress' | 'addressChangedAt'>>): Promise<Device> {
    return this.deps.registry.update(sn, data);
  }
}

/** How GET /zkteco/api/devices shows a clock's address. */
export function addressJson(device: Device, pinning: boolean) {
  const unconfirmed = device.addressChangedAt !== null;
  return {
    known: device.knownAddress,
    last_seen: device.ipAddress,
    changed: unconfirmed,
    changed_at: device.addressChangedAt?.toISOString() ?? null,
    previous: device.previousAddress,
    /** With DEVICE_ADDRESS_PINNING: requests from any address but `known` get no commands until confirmed. */
    commands_held: pinning && unconfirmed,
  };
}

// The iClock protocol as pure code: no I/O. Shared by the receiver, the relay and the simulator.
export * from './attlog.ts';
export * from './decode.ts';
export * from './device-facts.ts';
export * from './devicecmd.ts';
export * from './lines.ts';
export * from './operlog.ts';
export * from './replies.ts';
export * from './request.ts';
export * from './time.ts';
export * from './rtlog.ts';
export * from './fields.ts';

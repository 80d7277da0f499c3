export { AtChannel, type AtChannelOptions, type AtTx, type RunOptions } from './channel.js';
export { simpleCommand, afterPrefix, type AtCommand, type AtResponse } from './command.js';
export { AtError, isAtError, finalKind, errorFromFinal, type AtErrorCode } from './errors.js';
export { decodeCmeError, decodeCmsError, CME_ERRORS, CMS_ERRORS } from './error-codes.js';
export { AtFramer, type Frame } from './framer.js';
export { openTransport, type Transport, type TransportFactory, type TransportOptions } from './transport.js';
export { escapeWire, WireTrace } from './trace.js';
export type { Urc } from './urc.js';

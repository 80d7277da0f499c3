/**
 * How HTTP reaches the MMSC (docs/MM1.md "Bearers"):
 *
 *   InterfaceBearer   an interface already on the MMS APN (wwan0, usb0, ppp0), host route or source rule
 *   ModemHttpBearer   the modem's own HTTP stack over AT (Quectel +QHTTP*, SIMCom +HTTP*)
 *   PppBearer         pppd on the modem's data port, MMS APN only, route to the proxy via ip-up
 *   FallbackBearer    tries them in order, with a diagnosis of each failure
 *   PdpContextManager the MMS PDP context in its own cid, released after use
 */
export type * from './types.js';
export { BearerError, classifySocketError } from './errors.js';
export type { BearerErrorCode } from './errors.js';
export { httpExchange, HTTP_DEFAULTS } from './http.js';
export { parseProxy, normalizeHost } from './proxy.js';
export { BearerResolver } from './resolve.js';
export type { IpFamily } from './resolve.js';
export { spawnExecutor } from './exec.js';
export type { Executor } from './exec.js';
export { RouteJournal, cleanupLeftovers } from './routes.js';
export type { RoutingMode } from './routes.js';
export { InterfaceBearer, interfaceAddresses } from './interface.js';
export type { InterfaceBearerOptions, ContextHook, ContextInfo } from './interface.js';
export { PdpContextManager, pdpAddress } from './pdp.js';
export type { PdpOptions, PdpType, ActiveContext, AtRunner } from './pdp.js';
export { ModemHttpBearer } from './modem-http.js';
export type { ModemHttpOptions, ModemHttpDialect, ModemHttpChannel } from './modem-http.js';
export { PppBearer } from './ppp.js';
export type { PppBearerOptions } from './ppp.js';
export { pppFiles } from './ppp-config.js';
export { SystemBearer } from './system.js';
export type { SystemBearerOptions } from './system.js';
export { FallbackBearer } from './fallback.js';
export type { Diagnosis } from './fallback.js';

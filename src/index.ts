// Greenlight's public API for embedding: start a server, or build a gate over your own store.
// The HTTP client for agents is `greenlight/client`.
export { startServer, openStore, type RunningServer, type ServerOptions } from './server.js';
export { createGate, type Gate, type GateDeps, type PolicyOutcome } from './core/gate.js';
export { GreenlightError, ERROR_CODES, type ErrorCode } from './core/errors.js';
export { loadConfig, ConfigError } from './config/load.js';
export { ConfigSchema, type Config } from './config/schema.js';
export type { ApprovalRequest, Decision, Principal, RequestEvent, Status } from './core/types.js';
export type { Store } from './store/store.js';
export type { Channel, ChannelContext, ChannelFactory } from './channels/channel.js';

// The Host/Origin allow-list moved to @legacybridge/transport-http, which enforces it; re-exported
// here so the server's public API (and its tests) keep their names.
export {
  allowedHostsFor,
  isHostAllowed,
  isLoopbackBind,
  isOriginAllowed,
  LOOPBACK_HOSTS,
} from '@legacybridge/transport-http';

// Headers the Worker sets when it forwards an authenticated WebSocket upgrade to a Durable
// Object. The DOs trust them because only the Worker can reach a DO stub; they are never read
// from a client request directly (the routes overwrite them after authenticating).
export const HEADER_USER_ID = 'X-Dursor-User-Id';
export const HEADER_RUNNER_ID = 'X-Dursor-Runner-Id';
export const HEADER_RUNNER_NAME = 'X-Dursor-Runner-Name';
export const HEADER_POOL = 'X-Dursor-Pool';
/** Set (to `1`) when the pool connection won its runner's place back from a copy of its credential. */
export const HEADER_CREDENTIAL_WON_BACK = 'X-Dursor-Credential-Won-Back';

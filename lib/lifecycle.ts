/**
 * The server process's state the app reads: scripts/server.mjs sets `draining` when SIGTERM arrives (it then
 * finishes the requests in flight and exits). Shared through globalThis because Next loads the app's modules
 * through its own bundles; without that server (next dev, tests) nothing ever drains.
 */
type ServerState = { draining: boolean };
const key = Symbol.for('pangolin.server');

export function isDraining(): boolean {
  return (globalThis as { [key]?: ServerState })[key]?.draining === true;
}

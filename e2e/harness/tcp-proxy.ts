/** The TCP proxy between a runner and the Worker (cut connections, refuse them for a while): testkit's. */
export { startTcpProxy, type TcpProxy } from '../../testkit/src/tcp-proxy.ts';

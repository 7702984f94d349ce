/** TEST ONLY: the Redis the tests use (`REDIS_URL`, else 127.0.0.1:6379), and whether it answers. */
import { connect } from 'node:net';

export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether something listens at `url`: tests of Redis skip (and say so) when not. */
export function redisReachable(url = testRedisUrl): Promise<boolean> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 500 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

// Loopback helpers shared by the test fakes.
import { createServer } from 'node:net';

/** A port free on 127.0.0.1 right now (for servers that cannot be told to pick one). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

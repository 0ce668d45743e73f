// Loaded into a server under test with `node --import` (test/integration/crash-under-load.test.ts):
// the process SIGKILLs itself the moment its Nth successful answer to a write (a 2xx to a POST)
// has been handed to the kernel, N from KILL_ON_ANSWER, before end() even returns. That is the
// worst moment for a store that answers before it commits: the answer is out, and nothing later
// in the process runs — not the next turn of the event loop, not an exit handler. The kernel still delivers the answer (the
// socket's buffered bytes go out before its FIN), so the client holds an acknowledgement whose
// write must be in the database. Nothing else about the server changes.
import http from 'node:http';

const killAt = Number(process.env.KILL_ON_ANSWER);
let answers = 0;

if (Number.isInteger(killAt) && killAt > 0) {
  const end = http.ServerResponse.prototype.end;
  http.ServerResponse.prototype.end = function (this: http.ServerResponse, ...args: unknown[]) {
    const counted = this.req.method === 'POST' && this.statusCode >= 200 && this.statusCode < 300 && ++answers === killAt;
    const result = (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    // end() hands a small answer to the kernel at once (nothing corked or buffered in the
    // socket); the test checks that the client got it.
    if (counted) process.kill(process.pid, 'SIGKILL');
    return result;
  } as typeof end;
}

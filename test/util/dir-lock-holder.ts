// Test helper process: takes the lock on argv[2], says so on stdout, then waits to be killed.
import { acquireDirLock } from '../../src/util/dir-lock.ts';

acquireDirLock(process.argv[2]!);
process.stdout.write(`locked ${process.pid}\n`);
setInterval(() => undefined, 60_000);

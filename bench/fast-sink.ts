/**
 * A minimal SMTP sink for the benchmark when Postfix's smtp-sink is not installed: a plain TCP
 * server that answers each command line at once, advertises PIPELINING (answers to a pipelined
 * group go out in one write), reads DATA up to the lone dot and throws it away. No parsing of
 * messages, no per-message work: the client is what is measured. Run as a child process by
 * bench/sink.ts; it tells its port over IPC.
 */
import net from 'node:net';

const END = Buffer.from('\r\n.\r\n');

function session(socket: net.Socket) {
  socket.setNoDelay(true);
  let inData = false;
  // Command mode: the unfinished last line. Data mode: the last bytes seen, to find a terminator split across reads.
  let pending = Buffer.alloc(0);
  socket.write('220 bench-sink ESMTP\r\n');
  socket.on('data', (chunk: Buffer) => {
    let input = Buffer.concat([pending, chunk]);
    const replies: string[] = [];
    for (;;) {
      if (inData) {
        const end = input.indexOf(END);
        if (end < 0) {
          pending = input.subarray(Math.max(0, input.length - END.length + 1));
          break;
        }
        inData = false;
        replies.push('250 2.0.0 Ok: queued\r\n');
        input = input.subarray(end + END.length);
        continue;
      }
      const eol = input.indexOf('\r\n');
      if (eol < 0) {
        pending = input;
        break;
      }
      const verb = input.subarray(0, Math.min(eol, 4)).toString('latin1').toUpperCase();
      input = input.subarray(eol + 2);
      if (verb === 'EHLO') replies.push('250-bench-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
      else if (verb === 'DATA') {
        replies.push('354 End data with <CR><LF>.<CR><LF>\r\n');
        inData = true;
        // The data starts after a line break: a message whose first line is the dot is empty.
        input = Buffer.concat([Buffer.from('\r\n'), input]);
      } else if (verb === 'QUIT') {
        replies.push('221 2.0.0 Bye\r\n');
        socket.end(replies.join(''));
        return;
      } else replies.push('250 2.0.0 Ok\r\n');
    }
    if (replies.length) socket.write(replies.join(''));
  });
  socket.on('error', () => socket.destroy());
}

const server = net.createServer(session);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as net.AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));

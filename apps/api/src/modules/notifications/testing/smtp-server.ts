import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The DATA section with dot-stuffing undone (headers + body). */
  data: string;
}

/**
 * A tiny loopback SMTP server for tests: enough of RFC 5321 for one client to deliver
 * messages (greeting 220; EHLO/HELO 250; MAIL FROM, RCPT TO 250; DATA 354 … `.` 250;
 * RSET, NOOP 250; QUIT 221). No TLS and no AUTH are offered. Recipients listed in
 * `rejectRecipients` get 550 (a permanent failure).
 */
export async function startSmtpServer(options: { rejectRecipients?: string[] } = {}) {
  const messages: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let isData = false;
    let envelope: { from: string; to: string[] } = { from: '', to: [] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 localhost ESMTP cyclone-test');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      while (true) {
        if (isData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          isData = false;
          messages.push({ ...envelope, data });
          envelope = { from: '', to: [] };
          reply('250 2.0.0 OK queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          reply('250-localhost greets you');
          reply('250 8BITMIME');
        } else if (verb === 'HELO' || verb === 'NOOP') reply('250 OK');
        else if (verb === 'RSET') {
          envelope = { from: '', to: [] };
          reply('250 OK');
        } else if (verb === 'MAIL') {
          envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          const to = /<([^>]*)>/.exec(line)?.[1] ?? '';
          if (options.rejectRecipients?.includes(to)) reply('550 5.1.1 no such mailbox');
          else {
            envelope.to.push(to);
            reply('250 2.1.5 OK');
          }
        } else if (verb === 'DATA') {
          isData = true;
          reply('354 end data with <CR><LF>.<CR><LF>');
        } else if (verb === 'QUIT') {
          reply('221 2.0.0 bye');
          socket.end();
        } else reply('502 5.5.2 command not recognized');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

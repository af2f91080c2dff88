import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpBalancer {
  url: string;
  /** The replicas connections go to, in turn; a replica that refuses is skipped. */
  setBackends(urls: string[]): void;
  stop(): Promise<void>;
}

/**
 * What a Kubernetes Service does for API replicas, on `host`: each new connection goes
 * to the next replica, and to the one after it when that one refuses (it is stopping);
 * an open connection stays with its replica until either side closes it.
 */
export async function startTcpBalancer(host: string): Promise<TcpBalancer> {
  let backends: { host: string; port: number }[] = [];
  let next = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const forward = (client: Socket, tried: number) => {
    if (tried >= backends.length) return void client.destroy();
    const target = backends[next++ % backends.length] as { host: string; port: number };
    const upstream = createConnection(target);
    track(upstream);
    upstream.once('error', () => forward(client, tried + 1));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    forward(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    setBackends: (urls) => {
      backends = urls.map((url) => ({ host: new URL(url).hostname, port: Number(new URL(url).port) }));
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

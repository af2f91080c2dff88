import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpBalancer {
  url: string;
  /** The replicas connections go to, in turn. */
  setBackends(urls: string[]): void;
  stop(): Promise<void>;
}

/**
 * What a Kubernetes Service (kube-proxy) does for API replicas, on `host`: each new
 * connection goes to the next listed replica, with no second try when that one refuses
 * (it is stopping and not yet out of the endpoints); an open connection stays with its
 * replica until either side closes it.
 */
export async function startTcpBalancer(host: string): Promise<TcpBalancer> {
  let backends: { host: string; port: number }[] = [];
  let next = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    const target = backends[next++ % backends.length];
    if (!target) return void client.destroy();
    const upstream = createConnection(target);
    track(upstream);
    // A refused or broken upstream resets the client, as a refused connection through a Service does.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.once('connect', () => {
      client.pipe(upstream).pipe(client);
      client.resume();
    });
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

import { GraphQLError } from 'graphql';

/** Largest WebSocket message the API reads (a subscription document with its variables). */
export const MAX_WS_MESSAGE_BYTES = 1024 * 1024;
/** Operations open at once on one graphql-ws connection. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;
/** Operations open at once for one user, over all their connections to this API process. */
export const MAX_SUBSCRIPTIONS_PER_USER = 300;

/** What graphql-ws keeps per connection: its open operations by id. */
interface Connection {
  subscriptions: Record<string, unknown>;
}

/**
 * Caps what one connection and one user keep open: every subscription holds a
 * listener and a buffer in this process, so unbounded ones would let one client
 * exhaust its memory. Counts graphql-ws's own table of open operations (it removes
 * an entry when the operation ends or the connection closes), so nothing drifts.
 */
export class SubscriptionLimits {
  private readonly byUser = new Map<string, Set<Connection>>();

  /** A signed-in connection was accepted. */
  opened(userId: string | undefined, connection: Connection): void {
    if (!userId) return;
    const connections = this.byUser.get(userId) ?? new Set();
    connections.add(connection);
    this.byUser.set(userId, connections);
  }

  closed(userId: string | undefined, connection: Connection): void {
    if (!userId) return;
    const connections = this.byUser.get(userId);
    connections?.delete(connection);
    if (connections?.size === 0) this.byUser.delete(userId);
  }

  /** Errors for an operation that would go past a limit (it is already in the connection's table). */
  check(userId: string | undefined, connection: Connection): readonly GraphQLError[] | undefined {
    if (Object.keys(connection.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return [
        limitError(
          `too many operations open on this connection: at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION}; complete some first`,
        ),
      ];
    }
    const connections = userId ? this.byUser.get(userId) : undefined;
    const total = [...(connections ?? [])].reduce((sum, c) => sum + Object.keys(c.subscriptions).length, 0);
    if (total > MAX_SUBSCRIPTIONS_PER_USER) {
      return [
        limitError(
          `too many subscriptions open for your user: at most ${MAX_SUBSCRIPTIONS_PER_USER} over all connections; complete some first`,
        ),
      ];
    }
    return undefined;
  }
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * A reason the API cannot start that the operator can fix: main prints its message
 * alone (one sentence naming what to change), without a stack.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

import type { Db } from '../../db/prisma.js';
import { readEngineStatus } from './engine-status.repository.js';

/** Reads of where stages run (any signed-in user: the overview shows it). */
export class EnginePresenter {
  constructor(private readonly db: Db) {}

  status() {
    return readEngineStatus(this.db);
  }
}

'use client';

import { useState } from 'react';

/**
 * The state of a list whose rows are created, edited and deleted in a drawer: which row (or
 * new one) is open, the save in flight, and the last save and delete errors. `refresh` runs
 * after every write, successful or not, so the list shows what the server holds.
 */
export function useListEditing<Editing, SaveError = string>(options: {
  refresh: () => Promise<unknown>;
  /** How a failed save is shown; by default its message. */
  saveError?: (error: unknown) => SaveError;
}) {
  const [editing, setEditing] = useState<Editing>();
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<SaveError>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const toSaveError = options.saveError ?? ((error: unknown) => errorMessage(error) as SaveError);

  const open = (next: Editing) => {
    setSaveError(undefined);
    setEditing(next);
  };

  /** Runs the write for the open drawer; closes it when the server took it. */
  const save = async (write: (editing: Editing) => Promise<unknown>) => {
    if (editing === undefined) return;
    setBusy(true);
    setSaveError(undefined);
    try {
      await write(editing);
      await options.refresh();
      setEditing(undefined);
    } catch (error) {
      setSaveError(toSaveError(error));
    } finally {
      setBusy(false);
    }
  };

  /** Asks `question` first; a refusal is kept in `deleteError`. */
  const remove = async (question: string, write: () => Promise<unknown>) => {
    if (!window.confirm(question)) return;
    setDeleteError(undefined);
    try {
      await write();
    } catch (error) {
      setDeleteError(error);
    }
    await options.refresh();
  };

  const close = () => setEditing(undefined);
  /** What the open drawer takes from the list: the save's error and progress, and how to close. */
  const drawer = { error: saveError, busy, onClose: close };
  return { editing, deleteError, open, save, remove, drawer };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

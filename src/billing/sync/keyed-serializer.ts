/**
 * Runs tasks with the same key one after another, in the order they were asked for. The sync re-reads the
 * provider inside it, so of two concurrent syncs of one object the later read is the one written last.
 * Per process: across replicas, the monotonic invoice status and idempotent writes take over.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

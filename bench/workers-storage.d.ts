// The Workers storage types that the TaskRoom modules bench/do-storage.ts imports name, as far as
// they use them. The bench project has Node's types, which conflict with @cloudflare/workers-types.
type SqlStorageValue = ArrayBuffer | string | number | null;
interface SqlStorageCursor<T extends Record<string, SqlStorageValue>> extends Iterator<T> {
  toArray(): T[];
  one(): T;
  raw<U extends SqlStorageValue[]>(): { toArray(): U[] };
  readonly rowsWritten: number;
}
interface SqlStorage {
  exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T>;
}
interface DurableObjectStorage {
  readonly sql: SqlStorage;
  transactionSync<T>(closure: () => T): T;
}
interface DurableObjectState {
  readonly storage: DurableObjectStorage;
}

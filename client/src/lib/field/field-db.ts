/**
 * The phone's own database (IndexedDB): the outbox, the last known station list, team and forms (so the app works with
 * no network), and drafts of reports being filled in. One database per origin; tests give it another name.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { NewOutboxItem, OutboxItem, OutboxStore } from './outbox';

export const FIELD_DB_NAME = 'vigil-field';
const FIELD_DB_VERSION = 1;

interface FieldDbSchema extends DBSchema {
  outbox: { key: string; value: OutboxItem; indexes: { order: number } };
  /** Last answers of GET calls, by name: what the app shows when it opens offline. */
  cache: { key: string; value: unknown };
  /** Reports being filled in, by screen: they survive reloads and app restarts. */
  drafts: { key: string; value: unknown };
}

export type FieldDb = IDBPDatabase<FieldDbSchema>;

export function openFieldDb(name = FIELD_DB_NAME): Promise<FieldDb> {
  return openDB<FieldDbSchema>(name, FIELD_DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('order', 'order', { unique: true });
      db.createObjectStore('cache');
      db.createObjectStore('drafts');
    },
  });
}

/** The outbox kept in IndexedDB. Adding takes the queue's last position inside the same transaction, so order is total. */
export class IdbOutboxStore implements OutboxStore {
  constructor(private readonly db: FieldDb) {}

  async add(items: NewOutboxItem[], createdAt: string): Promise<OutboxItem[]> {
    const tx = this.db.transaction('outbox', 'readwrite');
    const last = await tx.store.index('order').openCursor(null, 'prev');
    let order = last?.value.order ?? 0;
    const base = { state: 'pending' as const, attempts: 0, lastError: null, settledAt: null, note: null, createdAt };
    const added: OutboxItem[] = items.map((item) =>
      item.kind === 'event'
        ? { ...base, kind: 'event', id: item.event.id, order: ++order, event: item.event, result: null }
        : { ...base, kind: 'photo', id: item.id, order: ++order, blob: item.blob, contentType: item.contentType },
    );
    for (const item of added) await tx.store.add(item);
    await tx.done;
    return added;
  }

  all(): Promise<OutboxItem[]> {
    return this.db.getAllFromIndex('outbox', 'order');
  }

  async put(item: OutboxItem): Promise<void> {
    await this.db.put('outbox', item);
  }

  async prune(settledBefore: string): Promise<number> {
    const tx = this.db.transaction('outbox', 'readwrite');
    let removed = 0;
    for await (const cursor of tx.store) {
      const item = cursor.value;
      if (item.state !== 'pending' && item.settledAt !== null && item.settledAt < settledBefore) {
        await cursor.delete();
        removed++;
      }
    }
    await tx.done;
    return removed;
  }
}

/** A small key-value view of one of the plain stores. */
export class KeyValue<T> {
  constructor(
    private readonly db: FieldDb,
    private readonly storeName: 'cache' | 'drafts',
  ) {}

  async get(key: string): Promise<T | undefined> {
    return (await this.db.get(this.storeName, key)) as T | undefined;
  }

  async set(key: string, value: T): Promise<void> {
    await this.db.put(this.storeName, value, key);
  }

  async delete(key: string): Promise<void> {
    await this.db.delete(this.storeName, key);
  }
}

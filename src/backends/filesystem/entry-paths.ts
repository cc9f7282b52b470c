/** Key → entry file path for the FileSystemCache backend, with a small memo of hot keys. */
import { join } from "node:path";
import { type FileHashMethod, fileNameForKey } from "./format.js";

// At most this many keys of at most this many chars are remembered.
const PATH_MEMO_ENTRIES = 4096;
const PATH_MEMO_MAX_KEY_CHARS = 512;

export class EntryPaths {
  private readonly paths = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly hashMethod: FileHashMethod,
  ) {}

  /** Path of the file holding `key`. Throws `FileSystemKeyError` for a key with no UTF-8 form. */
  pathFor(key: string): string {
    let path = this.paths.get(key);
    if (path === undefined) {
      path = join(this.dir, fileNameForKey(key, this.hashMethod));
      // Hot keys repeat: remembering their paths saves a hash and a join per call. Bounded
      // by entry count and key length; simply emptied when full.
      if (key.length <= PATH_MEMO_MAX_KEY_CHARS) {
        if (this.paths.size >= PATH_MEMO_ENTRIES) this.paths.clear();
        this.paths.set(key, path);
      }
    }
    return path;
  }
}

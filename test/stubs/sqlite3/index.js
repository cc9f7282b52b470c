// Nothing in this repository uses SQLite; loading this stand-in means a new dependency does.
throw new Error("sqlite3 is an empty stand-in here (test/stubs/sqlite3, package.json overrides)");

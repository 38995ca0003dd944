package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses, registered as "sqlite"
)

// FerretDB 1.24's SQLite backend gives each collection table a unique index on the expression
// _ferretdb_sjson->"_id", but finds, updates and deletes documents by _id with the expression
// _ferretdb_sjson->'$._id' (metadata.IDColumn). SQLite uses an expression index only for the
// same expression, so it never uses that one: every lookup by _id scans the whole table (about
// 1 s at 100,000 documents here). idIndexes adds, to every collection table of every database,
// an index on the exact expression the lookups use; with it a lookup by _id is a few
// milliseconds at any size. FerretDB does not know of the index (listIndexes does not show it);
// dropping the collection drops its table and the index with it.

// idIndexPrefix names the added indexes. FerretDB's own index names start with their table's
// name, which never contains a colon.
const idIndexPrefix = "lma_id_lookup:"

type fileState struct {
	mod     time.Time
	walMod  time.Time
	indexed bool
}

// maintainIDIndexes checks every database file in dir each interval until ctx ends. A file
// whose main and WAL files are unchanged since it was last found fully indexed is skipped.
func maintainIDIndexes(ctx context.Context, dir string, interval time.Duration) {
	seen := map[string]fileState{}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		current := map[string]bool{}
		for _, f := range files {
			current[f] = true
			st, ok := stateOf(f)
			if !ok {
				continue
			}
			if prev, known := seen[f]; known && prev.indexed && prev.mod.Equal(st.mod) && prev.walMod.Equal(st.walMod) {
				continue
			}
			created, err := indexFile(ctx, f)
			if err != nil {
				// a database dropped meanwhile is no error
				if _, statErr := os.Stat(f); ctx.Err() == nil && statErr == nil {
					log.Printf("id index: %s: %v", filepath.Base(f), err)
				}
				delete(seen, f)
				continue
			}
			for _, table := range created {
				log.Printf("id index: created for %s in %s", table, filepath.Base(f))
			}
			// read again: the index just created changed the files
			if after, ok := stateOf(f); ok {
				after.indexed = true
				seen[f] = after
			}
		}
		for f := range seen {
			if !current[f] {
				delete(seen, f)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func stateOf(f string) (fileState, bool) {
	main, err := os.Stat(f)
	if err != nil {
		return fileState{}, false
	}
	st := fileState{mod: main.ModTime()}
	if wal, err := os.Stat(f + "-wal"); err == nil {
		st.walMod = wal.ModTime()
	}
	return st, true
}

// indexFile creates the missing _id lookup indexes of one database file and returns the tables
// it indexed. The file is opened read-write but never created (a database being dropped is not
// brought back), and closed again at once: when FerretDB drops the database meanwhile, this
// connection is the last one and removes the WAL files as it closes. (A database dropped and
// created again under the same name within those milliseconds could find this connection's WAL;
// the project's tests and tools give each run's databases new names.)
func indexFile(ctx context.Context, f string) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+f+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	rows, err := db.QueryContext(ctx, `
		SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table' AND t.name NOT LIKE '\_ferretdb\_%' ESCAPE '\'
		AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = ? || t.name)`, idIndexPrefix)
	if err != nil {
		return nil, err
	}
	var missing []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		missing = append(missing, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var created []string
	for _, table := range missing {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, idIndexPrefix+table, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			// the table was dropped meanwhile: nothing to index
			if strings.Contains(err.Error(), "no such table") {
				continue
			}
			return created, err
		}
		created = append(created, table)
	}
	return created, nil
}

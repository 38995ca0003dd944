// Command ferretdb-local runs FerretDB 1.24 (MongoDB wire protocol, SQLite backend)
// embedded as a library, on a loopback port, for machines without Docker, with the _id lookup
// indexes FerretDB's SQLite backend misses (idindex.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "./data", "directory for the SQLite databases")
	idIndexEvery := flag.Duration("id-index-interval", time.Second, "how often every collection is checked for its _id lookup index (idindex.go); 0 turns it off")
	pprofAddr := flag.String("pprof", "", "if set, serve Go's pprof profiles on this loopback address (e.g. 127.0.0.1:6060) for performance work")
	flag.Parse()

	if *pprofAddr != "" {
		go func() { log.Printf("pprof: %v", http.ListenAndServe(*pprofAddr, nil)) }()
	}

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		log.Fatalf("create data dir: %v", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Handler:  "sqlite",
		// WAL (FerretDB's default) with synchronous=NORMAL: a commit no longer waits for the disk,
		// which takes about a third off every write's CPU and latency; a crash of this process
		// loses nothing, a power loss may lose the last commits (a local development database)
		SQLiteURL: "file:" + *dataDir + "/?_pragma=synchronous(NORMAL)",
	})
	if err != nil {
		log.Fatalf("configure ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	if *idIndexEvery > 0 {
		go maintainIDIndexes(ctx, *dataDir, *idIndexEvery)
	}

	fmt.Printf("ferretdb-local listening on %s (data %s)\n", *listen, *dataDir)
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb stopped: %v", err)
	}
}

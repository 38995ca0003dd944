// Command ferretdb-local runs FerretDB 1.24 (MongoDB wire protocol, SQLite backend)
// embedded as a library, on a loopback port, for machines without Docker, with the _id lookup
// indexes FerretDB's SQLite backend misses (idindex.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "./data", "directory for the SQLite databases")
	idIndexEvery := flag.Duration("id-index-interval", time.Second, "how often every collection is checked for its _id lookup index (idindex.go); 0 turns it off")
	pprofAddr := flag.String("pprof", "", "if set, serve Go's pprof profiles on this loopback address (e.g. 127.0.0.1:6060) for performance work")
	connBudget := flag.Int("sqlite-conns", 96, "SQLite connections the commands in FerretDB may hold together at most (limit.go; under the 100 FerretDB keeps per database); 0: no gate, FerretDB listens on -listen itself")
	flag.Parse()

	if *pprofAddr != "" {
		go func() { log.Printf("pprof: %v", http.ListenAndServe(*pprofAddr, nil)) }()
	}

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		log.Fatalf("create data dir: %v", err)
	}

	// with the gate, FerretDB listens on a Unix socket in the data directory and the gate on -listen
	listener := ferretdb.ListenerConfig{TCP: *listen}
	socket := filepath.Join(*dataDir, "ferretdb.sock")
	if len(socket) > 100 { // a Unix socket path has at most 107 bytes
		socket = filepath.Join(os.TempDir(), fmt.Sprintf("lma-ferretdb-%d.sock", os.Getpid()))
	}
	if *connBudget > 0 {
		_ = os.Remove(socket) // left by a process that was killed
		listener = ferretdb.ListenerConfig{Unix: socket}
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: listener,
		Handler:  "sqlite",
		// WAL (FerretDB's default) with synchronous=NORMAL: a commit no longer waits for the disk,
		// which takes about a third off every write's CPU and latency; a crash of this process
		// loses nothing, a power loss may lose the last commits (a local development database)
		SQLiteURL: "file:" + *dataDir + "/?_pragma=synchronous(NORMAL)",
	})
	if err != nil {
		log.Fatalf("configure ferretdb: %v", err)
	}

	// a signal first drains the gate's clients (limit.go), then stops FerretDB: no command runs
	// while FerretDB shuts down (it keeps serving open connections after its context ends)
	signals, stopSignals := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stopSignals()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	if *idIndexEvery > 0 {
		go maintainIDIndexes(ctx, *dataDir, *idIndexEvery)
	}

	if *connBudget > 0 {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if c, err := net.Dial("unix", socket); err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				log.Fatalf("FerretDB did not listen on %s within 30 s", socket)
			}
		}
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			log.Fatalf("listen on %s: %v", *listen, err)
		}
		cs := newClients()
		go func() {
			<-signals.Done()
			ln.Close()
			cs.drain(10 * time.Second)
			stop()
		}()
		go func() {
			if err := serveGated(ln, socket, newGate(*connBudget), cs); err != nil {
				log.Fatalf("gate stopped: %v", err)
			}
		}()
	} else {
		go func() {
			<-signals.Done()
			stop()
		}()
	}

	fmt.Printf("ferretdb-local listening on %s (data %s)\n", *listen, *dataDir)
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb stopped: %v", err)
	}
}
